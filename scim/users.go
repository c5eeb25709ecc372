package scim

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"time"

	elimity "github.com/elimity-com/scim"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/scim/internal/scimpatch"
	"github.com/scimkit/scimkit/store"
)

// maxWriteAttempts bounds the read-modify-write retries of an update that
// races with another writer (only when the request carries no If-Match).
const maxWriteAttempts = 5

// usersHandler connects the protocol library's /Users endpoint to the
// store, the mapping and the linking rules.
type usersHandler struct{ h *Handler }

var _ elimity.ResourceHandler = usersHandler{}

func userWhat(id string) string { return "User " + quote(id) }

func quote(s string) string { return `"` + s + `"` }

// Create provisions a user: linked to an existing host user with the same
// email, or created and invited (see package linking).
func (uh usersHandler) Create(r *http.Request, attrs elimity.ResourceAttributes) (elimity.Resource, error) {
	h, ctx, account := uh.h, r.Context(), accountOf(r)
	var u store.User
	if err := h.toUser(attrs, &u); err != nil {
		return elimity.Resource{}, h.forElimity(r, err, "user")
	}
	deactivated := attrs["active"] == false
	if deactivated {
		u.State = store.StateSuspended // created suspended, invite deferred
	}
	stored, outcome, err := h.linking.ProvisionUser(ctx, account, u)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, "user")
	}
	if outcome == linking.OutcomeLinked {
		h.emit(ctx, Event{Type: UserLinked, AccountID: account, User: stored})
	} else {
		h.emit(ctx, Event{Type: UserCreated, AccountID: account, User: stored})
	}
	if deactivated && stored.Active() {
		// An existing host user the IdP links while it is deactivated there.
		before := stored
		linking.Suspend(&stored)
		if stored, err = h.store.UpdateUser(ctx, account, stored); err != nil {
			return elimity.Resource{}, h.forElimity(r, err, userWhat(before.ID))
		}
	}
	if !stored.Active() {
		h.emit(ctx, Event{Type: UserSuspended, AccountID: account, User: stored})
	}
	groups, err := h.userGroups(ctx, account, stored)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, userWhat(stored.ID))
	}
	return h.userResource(stored, groups), nil
}

// toUser maps incoming attributes onto u. externalId is the IdP's link to
// the user and is kept even when the mapping table does not map it.
func (h *Handler) toUser(attrs map[string]any, u *store.User) error {
	before := u.ExternalID
	if err := h.mapper.ToUser(attrs, u); err != nil {
		return err
	}
	if !h.mapsExternalID {
		u.ExternalID = before
		if v, ok := attrs["externalId"].(string); ok {
			u.ExternalID = v
		} else if _, present := attrs["externalId"]; present {
			u.ExternalID = ""
		}
	}
	return nil
}

func (uh usersHandler) Get(r *http.Request, id string) (elimity.Resource, error) {
	h, ctx, account := uh.h, r.Context(), accountOf(r)
	u, err := h.store.GetUser(ctx, account, id)
	if err != nil {
		return elimity.Resource{}, h.forElimity(r, err, userWhat(id))
	}
	proj := h.projection(r)
	var groups []any
	if !proj.excludes("groups") {
		if groups, err = h.userGroups(ctx, account, u); err != nil {
			return elimity.Resource{}, h.forElimity(r, err, userWhat(id))
		}
	}
	res := h.userResource(u, groups)
	res.Attributes = proj.apply(res.Attributes)
	return res, nil
}

// GetAll is not reached through Handler (which answers lists itself, see
// serveList) but is complete, for the library's interface.
func (uh usersHandler) GetAll(r *http.Request, params elimity.ListRequestParams) (elimity.Page, error) {
	return uh.h.libraryPage(r, params, true)
}

// Replace is PUT: every mapped attribute is set from the body (absent ones
// cleared); active, when present, suspends or reactivates.
func (uh usersHandler) Replace(r *http.Request, id string, attrs elimity.ResourceAttributes) (elimity.Resource, error) {
	h := uh.h
	return h.updateUser(r, id, func(cur store.User) (store.User, bool, error) {
		next := cur.Clone()
		if err := h.toUser(attrs, &next); err != nil {
			return cur, false, err
		}
		if active, ok := attrs["active"].(bool); ok {
			setActive(&next, active)
		}
		return next, true, nil
	})
}

// Patch applies RFC 7644 PATCH operations to the user's SCIM document, all
// or nothing, and stores the result.
func (uh usersHandler) Patch(r *http.Request, id string, ops []elimity.PatchOperation) (elimity.Resource, error) {
	h := uh.h
	return h.updateUser(r, id, func(cur store.User) (store.User, bool, error) {
		doc := h.userAttributes(cur)
		doc["id"] = cur.ID
		if cur.ExternalID != "" {
			doc["externalId"] = cur.ExternalID
		}
		out, changed, err := scimpatch.ApplyUser(doc, ops, h.userPatch)
		if err != nil || !changed {
			return cur, false, err
		}
		next := cur.Clone()
		if err := h.toUser(out, &next); err != nil {
			return cur, false, err
		}
		if active, ok := out["active"].(bool); ok {
			setActive(&next, active)
		}
		return next, true, nil
	})
}

func setActive(u *store.User, active bool) {
	switch {
	case !active && u.Active():
		linking.Suspend(u)
	case active && !u.Active():
		linking.Reactivate(u)
	}
}

// updateUser is the read-modify-write loop shared by PUT and PATCH: it
// honours If-Match, checks the email domain rule when the email changes,
// retries when another writer got in between (without If-Match), and
// emits the events the change amounts to.
func (h *Handler) updateUser(r *http.Request, id string, mutate func(store.User) (store.User, bool, error)) (elimity.Resource, error) {
	ctx, account, what := r.Context(), accountOf(r), userWhat(id)
	for attempt := 1; ; attempt++ {
		cur, err := h.store.GetUser(ctx, account, id)
		if err != nil {
			return elimity.Resource{}, h.forElimity(r, err, what)
		}
		if _, e := checkIfMatch(r, cur.Version, what); e != nil {
			return elimity.Resource{}, e.elimity()
		}
		base := cur
		if !base.Linked {
			// The IdP found this host user by lookup or import and now
			// writes it: from here on it is the IdP's.
			linking.MarkLinked(&base, base.ExternalID)
		}
		next, changed, err := mutate(base.Clone())
		if err != nil {
			return elimity.Resource{}, h.forElimity(r, err, what)
		}
		if !next.Linked {
			linking.MarkLinked(&next, next.ExternalID)
		}
		if changed && reflect.DeepEqual(next, cur) {
			changed = false // nothing the host keeps differs: no write, no new version
		}
		stored := cur
		if changed {
			if email := next.PrimaryEmail(); store.Fold(email) != store.Fold(cur.PrimaryEmail()) {
				if err := h.checkNewEmail(ctx, account, id, email); err != nil {
					return elimity.Resource{}, h.forElimity(r, err, what)
				}
			}
			stored, err = h.store.UpdateUser(ctx, account, next)
			if errors.Is(err, store.ErrVersionMismatch) && !hasIfMatch(r) && attempt < maxWriteAttempts {
				continue
			}
			if err != nil {
				return elimity.Resource{}, h.forElimity(r, err, what)
			}
			h.emitUserChanges(ctx, account, cur, stored)
			if stored.State == store.StateInvited && stored.InvitedAt.IsZero() {
				// Reactivated before its invite ever went out.
				if sent, err := h.linking.SendPendingInvite(ctx, account, stored); err == nil {
					stored = sent
				} else {
					h.log.ErrorContext(ctx, "scim: invite not sent; linking.RetryInvites will try again", "user", stored.ID, "error", err)
				}
			}
		}
		groups, err := h.userGroups(ctx, account, stored)
		if err != nil {
			return elimity.Resource{}, h.forElimity(r, err, what)
		}
		return h.userResource(stored, groups), nil
	}
}

// checkNewEmail applies the account's domain rules to a user's new email
// and refuses an email another user of the account already has: linking
// relies on one user per email.
func (h *Handler) checkNewEmail(ctx context.Context, account, id, email string) error {
	if err := h.linking.CheckEmail(ctx, account, email); err != nil {
		return err
	}
	others, err := h.store.UsersByEmail(ctx, account, email)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID != id {
			return &Error{Status: http.StatusConflict, ScimType: "uniqueness",
				Detail: "email " + quote(email) + " already belongs to another user of this account; each member needs their own email"}
		}
	}
	return nil
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
	return !reflect.DeepEqual(a, b)
}

func (uh usersHandler) Delete(r *http.Request, id string) error {
	h, ctx, account, what := uh.h, r.Context(), accountOf(r), userWhat(id)
	cur, err := h.store.GetUser(ctx, account, id)
	if err != nil {
		return h.forElimity(r, err, what)
	}
	if _, e := checkIfMatch(r, cur.Version, what); e != nil {
		return e.elimity()
	}
	if err := h.store.DeleteUser(ctx, account, id); err != nil {
		return h.forElimity(r, err, what)
	}
	h.emit(ctx, Event{Type: UserDeleted, AccountID: account, User: cur})
	return nil
}
