package memstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/scimkit/scimkit/store"
)

// userOrder orders users by creation (slots keep creation order).
func userOrder(x, y *userRec) int { return x.slot - y.slot }

func validateUser(u *store.User) error {
	if err := store.CheckUser(u); err != nil {
		return fmt.Errorf("memstore: %w", err)
	}
	return nil
}

// emailKeys returns the distinct folded values of emails, leaving out
// empty ones (an empty value is no address and is never unique).
func emailKeys(emails []store.Email) []string {
	keys := make([]string, 0, len(emails))
	for _, e := range emails {
		if k := store.Fold(e.Value); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// checkUnique reports a *store.ConflictError if u's userName, externalId
// or one of its email values is used by a user other than self (nil on
// create). The caller holds a.mu for writing, so the check and the write
// that follows are one atomic step.
func (a *account) checkUnique(u *store.User, self *userRec) error {
	if r := a.userByName[store.Fold(u.UserName)]; r != nil && r != self {
		return &store.ConflictError{Attribute: store.AttrUserName, Value: u.UserName}
	}
	if u.ExternalID != "" {
		if r := a.userByExternalID[u.ExternalID]; r != nil && r != self {
			return &store.ConflictError{Attribute: store.AttrExternalID, Value: u.ExternalID}
		}
	}
	for _, e := range u.Emails {
		if r := a.userByEmail[store.Fold(e.Value)]; r != nil && r != self {
			return &store.ConflictError{Attribute: store.AttrEmails, Value: e.Value}
		}
	}
	return nil
}

func (a *account) indexUser(r *userRec) {
	a.userByID[r.id] = r
	a.userByName[store.Fold(r.userName)] = r
	if r.externalID != "" {
		a.userByExternalID[r.externalID] = r
	}
	for _, k := range emailKeys(r.emails) {
		a.userByEmail[k] = r
	}
	if r.awaitsReminder() {
		a.awaiting[r] = struct{}{}
	}
}

func (a *account) unindexUser(r *userRec) {
	delete(a.awaiting, r)
	delete(a.userByID, r.id)
	delete(a.userByName, store.Fold(r.userName))
	if r.externalID != "" {
		delete(a.userByExternalID, r.externalID)
	}
	for _, k := range emailKeys(r.emails) {
		if a.userByEmail[k] == r {
			delete(a.userByEmail, k)
		}
	}
}

func userNotFound(id string) error {
	return fmt.Errorf("memstore: user %q: %w", id, store.ErrNotFound)
}

// CreateUser implements store.Users.
func (s *Store) CreateUser(ctx context.Context, accountID string, u store.User) (store.User, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return store.User{}, err
	}
	if err := validateUser(&u); err != nil {
		return store.User{}, err
	}
	u = u.Clone()
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.checkUnique(&u, nil); err != nil {
		return store.User{}, err
	}
	u.ID = s.newID()
	if _, taken := a.userByID[u.ID]; taken {
		return store.User{}, fmt.Errorf("memstore: id generator returned %q, already in use", u.ID)
	}
	u.Created = s.clock()
	u.Modified = u.Created
	u.Version = 1
	r := &userRec{}
	r.set(&u)
	a.users.add(r)
	a.indexUser(r)
	out := r.clone()
	s.appendEvents(ctx, a, store.UserEvents(nil, &out))
	return out, nil
}

// GetUser implements store.Users.
func (s *Store) GetUser(ctx context.Context, accountID, id string) (store.User, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return store.User{}, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	r := a.userByID[id]
	if r == nil {
		return store.User{}, userNotFound(id)
	}
	return r.clone(), nil
}

// UserByUserName implements store.Users.
func (s *Store) UserByUserName(ctx context.Context, accountID, userName string) (store.User, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return store.User{}, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	r := a.userByName[store.Fold(userName)]
	if r == nil {
		return store.User{}, fmt.Errorf("memstore: userName %q: %w", userName, store.ErrNotFound)
	}
	return r.clone(), nil
}

// UserByExternalID implements store.Users.
func (s *Store) UserByExternalID(ctx context.Context, accountID, externalID string) (store.User, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return store.User{}, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	r := a.userByExternalID[externalID] // "" is never indexed
	if r == nil {
		return store.User{}, fmt.Errorf("memstore: externalId %q: %w", externalID, store.ErrNotFound)
	}
	return r.clone(), nil
}

// UsersByEmail implements store.Users.
func (s *Store) UsersByEmail(ctx context.Context, accountID, email string) ([]store.User, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	out := []store.User{}
	if k := store.Fold(email); k != "" {
		if r := a.userByEmail[k]; r != nil {
			out = append(out, r.clone())
		}
	}
	return out, nil
}

// ListUsers implements store.Users. An eq on id, userName, externalId or
// emails.value (alone, in an And, or as emails[value eq ...]) is answered
// from an index; other filters scan the account's users in creation order.
func (s *Store) ListUsers(ctx context.Context, accountID string, q store.Query) (store.UserPage, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return store.UserPage{}, err
	}
	var match func(*store.User) bool
	if q.Filter != nil {
		if match, err = compileUser(q.Filter); err != nil {
			return store.UserPage{}, err
		}
	}
	start, count := max(q.StartIndex, 1), max(q.Count, 0)
	a.mu.RLock()
	defer a.mu.RUnlock()
	page := store.UserPage{Users: []store.User{}}
	if match == nil {
		page.Total = a.users.len()
		recs := a.users.page(start, count)
		page.Users = make([]store.User, len(recs))
		for i, r := range recs {
			page.Users[i] = r.clone()
		}
		return page, nil
	}
	var u store.User // one variable for the whole scan: views do not allocate
	visit := func(r *userRec) bool {
		if u = r.view(); match(&u) {
			page.Total++
			if page.Total >= start && page.Total-start < count {
				page.Users = append(page.Users, r.clone())
			}
		}
		return true
	}
	if cands, ok := a.userCandidates(q.Filter); ok {
		for _, r := range cands {
			visit(r)
		}
	} else {
		a.users.all(visit)
	}
	return page, nil
}

// UpdateUser implements store.Users.
func (s *Store) UpdateUser(ctx context.Context, accountID string, u store.User) (store.User, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return store.User{}, err
	}
	if err := validateUser(&u); err != nil {
		return store.User{}, err
	}
	u = u.Clone()
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.userByID[u.ID]
	if r == nil {
		return store.User{}, userNotFound(u.ID)
	}
	if u.Version != 0 && r.version != u.Version {
		return store.User{}, fmt.Errorf("memstore: user %q is at version %d, not %d: %w",
			u.ID, r.version, u.Version, store.ErrVersionMismatch)
	}
	if err := a.checkUnique(&u, r); err != nil {
		return store.User{}, err
	}
	before := r.clone()
	a.unindexUser(r)
	u.Created = r.created
	u.Modified = s.clock()
	u.Version = r.version + 1
	r.set(&u)
	a.indexUser(r)
	out := r.clone()
	s.appendEvents(ctx, a, store.UserEvents(&before, &out))
	return out, nil
}

// DeleteUser implements store.Users. Every group that loses the user as a
// member gets a new version, as for any membership change.
func (s *Store) DeleteUser(ctx context.Context, accountID, id string) error {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.userByID[id]
	if r == nil {
		return userNotFound(id)
	}
	before := r.clone()
	evs := store.UserEvents(&before, nil)
	if gs := a.groupsOfUser[id]; len(gs) > 0 {
		now := s.clock()
		for _, g := range slices.SortedFunc(maps.Keys(gs), groupOrder) {
			prev := g.g
			g.remove(id)
			g.touch(now)
			evs = append(evs, store.GroupEvents(&prev, &g.g, nil, []string{id})...)
		}
	}
	delete(a.groupsOfUser, id)
	a.unindexUser(r)
	a.users.remove(r.slot)
	s.appendEvents(ctx, a, evs)
	return nil
}

// GroupsOfUser implements store.Users.
func (s *Store) GroupsOfUser(ctx context.Context, accountID, userID string) ([]store.Group, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.userByID[userID] == nil {
		return nil, userNotFound(userID)
	}
	gs := slices.SortedFunc(maps.Keys(a.groupsOfUser[userID]), groupOrder)
	out := make([]store.Group, len(gs))
	for i, g := range gs {
		out[i] = g.g
	}
	return out, nil
}

// ClaimReminders implements store.Reminders. It looks only at the users
// still awaiting a reminder (invited, never reminded), not the whole account.
func (s *Store) ClaimReminders(ctx context.Context, accountID string, invitedBefore, now time.Time, limit int) ([]store.User, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := []store.User{}
	if limit <= 0 {
		return out, nil
	}
	now = now.Round(0)
	a.mu.Lock()
	defer a.mu.Unlock()
	var due []*userRec
	for r := range a.awaiting {
		if !r.more.invitedAt.After(invitedBefore) {
			due = append(due, r)
		}
	}
	slices.SortFunc(due, userOrder)
	modified := s.clock()
	var evs []store.Event
	for _, r := range due[:min(limit, len(due))] {
		before := r.clone()
		delete(a.awaiting, r)
		r.more.remindedAt = now
		r.modified = modified
		r.version++
		after := r.clone()
		out = append(out, after)
		evs = append(evs, store.UserEvents(&before, &after)...)
	}
	s.appendEvents(ctx, a, evs)
	return out, nil
}
