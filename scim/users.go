package scim

import (
	elimity "github.com/elimity-com/scim"

	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/scim/internal/scimpatch"
	"github.com/scimkit/scimkit/store"
)

func userWhat(id string) string { return "User " + quote(id) }

func quote(s string) string { return `"` + s + `"` }

// createUser is POST /Users: the body is validated and mapped, and
// package linking links an existing host user with the same email or
// creates and invites a new one, in the state the IdP sends.
func (h *Handler) createUser(w http.ResponseWriter, q *request) {
	ctx, account := q.ctx(), q.acct.ID
	attrs, e := h.resourceBody(q, q.p.users)
	if e != nil {
		writeError(w, e)
		return
	}
	var u store.User
	if err := h.toUser(q.p, attrs, &u); err != nil {
		writeError(w, h.translate(ctx, err, "user"))
		return
	}
	if attrs["active"] == false {
		u.State = store.StateSuspended // created (or linked) suspended, invite deferred
	}
	if e := h.checkPolicies(ctx, PolicyCheck{AccountID: account, After: u}); e != nil {
		writeError(w, e)
		return
	}
	var opts []linking.ProvisionOption
	if !q.p.emailRequired {
		opts = append(opts, linking.EmailOptional())
	}
	stored, outcome, err := h.linking.ProvisionUser(ctx, q.acct, u, opts...)
	if err != nil {
		writeError(w, h.translate(ctx, err, "user"))
		return
	}
	if outcome == linking.OutcomeLinked {
		h.emit(ctx, Event{Type: UserLinked, AccountID: account, User: stored})
	} else {
		h.emit(ctx, Event{Type: UserCreated, AccountID: account, User: stored})
	}
	if !stored.Active() {
		h.emit(ctx, Event{Type: UserSuspended, AccountID: account, User: stored})
	}
	h.writeUser(w, q, http.StatusCreated, stored)
}

// resourceBody validates a POST or PUT body against s (scimpatch does the
// one schema-driven pass).
func (h *Handler) resourceBody(q *request, s scimpatch.Schema) (map[string]any, *apiError) {
	body, e := needBody(q)
	if e != nil {
		return nil, e
	}
	attrs, err := s.Resource(body)
	if err != nil {
		return nil, patchError(err)
	}
	return attrs, nil
}

// patchOps parses the body of a PATCH request for a resource type of
// schema s.
func patchOps(q *request, s scimpatch.Schema) ([]elimity.PatchOperation, *apiError) {
	body, e := needBody(q)
	if e != nil {
		return nil, e
	}
	ops, err := scimpatch.ParseRequest(body, s)
	if err != nil {
		return nil, patchError(err)
	}
	return ops, nil
}

// toUser maps incoming attributes onto u. externalId is the IdP's link to
// the user and is kept even when the mapping table does not map it.
func (h *Handler) toUser(p *profile, attrs map[string]any, u *store.User) error {
	if e := onePrimary(attrs); e != nil {
		return e
	}
	before := u.ExternalID
	if err := p.mapper.ToUser(attrs, u); err != nil {
		return err
	}
	if !p.mapsExternalID {
		u.ExternalID = before
		if v, ok := attrs["externalId"].(string); ok {
			u.ExternalID = v
		} else if _, present := attrs["externalId"]; present {
			u.ExternalID = ""
		}
	}
	return nil
}

// onePrimary refuses a resource in which a multi-valued attribute has
// more than one value with "primary": true (RFC 7643 section 2.4: it
// MUST appear no more than once), rather than guessing which one the
// IdP meant.
func onePrimary(attrs map[string]any) *apiError {
	for name, v := range attrs {
		list, ok := v.([]any)
		if !ok {
			continue
		}
		n := 0
		for _, e := range list {
			if m, ok := e.(map[string]any); ok && m["primary"] == true {
				n++
			}
		}
		if n > 1 {
			return errBadRequest("invalidValue", fmt.Sprintf("%s: %d values are marked primary; at most one may be", name, n))
		}
	}
	return nil
}

// activeOf is the active attribute of a request, if it has one.
func activeOf(attrs map[string]any) *bool {
	if b, ok := attrs["active"].(bool); ok {
		return &b
	}
	return nil
}

// replaceUser is PUT: every mapped attribute is set from the body (absent
// ones cleared); active, when present, suspends or reactivates.
func (h *Handler) replaceUser(w http.ResponseWriter, q *request, id string) {
	attrs, e := h.resourceBody(q, q.p.users)
	if e != nil {
		writeError(w, e)
		return
	}
	h.updateUser(w, q, id, func(cur store.User) (linking.Change, error) {
		next := cur.Clone()
		if err := h.toUser(q.p, attrs, &next); err != nil {
			return linking.Change{}, err
		}
		return linking.Change{User: next, Active: activeOf(attrs), EmailOptional: !q.p.emailRequired}, nil
	})
}

// patchUser applies RFC 7644 PATCH operations to the user's SCIM document,
// all or nothing, and stores the result.
func (h *Handler) patchUser(w http.ResponseWriter, q *request, id string) {
	ops, e := patchOps(q, q.p.users)
	if e != nil {
		writeError(w, e)
		return
	}
	h.updateUser(w, q, id, func(cur store.User) (linking.Change, error) {
		doc := h.userAttributes(q.p, cur)
		doc["id"] = cur.ID
		if cur.ExternalID != "" {
			doc["externalId"] = cur.ExternalID
		}
		out, changed, err := scimpatch.ApplyUser(doc, ops, q.p.users)
		if err != nil || !changed {
			return linking.Change{User: cur}, err
		}
		if e := q.p.removesRequired(ops, out); e != nil {
			return linking.Change{}, e
		}
		next := cur.Clone()
		if err := h.toUser(q.p, out, &next); err != nil {
			return linking.Change{}, err
		}
		return linking.Change{User: next, Active: activeOf(out), EmailOptional: !q.p.emailRequired}, nil
	})
}

// removesRequired refuses a PATCH whose remove operation leaves an
// attribute the account's mapping requires (the presets' emails) without
// a value: a clear 400 rather than a success that the mapping's
// fallbacks would quietly undo.
func (p *profile) removesRequired(ops []elimity.PatchOperation, out map[string]any) *apiError {
	for i, op := range ops {
		if !strings.EqualFold(op.Op, "remove") || op.Path == nil {
			continue
		}
		if uri := op.Path.AttributePath.URI(); uri != "" && !strings.EqualFold(uri, userSchemaURN) {
			continue
		}
		name := op.Path.AttributePath.AttributeName
		if !p.requires(name) || !blank(out[name]) {
			continue
		}
		return errBadRequest("invalidValue", fmt.Sprintf("operation %d: %q is required by this account's attribute mapping and cannot be removed; replace it instead", i+1, name))
	}
	return nil
}

// requires reports whether the mapping requires the core attribute name.
func (p *profile) requires(name string) bool {
	for _, a := range p.mapper.Attributes() {
		if a.URN == "" && a.Required && strings.EqualFold(a.Name, name) {
			return true
		}
	}
	return false
}

func blank(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(t) == ""
	case []any:
		return len(t) == 0
	}
	return false
}

// updateUser is what PUT and PATCH share: If-Match is checked against the
// version each attempt reads, package linking applies the change and the
// account rules in one write, and the events the change amounts to are
// emitted.
func (h *Handler) updateUser(w http.ResponseWriter, q *request, id string, change func(store.User) (linking.Change, error)) {
	ctx, account, what := q.ctx(), q.acct.ID, userWhat(id)
	before, after, err := h.linking.UpdateUser(ctx, q.acct, id, func(cur store.User) (linking.Change, error) {
		if _, e := checkIfMatch(q.r, cur.Version, what); e != nil {
			return linking.Change{}, e
		}
		c, err := change(cur)
		if err != nil || len(h.policies) == 0 {
			return c, err
		}
		next := c.User
		if c.Active != nil && *c.Active != next.Active() {
			next = next.Clone()
			if *c.Active {
				next.State = store.StateActive
			} else {
				next.State = store.StateSuspended
			}
		}
		if e := h.checkPolicies(ctx, PolicyCheck{AccountID: account, Before: &cur, After: next}); e != nil {
			return linking.Change{}, e
		}
		return c, nil
	})
	if err != nil {
		writeError(w, h.translate(ctx, err, what))
		return
	}
	if after.Version != before.Version {
		h.emitUserChanges(ctx, account, before, after)
	}
	h.writeUser(w, q, http.StatusOK, after)
}

func (h *Handler) emitUserChanges(ctx context.Context, account string, before, after store.User) {
	switch {
	case before.Active() && !after.Active():
		h.emit(ctx, Event{Type: UserSuspended, AccountID: account, User: after})
	case !before.Active() && after.Active():
		h.emit(ctx, Event{Type: UserReactivated, AccountID: account, User: after})
	}
	if profileChanged(before, after) {
		h.emit(ctx, Event{Type: UserUpdated, AccountID: account, User: after})
	}
}

// profileChanged reports whether anything but lifecycle bookkeeping
// differs.
func profileChanged(a, b store.User) bool {
	a.State, b.State = "", ""
	a.Version, b.Version = 0, 0
	a.Modified, b.Modified = time.Time{}, time.Time{}
	a.InvitedAt, b.InvitedAt = time.Time{}, time.Time{}
	return !reflect.DeepEqual(a, b)
}

// deleteUser removes the user and its memberships.
func (h *Handler) deleteUser(w http.ResponseWriter, q *request, id string) {
	ctx, account, what := q.ctx(), q.acct.ID, userWhat(id)
	cur, err := h.store.GetUser(ctx, account, id)
	if err != nil {
		writeError(w, h.translate(ctx, err, what))
		return
	}
	if _, e := checkIfMatch(q.r, cur.Version, what); e != nil {
		writeError(w, e)
		return
	}
	if err := h.store.DeleteUser(ctx, account, id); err != nil {
		writeError(w, h.translate(ctx, err, what))
		return
	}
	h.emit(ctx, Event{Type: UserDeleted, AccountID: account, User: cur})
	writeNoContent(w)
}
