package scim

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/scim/internal/scimpatch"
	"github.com/scimkit/scimkit/store"
)

// The IdP sees only managed groups; privileged ones it may see but never
// change (package linking's rules).

func groupWhat(id string) string { return "Group " + quote(id) }

// memberIDs reads the members attribute of a validated POST or PUT body.
func memberIDs(attrs map[string]any) ([]string, *apiError) {
	raw, _ := attrs["members"].([]any)
	ids := make([]string, 0, len(raw))
	for _, m := range raw {
		mm, _ := m.(map[string]any)
		v, _ := mm["value"].(string)
		if v == "" {
			return nil, errBadRequest("invalidValue", "every member needs a non-empty \"value\" holding the id of a user")
		}
		if t, _ := mm["type"].(string); strings.EqualFold(t, "Group") {
			return nil, errBadRequest("invalidValue", fmt.Sprintf("member %q is a group; nested groups are not supported, add the group's users instead", v))
		}
		ids = append(ids, v)
	}
	return ids, nil
}

// groupBody reads the displayName, externalId and members of a POST or
// PUT body.
func (h *Handler) groupBody(q *request) (g store.Group, members []string, e *apiError) {
	attrs, e := h.resourceBody(q, q.p.groups)
	if e != nil {
		return g, nil, e
	}
	g.DisplayName, _ = attrs["displayName"].(string)
	if strings.TrimSpace(g.DisplayName) == "" {
		return g, nil, errBadRequest("invalidValue", "a group needs a non-empty displayName")
	}
	g.ExternalID, _ = attrs["externalId"].(string)
	members, e = memberIDs(attrs)
	return g, members, e
}

// createGroup is POST /Groups: a managed host group with the same name
// that the IdP has not claimed yet is adopted, else a new managed group is
// created.
func (h *Handler) createGroup(w http.ResponseWriter, q *request) {
	ctx, account := q.ctx(), q.acct.ID
	in, members, e := h.groupBody(q)
	if e != nil {
		writeError(w, e)
		return
	}
	g, outcome, err := h.linking.ProvisionGroup(ctx, q.acct, in, members)
	if err != nil {
		writeError(w, h.translate(ctx, err, "group"))
		return
	}
	stored, err := h.members(ctx, account, g.ID, q.p.memberDisplay)
	if err != nil {
		writeError(w, h.translate(ctx, err, groupWhat(g.ID)))
		return
	}
	typ := GroupCreated
	if outcome == linking.OutcomeLinked {
		typ = GroupLinked
	}
	h.emit(ctx, Event{Type: typ, AccountID: account, Group: g, Added: stored.ids, Replaced: true})
	h.writeGroup(w, http.StatusCreated, g, stored)
}

// visibleGroup returns the group if the IdP may see it.
func (h *Handler) visibleGroup(ctx context.Context, account, id string) (store.Group, error) {
	g, err := h.store.GetGroup(ctx, account, id)
	if err != nil {
		return store.Group{}, err
	}
	if !linking.Visible(g) {
		return store.Group{}, store.ErrNotFound
	}
	return g, nil
}

// writableGroup returns the group if the IdP may change it, after the
// If-Match check; expect is the version If-Match names (0 if none: the
// update then sets no precondition, see store.GroupUpdate).
func (h *Handler) writableGroup(q *request, id string) (g store.Group, expect int64, err error) {
	g, err = h.visibleGroup(q.ctx(), q.acct.ID, id)
	if err != nil {
		return g, 0, err
	}
	if err := h.linking.CheckGroupWritable(g); err != nil {
		return g, 0, err
	}
	expect, e := checkIfMatch(q.r, g.Version, groupWhat(id))
	if e != nil {
		return g, 0, e
	}
	return g, expect, nil
}

// replaceGroup is PUT: displayName, externalId and the exact member set.
func (h *Handler) replaceGroup(w http.ResponseWriter, q *request, id string) {
	ctx, account, what := q.ctx(), q.acct.ID, groupWhat(id)
	in, members, e := h.groupBody(q)
	if e != nil {
		writeError(w, e)
		return
	}
	g, expect, err := h.writableGroup(q, id)
	if err != nil {
		writeError(w, h.translate(ctx, err, what))
		return
	}
	upd := store.GroupUpdate{Version: expect, DisplayName: &in.DisplayName, ExternalID: &in.ExternalID, ReplaceMembers: true, Members: members}
	stored, ok := h.updateGroup(w, q, g, upd)
	if !ok {
		return
	}
	current, err := h.members(ctx, account, id, q.p.memberDisplay)
	if err != nil {
		writeError(w, h.translate(ctx, err, what))
		return
	}
	h.writeGroup(w, http.StatusOK, stored, current)
}

// patchGroup applies membership deltas and renames atomically and answers
// 204: a group's member list can be large, and IdPs accept 204.
func (h *Handler) patchGroup(w http.ResponseWriter, q *request, id string) {
	ctx := q.ctx()
	ops, e := patchOps(q, q.p.groups)
	if e != nil {
		writeError(w, e)
		return
	}
	g, expect, err := h.writableGroup(q, id)
	if err != nil {
		writeError(w, h.translate(ctx, err, groupWhat(id)))
		return
	}
	gp, err := scimpatch.ApplyGroup(ops)
	if err != nil {
		writeError(w, h.translate(ctx, err, groupWhat(id)))
		return
	}
	if gp.Changed {
		upd := gp.Update
		upd.Version = expect
		if upd.DisplayName != nil && strings.TrimSpace(*upd.DisplayName) == "" {
			writeError(w, errBadRequest("invalidValue", "a group's displayName must not be empty"))
			return
		}
		if _, ok := h.updateGroup(w, q, g, upd); !ok {
			return
		}
	}
	writeNoContent(w)
}

// updateGroup stores upd and emits the events it amounts to (the member
// delta is the one the store applied inside the write); on failure it
// writes the error and reports false.
func (h *Handler) updateGroup(w http.ResponseWriter, q *request, g store.Group, upd store.GroupUpdate) (store.Group, bool) {
	ctx, account := q.ctx(), q.acct.ID
	stored, delta, err := h.store.UpdateGroup(ctx, account, g.ID, upd)
	if err != nil {
		writeError(w, h.translate(ctx, err, groupWhat(g.ID)))
		return stored, false
	}
	h.emitGroupChanges(ctx, account, g, stored, upd, delta)
	return stored, true
}

// emitGroupChanges tells the hooks what an update did.
func (h *Handler) emitGroupChanges(ctx context.Context, account string, before, after store.Group, upd store.GroupUpdate, d store.MemberDelta) {
	if before.DisplayName != after.DisplayName {
		h.emit(ctx, Event{Type: GroupRenamed, AccountID: account, Group: after})
	}
	if len(d.Added)+len(d.Removed) > 0 {
		h.emit(ctx, Event{Type: GroupMembersChanged, AccountID: account, Group: after, Added: d.Added, Removed: d.Removed, Replaced: upd.ReplaceMembers})
	}
}

// deleteGroup removes the group and its memberships (never the users).
func (h *Handler) deleteGroup(w http.ResponseWriter, q *request, id string) {
	ctx := q.ctx()
	g, _, err := h.writableGroup(q, id)
	if err != nil {
		writeError(w, h.translate(ctx, err, groupWhat(id)))
		return
	}
	if err := h.store.DeleteGroup(ctx, q.acct.ID, id); err != nil {
		writeError(w, h.translate(ctx, err, groupWhat(id)))
		return
	}
	h.emit(ctx, Event{Type: GroupDeleted, AccountID: q.acct.ID, Group: g})
	writeNoContent(w)
}
