package storekit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scimkit/scimkit/store"
)

// The fallbacks of the user lookups are filters: a userName lookup is
// "userName eq x" evaluated by CompileUser over EachUser, so it follows
// the same case rule (store.Fold) as every filter.

func userNotFound(what, v string) error {
	return fmt.Errorf("storekit: user %s %q: %w", what, v, store.ErrNotFound)
}

// findUser returns the first user matching the filter f, or ErrNotFound.
func findUser(ctx context.Context, r Reader, accountID string, f store.Filter) (store.User, bool, error) {
	match, err := CompileUser(f)
	if err != nil {
		return store.User{}, false, err
	}
	var found store.User
	ok := false
	var cur store.User // one variable for the scan: matching does not allocate a copy per record
	err = r.EachUser(ctx, accountID, func(u store.User) bool {
		cur = u
		if match(&cur) {
			found, ok = u, true
		}
		return !ok
	})
	return found, ok, err
}

func (k *kit) userByUserName(ctx context.Context, r Reader, accountID, userName string) (store.User, error) {
	if f, ok := fast[UserFinder](k, r); ok {
		return f.UserByUserName(ctx, accountID, userName)
	}
	u, ok, err := findUser(ctx, r, accountID, store.Compare{Attr: store.AttrUserName, Op: store.OpEq, Value: userName})
	if err == nil && !ok {
		err = userNotFound("userName", userName)
	}
	return u, err
}

func (k *kit) userByExternalID(ctx context.Context, r Reader, accountID, externalID string) (store.User, error) {
	if externalID == "" {
		return store.User{}, userNotFound("externalId", externalID)
	}
	if f, ok := fast[UserFinder](k, r); ok {
		return f.UserByExternalID(ctx, accountID, externalID)
	}
	u, ok, err := findUser(ctx, r, accountID, store.Compare{Attr: store.AttrExternalID, Op: store.OpEq, Value: externalID})
	if err == nil && !ok {
		err = userNotFound("externalId", externalID)
	}
	return u, err
}

// usersByEmail returns the users of the account with an email whose Fold
// is Fold(email), through the fast path when r has one.
func (k *kit) usersByEmail(ctx context.Context, r Reader, accountID, email string) ([]store.User, error) {
	if f, ok := fast[UserFinder](k, r); ok {
		return f.UsersByEmail(ctx, accountID, email)
	}
	match, err := CompileUser(store.Compare{Attr: store.AttrEmailValue, Op: store.OpEq, Value: email})
	if err != nil {
		return nil, err
	}
	var us []store.User
	var cur store.User // one variable for the scan: matching does not allocate a copy per record
	err = r.EachUser(ctx, accountID, func(u store.User) bool {
		cur = u
		if match(&cur) {
			us = append(us, u)
		}
		return true
	})
	return us, err
}

// checkUserUnique reports a *store.ConflictError if u's userName,
// non-empty externalId or one of its non-empty email values belongs to
// another user than self. Emails the user already had (had: its emails
// before an update) are not checked again, so that duplicates a backend
// held before Wrap enforced the rule can still be updated; no user gets
// an address another one has.
func (k *kit) checkUserUnique(ctx context.Context, r Reader, accountID string, u *store.User, self string, had []store.Email) error {
	if err := k.checkNameUnique(ctx, r, accountID, u, self); err != nil {
		return err
	}
	seen := make(map[string]bool, len(u.Emails)+len(had))
	for _, e := range had {
		seen[store.Fold(e.Value)] = true
	}
	for _, e := range u.Emails {
		key := store.Fold(e.Value)
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		others, err := k.usersByEmail(ctx, r, accountID, e.Value)
		if err != nil {
			return err
		}
		for _, o := range others {
			if o.ID != self {
				return &store.ConflictError{Attribute: store.AttrEmails, Value: e.Value}
			}
		}
	}
	return nil
}

// checkNameUnique is checkUserUnique for userName and externalId.
func (k *kit) checkNameUnique(ctx context.Context, r Reader, accountID string, u *store.User, self string) error {
	other, err := k.userByUserName(ctx, r, accountID, u.UserName)
	switch {
	case err == nil && other.ID != self:
		return &store.ConflictError{Attribute: store.AttrUserName, Value: u.UserName}
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return err
	}
	if u.ExternalID == "" {
		return nil
	}
	other, err = k.userByExternalID(ctx, r, accountID, u.ExternalID)
	switch {
	case err == nil && other.ID != self:
		return &store.ConflictError{Attribute: store.AttrExternalID, Value: u.ExternalID}
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return err
	}
	return nil
}

// prepareUser validates u and returns the copy Wrap stores, with the
// caller's times at microsecond precision.
func prepareUser(u store.User) (store.User, error) {
	if err := store.CheckUser(&u); err != nil {
		return store.User{}, err
	}
	u = u.Clone()
	u.InvitedAt, u.RemindedAt, u.AcceptedAt = micro(u.InvitedAt), micro(u.RemindedAt), micro(u.AcceptedAt)
	return u, nil
}

// CreateUser implements store.Users.
func (k *kit) CreateUser(ctx context.Context, accountID string, u store.User) (store.User, error) {
	u, err := prepareUser(u)
	if err != nil {
		return store.User{}, err
	}
	err = k.update(ctx, accountID, func(tx Tx) error {
		if err := k.checkUserUnique(ctx, tx, accountID, &u, "", nil); err != nil {
			return err
		}
		now := k.clock()
		u.ID, u.Created, u.Modified, u.Version = k.newID(), now, now, 1
		id, err := tx.InsertUser(ctx, accountID, u.Clone())
		if err != nil {
			return err
		}
		u.ID = id
		return k.appendEvents(ctx, tx, accountID, now, store.UserEvents(nil, &u))
	})
	if err != nil {
		return store.User{}, err
	}
	return u.Clone(), nil
}

// GetUser implements store.Users.
func (k *kit) GetUser(ctx context.Context, accountID, id string) (u store.User, err error) {
	err = k.view(ctx, accountID, func(r Reader) (err error) {
		u, err = r.User(ctx, accountID, id)
		return err
	})
	return u, err
}

// UserByUserName implements store.Users.
func (k *kit) UserByUserName(ctx context.Context, accountID, userName string) (u store.User, err error) {
	err = k.view(ctx, accountID, func(r Reader) (err error) {
		u, err = k.userByUserName(ctx, r, accountID, userName)
		return err
	})
	return u, err
}

// UserByExternalID implements store.Users.
func (k *kit) UserByExternalID(ctx context.Context, accountID, externalID string) (u store.User, err error) {
	err = k.view(ctx, accountID, func(r Reader) (err error) {
		u, err = k.userByExternalID(ctx, r, accountID, externalID)
		return err
	})
	return u, err
}

// UsersByEmail implements store.Users.
func (k *kit) UsersByEmail(ctx context.Context, accountID, email string) (us []store.User, err error) {
	err = k.view(ctx, accountID, func(r Reader) (err error) {
		us, err = k.usersByEmail(ctx, r, accountID, email)
		return err
	})
	if err != nil {
		return nil, err
	}
	if us == nil {
		us = []store.User{}
	}
	return us, nil
}

// ListUsers implements store.Users.
func (k *kit) ListUsers(ctx context.Context, accountID string, q store.Query) (page store.UserPage, err error) {
	start, count := max(q.StartIndex, 1), max(q.Count, 0)
	err = k.view(ctx, accountID, func(r Reader) error {
		var match UserMatcher
		if q.Filter != nil {
			if match, err = CompileUser(q.Filter); err != nil {
				return err
			}
		}
		if f, ok := fast[UserQuerier](k, r); ok {
			page, err = f.QueryUsers(ctx, accountID, q.Filter, start, count)
			if !errors.Is(err, errors.ErrUnsupported) {
				return err
			}
		}
		page = store.UserPage{Users: []store.User{}}
		var cur store.User // one variable for the scan: matching does not allocate a copy per record
		return r.EachUser(ctx, accountID, func(u store.User) bool {
			cur = u
			if match == nil || match(&cur) {
				page.Total++
				if page.Total >= start && page.Total-start < count {
					page.Users = append(page.Users, u)
				}
			}
			return true
		})
	})
	if err != nil {
		return store.UserPage{}, err
	}
	if page.Users == nil {
		page.Users = []store.User{}
	}
	return page, nil
}

// UpdateUser implements store.Users.
func (k *kit) UpdateUser(ctx context.Context, accountID string, u store.User) (store.User, error) {
	u, err := prepareUser(u)
	if err != nil {
		return store.User{}, err
	}
	var out store.User
	err = k.update(ctx, accountID, func(tx Tx) error {
		old, err := tx.User(ctx, accountID, u.ID)
		if err != nil {
			return err
		}
		if u.Version != 0 && u.Version != old.Version {
			return stale("user", u.ID, old.Version, u.Version)
		}
		if err := k.checkUserUnique(ctx, tx, accountID, &u, u.ID, old.Emails); err != nil {
			return err
		}
		next := u.Clone()
		now := k.clock()
		next.Created, next.Modified, next.Version = old.Created, now, old.Version+1
		if err := tx.UpdateUser(ctx, accountID, next.Clone()); err != nil {
			return err
		}
		out = next
		return k.appendEvents(ctx, tx, accountID, now, store.UserEvents(&old, &next))
	})
	if err != nil {
		return store.User{}, err
	}
	return out.Clone(), nil
}

// DeleteUser implements store.Users: it removes the user from each of
// its groups (each gets a new version) and then the user.
func (k *kit) DeleteUser(ctx context.Context, accountID, id string) error {
	return k.update(ctx, accountID, func(tx Tx) error {
		old, err := tx.User(ctx, accountID, id)
		if err != nil {
			return err
		}
		gs, err := k.groupsOfUser(ctx, tx, accountID, id)
		if err != nil {
			return err
		}
		now := k.clock()
		evs := store.UserEvents(&old, nil)
		for _, g := range gs {
			prev := g
			g.Modified, g.Version = now, g.Version+1
			if err := tx.RemoveMembers(ctx, accountID, g.ID, []string{id}); err != nil {
				return err
			}
			if err := tx.UpdateGroup(ctx, accountID, g); err != nil {
				return err
			}
			evs = append(evs, store.GroupEvents(&prev, &g, nil, []string{id})...)
		}
		if err := tx.DeleteUser(ctx, accountID, id); err != nil {
			return err
		}
		return k.appendEvents(ctx, tx, accountID, now, evs)
	})
}

// GroupsOfUser implements store.Users.
func (k *kit) GroupsOfUser(ctx context.Context, accountID, userID string) (gs []store.Group, err error) {
	err = k.view(ctx, accountID, func(r Reader) error {
		if _, err := r.User(ctx, accountID, userID); err != nil {
			return err
		}
		gs, err = k.groupsOfUser(ctx, r, accountID, userID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if gs == nil {
		gs = []store.Group{}
	}
	return gs, nil
}

// ClaimReminders implements store.Reminders, in one transaction: it scans
// the account's users for due invitees (O(n)) and stamps the first limit.
func (k *kit) ClaimReminders(ctx context.Context, accountID string, invitedBefore, now time.Time, limit int) ([]store.User, error) {
	var out []store.User
	err := k.update(ctx, accountID, func(tx Tx) error {
		out = nil
		if limit <= 0 {
			return nil
		}
		var due []store.User
		err := tx.EachUser(ctx, accountID, func(u store.User) bool {
			if u.State == store.StateInvited && !u.InvitedAt.IsZero() && !u.InvitedAt.After(invitedBefore) && u.RemindedAt.IsZero() {
				due = append(due, u)
			}
			return len(due) < limit
		})
		if err != nil {
			return err
		}
		modified := k.clock()
		var evs []store.Event
		for _, before := range due {
			after := before.Clone()
			after.RemindedAt, after.Modified, after.Version = micro(now), modified, before.Version+1
			if err := tx.UpdateUser(ctx, accountID, after.Clone()); err != nil {
				return err
			}
			out = append(out, after)
			evs = append(evs, store.UserEvents(&before, &after)...)
		}
		return k.appendEvents(ctx, tx, accountID, modified, evs)
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []store.User{}
	}
	return out, nil
}
