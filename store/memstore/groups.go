package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/scimkit/scimkit/store"
)

// groupRec is a stored group with its members. Its fields are guarded by
// its account's lock.
type groupRec struct {
	slot int
	g    store.Group
	// members maps each member's user id to its position in order, which
	// lists ids in the order added. A removed id leaves a stale entry in
	// order (its position no longer matches members) until order is
	// compacted, so adding and removing stay O(1) and Members O(m).
	members map[string]int
	order   []string
}

// has reports whether user id is a member.
func (r *groupRec) has(id string) bool {
	_, ok := r.members[id]
	return ok
}

// add appends id to the members unless it is one; it reports whether it
// was added.
func (r *groupRec) add(id string) bool {
	if r.has(id) {
		return false
	}
	r.members[id] = len(r.order)
	r.order = append(r.order, id)
	return true
}

// remove removes id from the members if it is one; it reports whether it
// was removed.
func (r *groupRec) remove(id string) bool {
	n := len(r.members)
	delete(r.members, id) // one probe of a possibly huge map, not two
	if len(r.members) == n {
		return false
	}
	if len(r.order) >= 64 && len(r.order) > 2*len(r.members) {
		r.compact()
	}
	return true
}

// compact drops the stale entries of order, in O(len(order)).
func (r *groupRec) compact() {
	order := make([]string, 0, len(r.members)+len(r.members)/4)
	for i, id := range r.order {
		if j, ok := r.members[id]; ok && j == i {
			r.members[id] = len(order)
			order = append(order, id)
		}
	}
	r.order = order
}

// ids returns the member ids in the order added.
func (r *groupRec) ids() []string {
	out := make([]string, 0, len(r.members))
	for i, id := range r.order {
		if j, ok := r.members[id]; ok && j == i {
			out = append(out, id)
		}
	}
	return out
}

func (r *groupRec) setSlot(i int) { r.slot = i }

// groupOrder orders groups by creation (slots keep creation order).
func groupOrder(x, y *groupRec) int { return x.slot - y.slot }

// touch records a write at now.
func (r *groupRec) touch(now time.Time) {
	r.g.Modified = now
	r.g.Version++
}

func groupNotFound(id string) error {
	return fmt.Errorf("memstore: group %q: %w", id, store.ErrNotFound)
}

// checkGroupUnique reports a *store.ConflictError if displayName or the
// non-empty externalId is used by a group other than self (nil on create).
func (a *account) checkGroupUnique(displayName, externalID string, self *groupRec) error {
	if r := a.groupByName[store.Fold(displayName)]; r != nil && r != self {
		return &store.ConflictError{Attribute: "displayName", Value: displayName}
	}
	if externalID != "" {
		if r := a.groupByExternalID[externalID]; r != nil && r != self {
			return &store.ConflictError{Attribute: "externalId", Value: externalID}
		}
	}
	return nil
}

// checkMembers returns a *store.MemberError listing the ids (each once, in
// the order given) that are not users of the account, or nil.
func (a *account) checkMembers(ids []string) error {
	var unknown []string
	for _, id := range ids {
		if a.userByID[id] == nil && !slices.Contains(unknown, id) {
			unknown = append(unknown, id)
		}
	}
	if unknown != nil {
		return &store.MemberError{IDs: unknown}
	}
	return nil
}

func (a *account) indexGroup(r *groupRec) {
	a.groupByID[r.g.ID] = r
	a.groupByName[store.Fold(r.g.DisplayName)] = r
	if r.g.ExternalID != "" {
		a.groupByExternalID[r.g.ExternalID] = r
	}
}

func (a *account) unindexGroup(r *groupRec) {
	delete(a.groupByID, r.g.ID)
	delete(a.groupByName, store.Fold(r.g.DisplayName))
	if r.g.ExternalID != "" {
		delete(a.groupByExternalID, r.g.ExternalID)
	}
}

// addMember adds user id to r unless it is already a member; it reports
// whether it was added.
func (a *account) addMember(r *groupRec, id string) bool {
	if !r.add(id) {
		return false
	}
	gs := a.groupsOfUser[id]
	if gs == nil {
		gs = make(map[*groupRec]struct{}, 1)
		a.groupsOfUser[id] = gs
	}
	gs[r] = struct{}{}
	return true
}

// removeMember removes user id from r if it is a member; it reports whether
// it was removed.
func (a *account) removeMember(r *groupRec, id string) bool {
	if !r.remove(id) {
		return false
	}
	gs := a.groupsOfUser[id]
	delete(gs, r)
	if len(gs) == 0 {
		delete(a.groupsOfUser, id)
	}
	return true
}

// CreateGroup implements store.Groups.
func (s *Store) CreateGroup(ctx context.Context, accountID string, g store.Group, members []string) (store.Group, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return store.Group{}, err
	}
	if err := store.CheckGroup(&g); err != nil {
		return store.Group{}, fmt.Errorf("memstore: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.checkGroupUnique(g.DisplayName, g.ExternalID, nil); err != nil {
		return store.Group{}, err
	}
	if err := a.checkMembers(members); err != nil {
		return store.Group{}, err
	}
	g.ID = s.newID()
	if _, taken := a.groupByID[g.ID]; taken {
		return store.Group{}, fmt.Errorf("memstore: id generator returned %q, already in use", g.ID)
	}
	g.Created = s.clock()
	g.Modified = g.Created
	g.Version = 1
	r := &groupRec{g: g, members: make(map[string]int, len(members))}
	for _, id := range members {
		a.addMember(r, id)
	}
	a.groups.add(r)
	a.indexGroup(r)
	s.appendEvents(ctx, a, store.GroupEvents(nil, &r.g, r.ids(), nil))
	return r.g, nil
}

// GetGroup implements store.Groups.
func (s *Store) GetGroup(ctx context.Context, accountID, id string) (store.Group, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return store.Group{}, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	r := a.groupByID[id]
	if r == nil {
		return store.Group{}, groupNotFound(id)
	}
	return r.g, nil
}

// GroupByDisplayName implements store.Groups.
func (s *Store) GroupByDisplayName(ctx context.Context, accountID, name string) (store.Group, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return store.Group{}, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	r := a.groupByName[store.Fold(name)]
	if r == nil {
		return store.Group{}, fmt.Errorf("memstore: group displayName %q: %w", name, store.ErrNotFound)
	}
	return r.g, nil
}

// GroupByExternalID implements store.Groups.
func (s *Store) GroupByExternalID(ctx context.Context, accountID, externalID string) (store.Group, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return store.Group{}, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	r := a.groupByExternalID[externalID] // "" is never indexed
	if r == nil {
		return store.Group{}, fmt.Errorf("memstore: group externalId %q: %w", externalID, store.ErrNotFound)
	}
	return r.g, nil
}

// ListGroups implements store.Groups. An eq on id, displayName, externalId
// or members.value (alone, in an And, or as members[value eq ...]) is
// answered from an index; other filters scan the account's groups.
func (s *Store) ListGroups(ctx context.Context, accountID string, q store.Query) (store.GroupPage, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return store.GroupPage{}, err
	}
	var match func(*groupRec) bool
	if q.Filter != nil {
		if match, err = compileGroup(q.Filter); err != nil {
			return store.GroupPage{}, err
		}
	}
	start, count := max(q.StartIndex, 1), max(q.Count, 0)
	a.mu.RLock()
	defer a.mu.RUnlock()
	page := store.GroupPage{Groups: []store.Group{}}
	if match == nil {
		page.Total = a.groups.len()
		recs := a.groups.page(start, count)
		page.Groups = make([]store.Group, len(recs))
		for i, r := range recs {
			page.Groups[i] = r.g
		}
		return page, nil
	}
	visit := func(r *groupRec) bool {
		if match(r) {
			page.Total++
			if page.Total >= start && page.Total-start < count {
				page.Groups = append(page.Groups, r.g)
			}
		}
		return true
	}
	if cands, ok := a.groupCandidates(q.Filter); ok {
		for _, r := range cands {
			visit(r)
		}
	} else {
		a.groups.all(visit)
	}
	return page, nil
}

// UpdateGroup implements store.Groups. It checks everything first and then
// applies the whole update; each member added or removed costs O(1)
// whatever the size of the group.
func (s *Store) UpdateGroup(ctx context.Context, accountID, id string, upd store.GroupUpdate) (store.Group, store.MemberDelta, error) {
	var none store.MemberDelta
	a, err := s.account(ctx, accountID)
	if err != nil {
		return store.Group{}, none, err
	}
	if err := validateGroupUpdate(&upd); err != nil {
		return store.Group{}, none, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.groupByID[id]
	if r == nil {
		return store.Group{}, none, groupNotFound(id)
	}
	if upd.Version != 0 && upd.Version != r.g.Version {
		return store.Group{}, none, fmt.Errorf("memstore: group %q is at version %d, not %d: %w",
			id, r.g.Version, upd.Version, store.ErrVersionMismatch)
	}
	name, extID := r.g.DisplayName, r.g.ExternalID
	if upd.DisplayName != nil {
		name = *upd.DisplayName
	}
	if upd.ExternalID != nil {
		extID = *upd.ExternalID
	}
	renamed := name != r.g.DisplayName || extID != r.g.ExternalID
	if renamed {
		if err := a.checkGroupUnique(name, extID, r); err != nil {
			return store.Group{}, none, err
		}
	}
	if upd.ReplaceMembers {
		err = a.checkMembers(upd.Members)
	} else {
		err = a.checkMembers(upd.AddMembers)
	}
	if err != nil {
		return store.Group{}, none, err
	}

	// Everything is valid: apply.
	before := r.g
	var d store.MemberDelta
	if renamed {
		a.unindexGroup(r)
		r.g.DisplayName, r.g.ExternalID = name, extID
		a.indexGroup(r)
	}
	if upd.Managed != nil {
		r.g.Managed = *upd.Managed
	}
	if upd.Privileged != nil {
		r.g.Privileged = *upd.Privileged
	}
	if upd.Linked != nil {
		r.g.Linked = *upd.Linked
	}
	if upd.ReplaceMembers {
		keep := make(map[string]struct{}, len(upd.Members))
		for _, m := range upd.Members {
			keep[m] = struct{}{}
		}
		for _, m := range r.ids() {
			if _, ok := keep[m]; !ok && a.removeMember(r, m) {
				d.Removed = append(d.Removed, m)
			}
		}
		for _, m := range upd.Members {
			if a.addMember(r, m) {
				d.Added = append(d.Added, m)
			}
		}
	}
	for _, m := range upd.AddMembers {
		if a.addMember(r, m) {
			d.Added = append(d.Added, m)
		}
	}
	for _, m := range upd.RemoveMembers {
		if a.removeMember(r, m) {
			d.Removed = append(d.Removed, m)
		}
	}
	r.touch(s.clock())
	s.appendEvents(ctx, a, store.GroupEvents(&before, &r.g, d.Added, d.Removed))
	return r.g, d, nil
}

func validateGroupUpdate(upd *store.GroupUpdate) error {
	if err := store.CheckGroupUpdate(upd); err != nil {
		return fmt.Errorf("memstore: %w", err)
	}
	return nil
}

// DeleteGroup implements store.Groups.
func (s *Store) DeleteGroup(ctx context.Context, accountID, id string) error {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.groupByID[id]
	if r == nil {
		return groupNotFound(id)
	}
	for _, m := range r.ids() {
		a.removeMember(r, m)
	}
	a.unindexGroup(r)
	a.groups.remove(r.slot)
	s.appendEvents(ctx, a, store.GroupEvents(&r.g, nil, nil, nil))
	return nil
}

// Members implements store.Groups.
func (s *Store) Members(ctx context.Context, accountID, groupID string) (ids []string, err error) {
	err = s.readGroup(ctx, accountID, groupID, func(_ *account, r *groupRec) { ids = r.ids() })
	return ids, err
}

// NamedMembers implements store.NamedMembers: the members and their
// display names under one read lock.
func (s *Store) NamedMembers(ctx context.Context, accountID, groupID string) (out []store.Member, err error) {
	err = s.readGroup(ctx, accountID, groupID, func(a *account, r *groupRec) {
		ids := r.ids()
		out = make([]store.Member, len(ids))
		for i, id := range ids {
			out[i].ID = id
			if u := a.userByID[id]; u != nil { // always: members are users
				out[i].Display = cmp.Or(u.displayName, u.userName)
			}
		}
	})
	return out, err
}

// readGroup calls fn with the group under its account's read lock, or
// returns the error of a missing account or group.
func (s *Store) readGroup(ctx context.Context, accountID, groupID string, fn func(a *account, r *groupRec)) error {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	r := a.groupByID[groupID]
	if r == nil {
		return groupNotFound(groupID)
	}
	fn(a, r)
	return nil
}
