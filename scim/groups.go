package scim

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	elimity "github.com/elimity-com/scim"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/scim/internal/scimpatch"
	"github.com/scimkit/scimkit/store"
)

// groupsHandler connects the protocol library's /Groups endpoint to the
// store and the managed-group rules. The IdP sees only managed groups;
// privileged ones it may see but never change.
type groupsHandler struct{ h *Handler }

var _ elimity.ResourceHandler = groupsHandler{}

func groupWhat(id string) string { return "Group " + quote(id) }

// memberIDs reads the members attribute of a POST or PUT body.
func memberIDs(attrs map[string]any) ([]string, error) {
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

// Create pushes a group: a managed host group with the same name that the
// IdP has not claimed yet is adopted, else a new managed group is created.
func (gh groupsHandler) Create(r *http.Request, attrs elimity.ResourceAttributes) (elimity.Resource, error) {
	h, ctx, account := gh.h, r.Context(), accountOf(r)
	name, _ := attrs["displayName"].(string)
	if strings.TrimSpace(name) == "" {
		return elimity.Resource{}, errBadRequest("invalidValue", "a group needs a non-empty displayName").elimity()
	}
	members, err := memberIDs(attrs)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, "group")
	}
	ext, _ := attrs["externalId"].(string)
	g, outcome, err := h.linking.ProvisionGroup(ctx, account, store.Group{DisplayName: name, ExternalID: ext}, members)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, "group")
	}
	stored, err := h.store.Members(ctx, account, g.ID)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, groupWhat(g.ID))
	}
	typ := GroupCreated
	if outcome == linking.OutcomeLinked {
		typ = GroupLinked
	}
	h.emit(ctx, Event{Type: typ, AccountID: account, Group: g, Added: stored, Replaced: true})
	return h.groupResource(g, stored), nil
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
// If-Match check; expect is the version If-Match names (0 if none).
func (h *Handler) writableGroup(r *http.Request, id string) (g store.Group, expect int64, err error) {
	g, err = h.visibleGroup(r.Context(), accountOf(r), id)
	if err != nil {
		return g, 0, err
	}
	if err := h.linking.CheckGroupWritable(g); err != nil {
		return g, 0, err
	}
	expect, e := checkIfMatch(r, g.Version, groupWhat(id))
	if e != nil {
		return g, 0, e
	}
	return g, expect, nil
}

func (gh groupsHandler) Get(r *http.Request, id string) (elimity.Resource, error) {
	h, ctx, account := gh.h, r.Context(), accountOf(r)
	g, err := h.visibleGroup(ctx, account, id)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, groupWhat(id))
	}
	proj := h.projection(r)
	var members []string
	if !proj.excludes("members") {
		if members, err = h.store.Members(ctx, account, id); err != nil {
			return elimity.Resource{}, h.forElimity(r, err, groupWhat(id))
		}
	}
	res := h.groupResource(g, members)
	res.Attributes = proj.apply(res.Attributes)
	return res, nil
}

// GetAll is not reached through Handler (see serveList) but is complete.
func (gh groupsHandler) GetAll(r *http.Request, params elimity.ListRequestParams) (elimity.Page, error) {
	return gh.h.libraryPage(r, params, false)
}

// Replace is PUT: displayName, externalId and the exact member set.
func (gh groupsHandler) Replace(r *http.Request, id string, attrs elimity.ResourceAttributes) (elimity.Resource, error) {
	h, ctx, account := gh.h, r.Context(), accountOf(r)
	g, expect, err := h.writableGroup(r, id)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, groupWhat(id))
	}
	name, _ := attrs["displayName"].(string)
	if strings.TrimSpace(name) == "" {
		return elimity.Resource{}, errBadRequest("invalidValue", "a group needs a non-empty displayName").elimity()
	}
	members, err := memberIDs(attrs)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, groupWhat(id))
	}
	ext, _ := attrs["externalId"].(string)
	upd := store.GroupUpdate{Version: expect, DisplayName: &name, ExternalID: &ext, ReplaceMembers: true, Members: members}
	stored, delta, err := h.store.UpdateGroup(ctx, account, id, upd)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, groupWhat(id))
	}
	h.emitGroupChanges(ctx, account, g, stored, upd, delta)
	current, err := h.store.Members(ctx, account, id)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, groupWhat(id))
	}
	return h.groupResource(stored, current), nil
}

// Patch applies membership deltas and renames atomically and answers 204:
// a group's member list can be large, and IdPs accept 204.
func (gh groupsHandler) Patch(r *http.Request, id string, ops []elimity.PatchOperation) (elimity.Resource, error) {
	h, ctx, account := gh.h, r.Context(), accountOf(r)
	g, expect, err := h.writableGroup(r, id)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, groupWhat(id))
	}
	gp, err := scimpatch.ApplyGroup(ops)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, groupWhat(id))
	}
	if !gp.Changed {
		return elimity.Resource{}, nil
	}
	upd := gp.Update
	upd.Version = expect
	if upd.DisplayName != nil && strings.TrimSpace(*upd.DisplayName) == "" {
		return elimity.Resource{}, errBadRequest("invalidValue", "a group's displayName must not be empty").elimity()
	}
	stored, delta, err := h.store.UpdateGroup(ctx, account, id, upd)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, groupWhat(id))
	}
	h.emitGroupChanges(ctx, account, g, stored, upd, delta)
	return elimity.Resource{}, nil
}

// emitGroupChanges tells the hooks what an update did; the member delta is
// the one the store applied inside the write.
func (h *Handler) emitGroupChanges(ctx context.Context, account string, before, after store.Group, upd store.GroupUpdate, d store.MemberDelta) {
	if before.DisplayName != after.DisplayName {
		h.emit(ctx, Event{Type: GroupRenamed, AccountID: account, Group: after})
	}
	if len(d.Added)+len(d.Removed) > 0 {
		h.emit(ctx, Event{Type: GroupMembersChanged, AccountID: account, Group: after, Added: d.Added, Removed: d.Removed, Replaced: upd.ReplaceMembers})
	}
}

func (gh groupsHandler) Delete(r *http.Request, id string) error {
	h, ctx, account := gh.h, r.Context(), accountOf(r)
	g, _, err := h.writableGroup(r, id)
	if err != nil {
		return h.forElimity(r, err, groupWhat(id))
	}
	if err := h.store.DeleteGroup(ctx, account, id); err != nil {
		return h.forElimity(r, err, groupWhat(id))
	}
	h.emit(ctx, Event{Type: GroupDeleted, AccountID: account, Group: g})
	return nil
}
