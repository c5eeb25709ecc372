package storekit

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/scimkit/scimkit/store"
)

// MemberTester is an optional fast path: it tells which of some ids are
// members of a group without reading the whole membership.
//
// If a Reader does not implement it, an UpdateGroup with member deltas
// reads Members (O(group size)) to tell which added ids are new and which
// removed ids were members; with it, a delta of k ids costs O(k), as the
// store.Groups contract intends ("adding one member costs the same
// whatever the size of the group"). Implement it when groups reach
// thousands of members (Okta pushes each change as a one-member delta).
type MemberTester interface {
	// MembersAmong returns those of ids (distinct) that are members of
	// the group, in any order.
	MembersAmong(ctx context.Context, accountID, groupID string, ids []string) ([]string, error)
}

func groupNotFound(what, v string) error {
	return fmt.Errorf("storekit: group %s %q: %w", what, v, store.ErrNotFound)
}

// findGroup returns the first group matching f, which must not read
// members.
func findGroup(ctx context.Context, r Reader, accountID string, f store.Filter) (store.Group, bool, error) {
	m, err := CompileGroup(f)
	if err != nil {
		return store.Group{}, false, err
	}
	var found store.Group
	ok := false
	var cur store.Group // one variable for the scan: matching does not allocate a copy per record
	err = r.EachGroup(ctx, accountID, func(g store.Group) bool {
		cur = g
		if m.Match(&cur, nil) {
			found, ok = g, true
		}
		return !ok
	})
	return found, ok, err
}

func (k *kit) groupByDisplayName(ctx context.Context, r Reader, accountID, name string) (store.Group, error) {
	if f, ok := fast[GroupFinder](k, r); ok {
		return f.GroupByDisplayName(ctx, accountID, name)
	}
	g, ok, err := findGroup(ctx, r, accountID, store.Compare{Attr: store.AttrDisplayName, Op: store.OpEq, Value: name})
	if err == nil && !ok {
		err = groupNotFound("displayName", name)
	}
	return g, err
}

func (k *kit) groupByExternalID(ctx context.Context, r Reader, accountID, externalID string) (store.Group, error) {
	if externalID == "" {
		return store.Group{}, groupNotFound("externalId", externalID)
	}
	if f, ok := fast[GroupFinder](k, r); ok {
		return f.GroupByExternalID(ctx, accountID, externalID)
	}
	g, ok, err := findGroup(ctx, r, accountID, store.Compare{Attr: store.AttrExternalID, Op: store.OpEq, Value: externalID})
	if err == nil && !ok {
		err = groupNotFound("externalId", externalID)
	}
	return g, err
}

// groupsOfUser returns the groups with the user as a member, in creation
// order: natively, or by reading every group's members.
func (k *kit) groupsOfUser(ctx context.Context, r Reader, accountID, userID string) ([]store.Group, error) {
	if f, ok := fast[GroupFinder](k, r); ok {
		return f.GroupsOfUser(ctx, accountID, userID)
	}
	all, err := allGroups(ctx, r, accountID)
	if err != nil {
		return nil, err
	}
	var out []store.Group
	for _, g := range all {
		ms, err := r.Members(ctx, accountID, g.ID)
		if err != nil {
			return nil, err
		}
		if slices.Contains(ms, userID) {
			out = append(out, g)
		}
	}
	return out, nil
}

func allGroups(ctx context.Context, r Reader, accountID string) ([]store.Group, error) {
	var all []store.Group
	err := r.EachGroup(ctx, accountID, func(g store.Group) bool {
		all = append(all, g)
		return true
	})
	return all, err
}

// checkGroupUnique reports a *store.ConflictError if the displayName or
// the non-empty externalId belongs to another group than self.
func (k *kit) checkGroupUnique(ctx context.Context, r Reader, accountID, name, externalID, self string) error {
	other, err := k.groupByDisplayName(ctx, r, accountID, name)
	switch {
	case err == nil && other.ID != self:
		return &store.ConflictError{Attribute: store.AttrDisplayName, Value: name}
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return err
	}
	if externalID == "" {
		return nil
	}
	other, err = k.groupByExternalID(ctx, r, accountID, externalID)
	switch {
	case err == nil && other.ID != self:
		return &store.ConflictError{Attribute: store.AttrExternalID, Value: externalID}
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return err
	}
	return nil
}

// checkMembers returns a *store.MemberError listing the ids (each once, in
// the order given) that are not users of the account.
func checkMembers(ctx context.Context, r Reader, accountID string, ids []string) error {
	var unknown []string
	for _, id := range ids {
		if _, err := r.User(ctx, accountID, id); errors.Is(err, store.ErrNotFound) {
			if !slices.Contains(unknown, id) {
				unknown = append(unknown, id)
			}
		} else if err != nil {
			return err
		}
	}
	if unknown != nil {
		return &store.MemberError{IDs: unknown}
	}
	return nil
}

// dedupe returns ids without repetitions, in first-seen order.
func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// CreateGroup implements store.Groups.
func (k *kit) CreateGroup(ctx context.Context, accountID string, g store.Group, members []string) (store.Group, error) {
	if err := store.CheckGroup(&g); err != nil {
		return store.Group{}, err
	}
	ms := dedupe(members)
	err := k.update(ctx, accountID, func(tx Tx) error {
		if err := k.checkGroupUnique(ctx, tx, accountID, g.DisplayName, g.ExternalID, ""); err != nil {
			return err
		}
		if err := checkMembers(ctx, tx, accountID, ms); err != nil {
			return err
		}
		now := k.clock()
		g.ID, g.Created, g.Modified, g.Version = k.newID(), now, now, 1
		id, err := tx.InsertGroup(ctx, accountID, g)
		if err != nil {
			return err
		}
		g.ID = id
		if len(ms) > 0 {
			if err := tx.AddMembers(ctx, accountID, g.ID, slices.Clone(ms)); err != nil {
				return err
			}
		}
		return k.appendEvents(ctx, tx, accountID, now, store.GroupEvents(nil, &g, slices.Clone(ms), nil))
	})
	if err != nil {
		return store.Group{}, err
	}
	return g, nil
}

// GetGroup implements store.Groups.
func (k *kit) GetGroup(ctx context.Context, accountID, id string) (g store.Group, err error) {
	err = k.view(ctx, accountID, func(r Reader) (err error) {
		g, err = r.Group(ctx, accountID, id)
		return err
	})
	return g, err
}

// GroupByDisplayName implements store.Groups.
func (k *kit) GroupByDisplayName(ctx context.Context, accountID, name string) (g store.Group, err error) {
	err = k.view(ctx, accountID, func(r Reader) (err error) {
		g, err = k.groupByDisplayName(ctx, r, accountID, name)
		return err
	})
	return g, err
}

// GroupByExternalID implements store.Groups.
func (k *kit) GroupByExternalID(ctx context.Context, accountID, externalID string) (g store.Group, err error) {
	err = k.view(ctx, accountID, func(r Reader) (err error) {
		g, err = k.groupByExternalID(ctx, r, accountID, externalID)
		return err
	})
	return g, err
}

// ListGroups implements store.Groups.
func (k *kit) ListGroups(ctx context.Context, accountID string, q store.Query) (page store.GroupPage, err error) {
	start, count := max(q.StartIndex, 1), max(q.Count, 0)
	err = k.view(ctx, accountID, func(r Reader) error {
		var m *GroupMatcher
		if q.Filter != nil {
			gm, err := CompileGroup(q.Filter)
			if err != nil {
				return err
			}
			m = &gm
		}
		if f, ok := fast[GroupQuerier](k, r); ok {
			var err error
			page, err = f.QueryGroups(ctx, accountID, q.Filter, start, count)
			if !errors.Is(err, errors.ErrUnsupported) {
				return err
			}
		}
		page = store.GroupPage{Groups: []store.Group{}}
		keep := func(g store.Group) {
			page.Total++
			if page.Total >= start && page.Total-start < count {
				page.Groups = append(page.Groups, g)
			}
		}
		if m == nil || !m.NeedsMembers() {
			var cur store.Group // one variable for the scan: matching does not allocate a copy per record
			return r.EachGroup(ctx, accountID, func(g store.Group) bool {
				cur = g
				if m == nil || m.Match(&cur, nil) {
					keep(g)
				}
				return true
			})
		}
		// The filter reads members: read the groups first, then each
		// one's members (Wrap never nests calls inside EachGroup).
		all, err := allGroups(ctx, r, accountID)
		if err != nil {
			return err
		}
		for _, g := range all {
			ms, err := r.Members(ctx, accountID, g.ID)
			if err != nil {
				return err
			}
			if m.Match(&g, MemberList(ms)) {
				keep(g)
			}
		}
		return nil
	})
	if err != nil {
		return store.GroupPage{}, err
	}
	if page.Groups == nil {
		page.Groups = []store.Group{}
	}
	return page, nil
}

// membersAmong returns the set of ids that are members of the group.
func (k *kit) membersAmong(ctx context.Context, r Reader, accountID, groupID string, ids []string) (map[string]bool, error) {
	in := make(map[string]bool, len(ids))
	if len(ids) == 0 {
		return in, nil
	}
	var ms []string
	var err error
	if f, ok := fast[MemberTester](k, r); ok {
		ms, err = f.MembersAmong(ctx, accountID, groupID, ids)
	} else {
		ms, err = r.Members(ctx, accountID, groupID)
	}
	if err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	for _, m := range ms {
		if want[m] {
			in[m] = true
		}
	}
	return in, nil
}

// memberChange computes the delta upd really makes to the group's
// membership.
func (k *kit) memberChange(ctx context.Context, r Reader, accountID, groupID string, upd *store.GroupUpdate) (store.MemberDelta, error) {
	var d store.MemberDelta
	if upd.ReplaceMembers {
		cur, err := r.Members(ctx, accountID, groupID)
		if err != nil {
			return d, err
		}
		want := dedupe(upd.Members)
		keep := make(map[string]bool, len(want))
		for _, m := range want {
			keep[m] = true
		}
		had := make(map[string]bool, len(cur))
		for _, m := range cur {
			had[m] = true
			if !keep[m] {
				d.Removed = append(d.Removed, m)
			}
		}
		for _, m := range want {
			if !had[m] {
				d.Added = append(d.Added, m)
			}
		}
		return d, nil
	}
	add, remove := dedupe(upd.AddMembers), dedupe(upd.RemoveMembers)
	in, err := k.membersAmong(ctx, r, accountID, groupID, append(slices.Clone(add), remove...))
	if err != nil {
		return d, err
	}
	for _, m := range add {
		if !in[m] {
			d.Added = append(d.Added, m)
		}
	}
	for _, m := range remove {
		if in[m] {
			d.Removed = append(d.Removed, m)
		}
	}
	return d, nil
}

// UpdateGroup implements store.Groups.
func (k *kit) UpdateGroup(ctx context.Context, accountID, id string, upd store.GroupUpdate) (store.Group, store.MemberDelta, error) {
	if err := store.CheckGroupUpdate(&upd); err != nil {
		return store.Group{}, store.MemberDelta{}, err
	}
	var (
		out   store.Group
		delta store.MemberDelta
	)
	err := k.update(ctx, accountID, func(tx Tx) error {
		old, err := tx.Group(ctx, accountID, id)
		if err != nil {
			return err
		}
		if upd.Version != 0 && upd.Version != old.Version {
			return stale("group", id, old.Version, upd.Version)
		}
		g := old
		if upd.DisplayName != nil {
			g.DisplayName = *upd.DisplayName
		}
		if upd.ExternalID != nil {
			g.ExternalID = *upd.ExternalID
		}
		if g.DisplayName != old.DisplayName || g.ExternalID != old.ExternalID {
			if err := k.checkGroupUnique(ctx, tx, accountID, g.DisplayName, g.ExternalID, id); err != nil {
				return err
			}
		}
		for _, f := range []struct {
			dst *bool
			src *bool
		}{{&g.Managed, upd.Managed}, {&g.Privileged, upd.Privileged}, {&g.Linked, upd.Linked}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		added := upd.AddMembers
		if upd.ReplaceMembers {
			added = upd.Members
		}
		if err := checkMembers(ctx, tx, accountID, added); err != nil {
			return err
		}
		d, err := k.memberChange(ctx, tx, accountID, id, &upd)
		if err != nil {
			return err
		}
		if len(d.Removed) > 0 {
			if err := tx.RemoveMembers(ctx, accountID, id, slices.Clone(d.Removed)); err != nil {
				return err
			}
		}
		if len(d.Added) > 0 {
			if err := tx.AddMembers(ctx, accountID, id, slices.Clone(d.Added)); err != nil {
				return err
			}
		}
		now := k.clock()
		g.Modified, g.Version = now, old.Version+1
		if err := tx.UpdateGroup(ctx, accountID, g); err != nil {
			return err
		}
		out, delta = g, d
		return k.appendEvents(ctx, tx, accountID, now, store.GroupEvents(&old, &g, slices.Clone(d.Added), slices.Clone(d.Removed)))
	})
	if err != nil {
		return store.Group{}, store.MemberDelta{}, err
	}
	return out, delta, nil
}

// DeleteGroup implements store.Groups.
func (k *kit) DeleteGroup(ctx context.Context, accountID, id string) error {
	return k.update(ctx, accountID, func(tx Tx) error {
		old, err := tx.Group(ctx, accountID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteGroup(ctx, accountID, id); err != nil {
			return err
		}
		return k.appendEvents(ctx, tx, accountID, k.clock(), store.GroupEvents(&old, nil, nil, nil))
	})
}

// Members implements store.Groups.
func (k *kit) Members(ctx context.Context, accountID, groupID string) (ms []string, err error) {
	err = k.view(ctx, accountID, func(r Reader) error {
		if _, err := r.Group(ctx, accountID, groupID); err != nil {
			return err
		}
		ms, err = r.Members(ctx, accountID, groupID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if ms == nil {
		ms = []string{}
	}
	return ms, nil
}

// NamedMembers implements store.NamedMembers: Members and each member's
// User in one View, so the names are those of the same snapshot.
func (k *kit) NamedMembers(ctx context.Context, accountID, groupID string) (ms []store.Member, err error) {
	err = k.view(ctx, accountID, func(r Reader) error {
		if _, err := r.Group(ctx, accountID, groupID); err != nil {
			return err
		}
		ids, err := r.Members(ctx, accountID, groupID)
		if err != nil {
			return err
		}
		ms = make([]store.Member, 0, len(ids))
		for _, id := range ids {
			u, err := r.User(ctx, accountID, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			ms = append(ms, store.Member{ID: id, Display: store.MemberDisplay(u)})
		}
		return nil
	})
	return ms, err
}
