package memstore

import (
	"iter"
	"maps"
	"slices"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/storekit"
)

// Filters are evaluated by package storekit, the evaluator every adapter
// may share; memstore adds its indexes: the candidates below narrow a scan
// to the records an index names.

// compileUser compiles a user filter.
func compileUser(f store.Filter) (func(*store.User) bool, error) {
	return storekit.CompileUser(f)
}

// compileGroup compiles a group filter.
func compileGroup(f store.Filter) (func(*groupRec) bool, error) {
	m, err := storekit.CompileGroup(f)
	if err != nil {
		return nil, err
	}
	return func(r *groupRec) bool { return m.Match(&r.g, r) }, nil
}

// Len, Has and All make a groupRec the storekit.Members of its group.
func (r *groupRec) Len() int { return len(r.members) }

func (r *groupRec) Has(id string) bool { _, ok := r.members[id]; return ok }

func (r *groupRec) All() iter.Seq[string] { return maps.Keys(r.members) }

// plain is storekit.Plain.
func plain(f store.Filter) store.Filter { return storekit.Plain(f) }

// Index selection. These run only on filters that compiled, so values have
// the right types. An eq with an empty value is never answered from an
// index: "" is not indexed, yet externalId eq "" matches every user without
// one.

// eqString returns the value of f if it is an eq Compare on attr with a
// non-empty string value.
func eqString(f store.Filter, attr string) (string, bool) {
	c, ok := plain(f).(store.Compare)
	if !ok || c.Attr != attr || c.Op != store.OpEq {
		return "", false
	}
	v, ok := c.Value.(string)
	return v, ok && v != ""
}

// eqInAnd returns the value of the first eq Compare on attr in f, which may
// be that Compare or an And containing it (at any depth).
func eqInAnd(f store.Filter, attr string) (string, bool) {
	if v, ok := eqString(f, attr); ok {
		return v, true
	}
	if and, ok := plain(f).(store.And); ok {
		for _, sub := range and.Filters {
			if v, ok := eqInAnd(sub, attr); ok {
				return v, true
			}
		}
	}
	return "", false
}

// memberEq reports whether a members[...] filter is exactly value eq id.
func memberEq(f store.Filter) (string, bool) { return eqString(f, "value") }

// userCandidates returns, in creation order, the only users that can match
// f when an index can tell; ok is false when every user must be scanned.
func (a *account) userCandidates(f store.Filter) (rs []*userRec, ok bool) {
	one := func(r *userRec) ([]*userRec, bool) {
		if r == nil {
			return nil, true
		}
		return []*userRec{r}, true
	}
	// Empty email values are not indexed: an eq "" scans.
	byEmail := func(v string) ([]*userRec, bool) {
		k := store.Fold(v)
		if k == "" {
			return nil, false
		}
		return one(a.userByEmail[k])
	}
	switch f := plain(f).(type) {
	case store.Compare:
		v, ok := eqString(f, f.Attr)
		if !ok {
			return nil, false
		}
		switch f.Attr {
		case store.AttrID:
			return one(a.userByID[v])
		case store.AttrUserName:
			return one(a.userByName[store.Fold(v)])
		case store.AttrExternalID:
			return one(a.userByExternalID[v])
		case store.AttrEmailValue:
			return byEmail(v)
		}
	case store.ValuePath:
		if f.Attr == store.AttrEmails {
			if v, ok := eqInAnd(f.Filter, "value"); ok {
				return byEmail(v)
			}
		}
	case store.And:
		for _, sub := range f.Filters {
			if rs, ok := a.userCandidates(sub); ok {
				return rs, true
			}
		}
	}
	return nil, false
}

// groupCandidates is userCandidates for groups.
func (a *account) groupCandidates(f store.Filter) (rs []*groupRec, ok bool) {
	one := func(r *groupRec) ([]*groupRec, bool) {
		if r == nil {
			return nil, true
		}
		return []*groupRec{r}, true
	}
	member := func(id string) ([]*groupRec, bool) {
		return slices.SortedFunc(maps.Keys(a.groupsOfUser[id]), groupOrder), true
	}
	switch f := plain(f).(type) {
	case store.Compare:
		v, ok := eqString(f, f.Attr)
		if !ok {
			return nil, false
		}
		switch f.Attr {
		case store.AttrID:
			return one(a.groupByID[v])
		case store.AttrDisplayName:
			return one(a.groupByName[store.Fold(v)])
		case store.AttrExternalID:
			return one(a.groupByExternalID[v])
		case store.AttrMemberValue:
			return member(v)
		}
	case store.ValuePath:
		if f.Attr == store.AttrMembers {
			if v, ok := eqInAnd(f.Filter, "value"); ok {
				return member(v)
			}
		}
	case store.And:
		for _, sub := range f.Filters {
			if rs, ok := a.groupCandidates(sub); ok {
				return rs, true
			}
		}
	}
	return nil, false
}
