package memstore

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/scimkit/scimkit/store"
)

// This file evaluates store.Filter. A filter is first compiled into a
// predicate, which validates all of it (an invalid branch is reported even
// when no record would reach it), then run on the records. The rules are
// those documented in store/filter.go:
//
//   - strings: eq ne co sw ew gt ge lt le with a string value, and pr
//     (non-empty); the case-insensitive attributes compare store.Fold-ed
//     forms, for the ordering operators too; an absent string is "".
//   - booleans (active, managed, emails.primary): eq ne with a bool value,
//     and pr (always true).
//   - times (meta.created, meta.lastModified): eq ne gt ge lt le with a
//     time.Time value, and pr (always true).
//   - multi-valued sub-attributes (emails.value, emails.type,
//     emails.primary, members.value) match when any one value matches, so
//     a record with no values matches no comparison, not even ne.
//   - emails and members take pr (non-empty list) or a ValuePath whose
//     filter names sub-attributes: value, type, primary for emails; value
//     for members.
//
// Anything else is an error wrapping store.ErrInvalid.

func invalidFilter(format string, args ...any) error {
	return fmt.Errorf("memstore: filter: "+format+": %w", append(args, store.ErrInvalid)...)
}

// plain returns the value form of a filter given as a pointer, or nil for
// a nil filter or nil pointer.
func plain(f store.Filter) store.Filter {
	switch p := f.(type) {
	case *store.Compare:
		if p != nil {
			return *p
		}
	case *store.And:
		if p != nil {
			return *p
		}
	case *store.Or:
		if p != nil {
			return *p
		}
	case *store.Not:
		if p != nil {
			return *p
		}
	case *store.ValuePath:
		if p != nil {
			return *p
		}
	default:
		return f
	}
	return nil
}

// compileLogic compiles the And, Or and Not nodes of f with compile for
// its children, and hands any other node to leaf. It serves users, groups
// and the elements of a ValuePath alike.
func compileLogic[T any](f store.Filter, leaf func(store.Filter) (func(T) bool, error)) (func(T) bool, error) {
	compile := func(f store.Filter) (func(T) bool, error) { return compileLogic(f, leaf) }
	switch f := plain(f).(type) {
	case nil:
		return nil, invalidFilter("missing filter")
	case store.And:
		ps, err := compileAll(f.Filters, compile)
		if err != nil {
			return nil, err
		}
		return func(x T) bool {
			for _, p := range ps {
				if !p(x) {
					return false
				}
			}
			return true
		}, nil
	case store.Or:
		ps, err := compileAll(f.Filters, compile)
		if err != nil {
			return nil, err
		}
		return func(x T) bool {
			for _, p := range ps {
				if p(x) {
					return true
				}
			}
			return false
		}, nil
	case store.Not:
		p, err := compile(f.Filter)
		if err != nil {
			return nil, err
		}
		return func(x T) bool { return !p(x) }, nil
	default:
		return leaf(f)
	}
}

func compileAll[T any](fs []store.Filter, compile func(store.Filter) (func(T) bool, error)) ([]func(T) bool, error) {
	ps := make([]func(T) bool, len(fs))
	for i, f := range fs {
		p, err := compile(f)
		if err != nil {
			return nil, err
		}
		ps[i] = p
	}
	return ps, nil
}

// compileUser compiles a user filter.
func compileUser(f store.Filter) (func(*store.User) bool, error) {
	return compileLogic(f, userLeaf)
}

func userLeaf(f store.Filter) (func(*store.User) bool, error) {
	switch f := f.(type) {
	case store.Compare:
		return userCompare(f)
	case store.ValuePath:
		if f.Attr != store.AttrEmails {
			return nil, invalidFilter("%q is not a multi-valued user attribute", f.Attr)
		}
		p, err := compileLogic(f.Filter, emailLeaf)
		if err != nil {
			return nil, err
		}
		return func(u *store.User) bool {
			for i := range u.Emails {
				if p(&u.Emails[i]) {
					return true
				}
			}
			return false
		}, nil
	default:
		return nil, invalidFilter("unsupported filter node %T", f)
	}
}

// userString returns the getter of a single-valued string attribute of
// users and whether it compares case-insensitively.
func userString(attr string) (get func(*store.User) string, ci, ok bool) {
	switch attr {
	case store.AttrID:
		return func(u *store.User) string { return u.ID }, false, true
	case store.AttrExternalID:
		return func(u *store.User) string { return u.ExternalID }, false, true
	case store.AttrUserName:
		return func(u *store.User) string { return u.UserName }, true, true
	case store.AttrDisplayName:
		return func(u *store.User) string { return u.DisplayName }, true, true
	case store.AttrGivenName:
		return func(u *store.User) string { return u.Name.GivenName }, true, true
	case store.AttrFamilyName:
		return func(u *store.User) string { return u.Name.FamilyName }, true, true
	case store.AttrFormattedName:
		return func(u *store.User) string { return u.Name.Formatted }, true, true
	case store.AttrMiddleName:
		return func(u *store.User) string { return u.Name.MiddleName }, true, true
	case store.AttrNickName:
		return func(u *store.User) string { return u.NickName }, true, true
	case store.AttrTitle:
		return func(u *store.User) string { return u.Title }, true, true
	case store.AttrUserType:
		return func(u *store.User) string { return u.UserType }, true, true
	case store.AttrLocale:
		return func(u *store.User) string { return u.Locale }, true, true
	case store.AttrPreferredLanguage:
		return func(u *store.User) string { return u.PreferredLanguage }, true, true
	case store.AttrTimezone:
		return func(u *store.User) string { return u.Timezone }, true, true
	case store.AttrEmployeeNumber:
		return func(u *store.User) string { return u.Enterprise.EmployeeNumber }, false, true
	case store.AttrCostCenter:
		return func(u *store.User) string { return u.Enterprise.CostCenter }, true, true
	case store.AttrOrganization:
		return func(u *store.User) string { return u.Enterprise.Organization }, true, true
	case store.AttrDivision:
		return func(u *store.User) string { return u.Enterprise.Division }, true, true
	case store.AttrDepartment:
		return func(u *store.User) string { return u.Enterprise.Department }, true, true
	case store.AttrManagerID:
		return func(u *store.User) string { return u.Enterprise.ManagerID }, false, true
	case store.AttrState:
		return func(u *store.User) string { return string(u.State) }, false, true
	}
	return nil, false, false
}

func userCompare(c store.Compare) (func(*store.User) bool, error) {
	if get, ci, ok := userString(c.Attr); ok {
		m, err := stringMatcher(c, ci)
		if err != nil {
			return nil, err
		}
		return func(u *store.User) bool { return m(get(u)) }, nil
	}
	switch c.Attr {
	case store.AttrActive:
		m, err := boolMatcher(c)
		if err != nil {
			return nil, err
		}
		return func(u *store.User) bool { return m(u.Active()) }, nil
	case store.AttrCreated, store.AttrLastModified:
		m, err := timeMatcher(c)
		if err != nil {
			return nil, err
		}
		if c.Attr == store.AttrCreated {
			return func(u *store.User) bool { return m(u.Created) }, nil
		}
		return func(u *store.User) bool { return m(u.Modified) }, nil
	case store.AttrEmails:
		if c.Op != store.OpPr {
			return nil, invalidFilter("%q supports only pr and [...] filters", c.Attr)
		}
		return func(u *store.User) bool { return len(u.Emails) > 0 }, nil
	case store.AttrEmailValue, store.AttrEmailType, store.AttrEmailPrimary:
		sub := strings.TrimPrefix(c.Attr, store.AttrEmails+".")
		p, err := emailLeaf(store.Compare{Attr: sub, Op: c.Op, Value: c.Value})
		if err != nil {
			return nil, err
		}
		return func(u *store.User) bool {
			for i := range u.Emails {
				if p(&u.Emails[i]) {
					return true
				}
			}
			return false
		}, nil
	}
	return nil, invalidFilter("unknown user attribute %q", c.Attr)
}

// emailLeaf compiles a comparison on a sub-attribute of one email.
func emailLeaf(f store.Filter) (func(*store.Email) bool, error) {
	c, ok := f.(store.Compare)
	if !ok {
		return nil, invalidFilter("unsupported filter node %T inside emails[...]", f)
	}
	switch c.Attr {
	case "value", "type":
		m, err := stringMatcher(c, true)
		if err != nil {
			return nil, err
		}
		if c.Attr == "value" {
			return func(e *store.Email) bool { return m(e.Value) }, nil
		}
		return func(e *store.Email) bool { return m(e.Type) }, nil
	case "primary":
		m, err := boolMatcher(c)
		if err != nil {
			return nil, err
		}
		return func(e *store.Email) bool { return m(e.Primary) }, nil
	}
	return nil, invalidFilter("unknown emails sub-attribute %q", c.Attr)
}

// compileGroup compiles a group filter.
func compileGroup(f store.Filter) (func(*groupRec) bool, error) {
	return compileLogic(f, groupLeaf)
}

func groupLeaf(f store.Filter) (func(*groupRec) bool, error) {
	switch f := f.(type) {
	case store.Compare:
		return groupCompare(f)
	case store.ValuePath:
		if f.Attr != store.AttrMembers {
			return nil, invalidFilter("%q is not a multi-valued group attribute", f.Attr)
		}
		if id, ok := memberEq(f.Filter); ok {
			return func(g *groupRec) bool { _, ok := g.members[id]; return ok }, nil
		}
		p, err := compileLogic(f.Filter, memberLeaf)
		if err != nil {
			return nil, err
		}
		return anyMember(p), nil
	default:
		return nil, invalidFilter("unsupported filter node %T", f)
	}
}

func anyMember(p func(string) bool) func(*groupRec) bool {
	return func(g *groupRec) bool {
		for m := range g.members {
			if p(m) {
				return true
			}
		}
		return false
	}
}

// memberLeaf compiles a comparison on the value of one member.
func memberLeaf(f store.Filter) (func(string) bool, error) {
	c, ok := f.(store.Compare)
	if !ok {
		return nil, invalidFilter("unsupported filter node %T inside members[...]", f)
	}
	if c.Attr != "value" {
		return nil, invalidFilter("unknown members sub-attribute %q", c.Attr)
	}
	return stringMatcher(c, false)
}

func groupCompare(c store.Compare) (func(*groupRec) bool, error) {
	var get func(*groupRec) string
	ci := false
	switch c.Attr {
	case store.AttrID:
		get = func(g *groupRec) string { return g.g.ID }
	case store.AttrExternalID:
		get = func(g *groupRec) string { return g.g.ExternalID }
	case store.AttrDisplayName:
		get, ci = func(g *groupRec) string { return g.g.DisplayName }, true
	case store.AttrManaged:
		m, err := boolMatcher(c)
		if err != nil {
			return nil, err
		}
		return func(g *groupRec) bool { return m(g.g.Managed) }, nil
	case store.AttrCreated, store.AttrLastModified:
		m, err := timeMatcher(c)
		if err != nil {
			return nil, err
		}
		if c.Attr == store.AttrCreated {
			return func(g *groupRec) bool { return m(g.g.Created) }, nil
		}
		return func(g *groupRec) bool { return m(g.g.Modified) }, nil
	case store.AttrMembers:
		if c.Op != store.OpPr {
			return nil, invalidFilter("%q supports only pr and [...] filters", c.Attr)
		}
		return func(g *groupRec) bool { return len(g.members) > 0 }, nil
	case store.AttrMemberValue:
		m, err := memberLeaf(store.Compare{Attr: "value", Op: c.Op, Value: c.Value})
		if err != nil {
			return nil, err
		}
		if c.Op == store.OpEq {
			id := c.Value.(string) // checked by memberLeaf
			return func(g *groupRec) bool { _, ok := g.members[id]; return ok }, nil
		}
		return anyMember(m), nil
	default:
		return nil, invalidFilter("unknown group attribute %q", c.Attr)
	}
	m, err := stringMatcher(c, ci)
	if err != nil {
		return nil, err
	}
	return func(g *groupRec) bool { return m(get(g)) }, nil
}

// stringMatcher compiles a comparison of a string attribute; ci folds both
// sides with store.Fold.
func stringMatcher(c store.Compare, ci bool) (func(string) bool, error) {
	if c.Op == store.OpPr {
		return func(s string) bool { return s != "" }, nil
	}
	var v string
	switch x := c.Value.(type) {
	case string:
		v = x
	case store.UserState:
		if c.Attr != store.AttrState {
			return nil, invalidFilter("%q needs a string value, not %T", c.Attr, c.Value)
		}
		v = string(x)
	default:
		return nil, invalidFilter("%q needs a string value, not %T", c.Attr, c.Value)
	}
	if ci {
		v = store.Fold(v)
	}
	var m func(string) bool
	switch c.Op {
	case store.OpEq:
		m = func(s string) bool { return s == v }
	case store.OpNe:
		m = func(s string) bool { return s != v }
	case store.OpCo:
		m = func(s string) bool { return strings.Contains(s, v) }
	case store.OpSw:
		m = func(s string) bool { return strings.HasPrefix(s, v) }
	case store.OpEw:
		m = func(s string) bool { return strings.HasSuffix(s, v) }
	case store.OpGt:
		m = func(s string) bool { return s > v }
	case store.OpGe:
		m = func(s string) bool { return s >= v }
	case store.OpLt:
		m = func(s string) bool { return s < v }
	case store.OpLe:
		m = func(s string) bool { return s <= v }
	default:
		return nil, invalidFilter("operator %q on string attribute %q", c.Op, c.Attr)
	}
	if ci {
		return foldingMatcher(c.Op, v, m), nil
	}
	return m, nil
}

// foldingMatcher returns m applied to store.Fold of its argument. For ASCII
// strings, where store.Fold only lowers A-Z, it lowers into a buffer that
// the matcher reuses, so a scan does not allocate a folded copy of every
// value it looks at. The matcher must therefore not be called concurrently;
// each ListUsers or ListGroups call compiles its own.
func foldingMatcher(op store.Op, v string, m func(string) bool) func(string) bool {
	vb := []byte(v)
	var bm func(b []byte) bool
	switch op {
	case store.OpEq:
		bm = func(b []byte) bool { return bytes.Equal(b, vb) }
	case store.OpNe:
		bm = func(b []byte) bool { return !bytes.Equal(b, vb) }
	case store.OpCo:
		bm = func(b []byte) bool { return bytes.Contains(b, vb) }
	case store.OpSw:
		bm = func(b []byte) bool { return bytes.HasPrefix(b, vb) }
	case store.OpEw:
		bm = func(b []byte) bool { return bytes.HasSuffix(b, vb) }
	case store.OpGt:
		bm = func(b []byte) bool { return bytes.Compare(b, vb) > 0 }
	case store.OpGe:
		bm = func(b []byte) bool { return bytes.Compare(b, vb) >= 0 }
	case store.OpLt:
		bm = func(b []byte) bool { return bytes.Compare(b, vb) < 0 }
	case store.OpLe:
		bm = func(b []byte) bool { return bytes.Compare(b, vb) <= 0 }
	}
	var buf []byte
	return func(s string) bool {
		var ascii bool
		if buf, ascii = lowerASCII(buf[:0], s); ascii {
			return bm(buf)
		}
		return m(store.Fold(s))
	}
}

// lowerASCII appends s with A-Z lowered to buf and reports whether s is
// ASCII (if not, buf holds a prefix only and must not be used).
func lowerASCII(buf []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return buf, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf, true
}

// boolMatcher compiles a comparison of a boolean attribute.
func boolMatcher(c store.Compare) (func(bool) bool, error) {
	if c.Op == store.OpPr {
		return func(bool) bool { return true }, nil
	}
	v, ok := c.Value.(bool)
	if !ok {
		return nil, invalidFilter("%q needs a bool value, not %T", c.Attr, c.Value)
	}
	switch c.Op {
	case store.OpEq:
		return func(b bool) bool { return b == v }, nil
	case store.OpNe:
		return func(b bool) bool { return b != v }, nil
	}
	return nil, invalidFilter("operator %q on boolean attribute %q", c.Op, c.Attr)
}

// timeMatcher compiles a comparison of a time attribute.
func timeMatcher(c store.Compare) (func(time.Time) bool, error) {
	if c.Op == store.OpPr {
		return func(time.Time) bool { return true }, nil
	}
	v, ok := c.Value.(time.Time)
	if !ok {
		return nil, invalidFilter("%q needs a time.Time value, not %T", c.Attr, c.Value)
	}
	switch c.Op {
	case store.OpEq:
		return func(t time.Time) bool { return t.Equal(v) }, nil
	case store.OpNe:
		return func(t time.Time) bool { return !t.Equal(v) }, nil
	case store.OpGt:
		return func(t time.Time) bool { return t.After(v) }, nil
	case store.OpGe:
		return func(t time.Time) bool { return !t.Before(v) }, nil
	case store.OpLt:
		return func(t time.Time) bool { return t.Before(v) }, nil
	case store.OpLe:
		return func(t time.Time) bool { return !t.After(v) }, nil
	}
	return nil, invalidFilter("operator %q on time attribute %q", c.Op, c.Attr)
}

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
	many := func(rs []*userRec) ([]*userRec, bool) {
		return slices.SortedFunc(slices.Values(rs), userOrder), true
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
			return many(a.usersByEmail[store.Fold(v)])
		}
	case store.ValuePath:
		if f.Attr == store.AttrEmails {
			if v, ok := eqInAnd(f.Filter, "value"); ok {
				return many(a.usersByEmail[store.Fold(v)])
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
