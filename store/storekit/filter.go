package storekit

import (
	"bytes"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/scimkit/scimkit/store"
)

// This file evaluates store.Filter on values in memory. A filter is first
// compiled into a predicate, which validates all of it (an invalid branch
// is reported even when no record would reach it), then run on the
// records. The attributes, their kinds and case rules come from the tables
// in package store (store.UserAttributes and the others); the operators
// follow store.Compare:
//
//   - strings: eq ne co sw ew gt ge lt le with a string value, and pr
//     (non-empty); the case-insensitive attributes compare store.Fold-ed
//     forms, for the ordering operators too; an absent string is "".
//   - booleans: eq ne with a bool value, and pr (always true).
//   - times: eq ne gt ge lt le with a time.Time value, and pr (always
//     true).
//   - multi-valued sub-attributes (emails.value, members.value, ...) match
//     when any one value matches, so a record with no values matches no
//     comparison, not even ne.
//   - emails and members take pr (non-empty list) or a ValuePath whose
//     filter names their sub-attributes.
//
// Anything else is an error wrapping store.ErrInvalid.

func invalidFilter(format string, args ...any) error {
	return fmt.Errorf("storekit: filter: "+format+": %w", append(args, store.ErrInvalid)...)
}

// Plain returns the value form of a filter node given as a pointer
// (*store.Compare and the like), the node itself otherwise, and nil for a
// nil filter or a nil pointer. Adapters that inspect filters (to pick an
// index or translate them) call it so that both forms mean the same.
func Plain(f store.Filter) store.Filter {
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

// UserMatcher reports whether a user matches a compiled filter. It keeps a
// scratch buffer: call it from one goroutine at a time (compile one per
// list call).
type UserMatcher func(*store.User) bool

// CompileUser validates the user filter f and compiles it into a matcher.
// An attribute, operator or value the contract does not define is an error
// matching store.ErrInvalid; a nil filter is one too (a nil Query.Filter
// selects everything: do not compile it).
//
// Cost: the compiled matcher looks at one user in tens of nanoseconds
// (strings are folded into a reused buffer, so an ASCII value costs no
// allocation); a list over it costs one call per stored user, O(n). See
// the package documentation for when an index is worth writing.
func CompileUser(f store.Filter) (UserMatcher, error) {
	m, err := compileLogic(f, userLeaf)
	return UserMatcher(m), err
}

// Members is the membership of one group, as the group evaluator reads it.
// MemberList adapts a slice.
type Members interface {
	// Len is the number of members.
	Len() int
	// Has reports whether the user id is a member.
	Has(id string) bool
	// All yields the member ids, in any order.
	All() iter.Seq[string]
}

// MemberList is a Members over a slice of ids. Has is linear.
type MemberList []string

// Len implements Members.
func (l MemberList) Len() int { return len(l) }

// Has implements Members.
func (l MemberList) Has(id string) bool {
	for _, m := range l {
		if m == id {
			return true
		}
	}
	return false
}

// All implements Members.
func (l MemberList) All() iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, m := range l {
			if !yield(m) {
				return
			}
		}
	}
}

// GroupMatcher reports whether a group with the members matches a compiled
// filter. Like UserMatcher, it is for one goroutine at a time.
type GroupMatcher struct {
	match   func(groupView) bool
	members bool
}

// groupView is what group predicates read.
type groupView struct {
	g  *store.Group
	ms Members
}

// Match reports whether g, whose members are ms, matches. ms may be nil
// when NeedsMembers is false.
func (m GroupMatcher) Match(g *store.Group, ms Members) bool {
	return m.match(groupView{g, ms})
}

// NeedsMembers reports whether the filter reads the members, so that an
// adapter may skip loading them when it does not.
func (m GroupMatcher) NeedsMembers() bool { return m.members }

// CompileGroup validates the group filter f and compiles it into a
// matcher, like CompileUser. A membership test (members[value eq "u"],
// members.value eq "u") costs one Members.Has call.
func CompileGroup(f store.Filter) (GroupMatcher, error) {
	m := GroupMatcher{}
	p, err := compileLogic(f, func(f store.Filter) (func(groupView) bool, error) {
		return groupLeaf(f, &m.members)
	})
	m.match = p
	return m, err
}

// compileLogic compiles the And, Or and Not nodes of f with compile for
// its children, and hands any other node to leaf. It serves users, groups
// and the elements of a ValuePath alike.
func compileLogic[T any](f store.Filter, leaf func(store.Filter) (func(T) bool, error)) (func(T) bool, error) {
	compile := func(f store.Filter) (func(T) bool, error) { return compileLogic(f, leaf) }
	switch f := Plain(f).(type) {
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
		return anyEmail(p), nil
	default:
		return nil, invalidFilter("unsupported filter node %T", f)
	}
}

func anyEmail(p func(*store.Email) bool) func(*store.User) bool {
	return func(u *store.User) bool {
		for i := range u.Emails {
			if p(&u.Emails[i]) {
				return true
			}
		}
		return false
	}
}

func userCompare(c store.Compare) (func(*store.User) bool, error) {
	a, ok := store.UserAttribute(c.Attr)
	if !ok || !a.Filterable {
		// emails.value and the like: any one email.
		if sub, ok := strings.CutPrefix(c.Attr, store.AttrEmails+"."); ok {
			if _, ok := store.EmailAttribute(sub); ok {
				p, err := emailLeaf(store.Compare{Attr: sub, Op: c.Op, Value: c.Value})
				if err != nil {
					return nil, err
				}
				return anyEmail(p), nil
			}
		}
		return nil, invalidFilter("unknown user attribute %q", c.Attr)
	}
	if a.Multi() {
		if c.Op != store.OpPr {
			return nil, invalidFilter("%q supports only pr and [...] filters", c.Attr)
		}
		return func(u *store.User) bool { return len(u.Emails) > 0 }, nil
	}
	return compileAttr(a, c)
}

// emailLeaf compiles a comparison on a sub-attribute of one email.
func emailLeaf(f store.Filter) (func(*store.Email) bool, error) {
	c, ok := f.(store.Compare)
	if !ok {
		return nil, invalidFilter("unsupported filter node %T inside emails[...]", f)
	}
	a, ok := store.EmailAttribute(c.Attr)
	if !ok || !a.Filterable {
		return nil, invalidFilter("unknown emails sub-attribute %q", c.Attr)
	}
	return compileAttr(a, c)
}

func groupLeaf(f store.Filter, members *bool) (func(groupView) bool, error) {
	switch f := f.(type) {
	case store.Compare:
		return groupCompare(f, members)
	case store.ValuePath:
		if f.Attr != store.AttrMembers {
			return nil, invalidFilter("%q is not a multi-valued group attribute", f.Attr)
		}
		*members = true
		if c, ok := Plain(f.Filter).(store.Compare); ok && c.Attr == "value" && c.Op == store.OpEq {
			return memberEq(c)
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

// memberEq compiles value eq "id" on members: one Has call.
func memberEq(c store.Compare) (func(groupView) bool, error) {
	if _, err := memberLeaf(c); err != nil {
		return nil, err
	}
	id := c.Value.(string) // checked by memberLeaf
	return func(g groupView) bool { return g.ms.Has(id) }, nil
}

func anyMember(p func(*string) bool) func(groupView) bool {
	return func(g groupView) bool {
		for m := range g.ms.All() {
			if p(&m) {
				return true
			}
		}
		return false
	}
}

// memberLeaf compiles a comparison on the value of one member.
func memberLeaf(f store.Filter) (func(*string) bool, error) {
	c, ok := f.(store.Compare)
	if !ok {
		return nil, invalidFilter("unsupported filter node %T inside members[...]", f)
	}
	a, ok := store.MemberAttribute(c.Attr)
	if !ok || !a.Filterable {
		return nil, invalidFilter("unknown members sub-attribute %q", c.Attr)
	}
	return compileAttr(a, c)
}

func groupCompare(c store.Compare, members *bool) (func(groupView) bool, error) {
	a, ok := store.GroupAttribute(c.Attr)
	if !ok || !a.Filterable {
		if sub, ok := strings.CutPrefix(c.Attr, store.AttrMembers+"."); ok {
			if _, ok := store.MemberAttribute(sub); ok {
				*members = true
				sc := store.Compare{Attr: sub, Op: c.Op, Value: c.Value}
				if sc.Op == store.OpEq && sc.Attr == "value" {
					return memberEq(sc)
				}
				p, err := memberLeaf(sc)
				if err != nil {
					return nil, err
				}
				return anyMember(p), nil
			}
		}
		return nil, invalidFilter("unknown group attribute %q", c.Attr)
	}
	if a.Multi() {
		if c.Op != store.OpPr {
			return nil, invalidFilter("%q supports only pr and [...] filters", c.Attr)
		}
		*members = true
		return func(g groupView) bool { return g.ms.Len() > 0 }, nil
	}
	p, err := compileAttr(a, c)
	if err != nil {
		return nil, err
	}
	return func(g groupView) bool { return p(g.g) }, nil
}

// compileAttr compiles a comparison on a single-valued attribute a of R.
func compileAttr[R any](a store.Attribute[R], c store.Compare) (func(*R) bool, error) {
	switch a.Kind {
	case store.KindString:
		m, err := stringMatcher(c, !a.CaseExact)
		if err != nil {
			return nil, err
		}
		get := a.String
		return func(r *R) bool { return m(*get(r)) }, nil
	case store.KindBool:
		m, err := boolMatcher(c)
		if err != nil {
			return nil, err
		}
		get := a.Bool
		return func(r *R) bool { return m(get(r)) }, nil
	case store.KindTime:
		m, err := timeMatcher(c)
		if err != nil {
			return nil, err
		}
		get := a.Time
		return func(r *R) bool { return m(get(r)) }, nil
	}
	return nil, invalidFilter("attribute %q cannot be compared", c.Attr)
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
// value it looks at. The matcher must therefore not be called concurrently.
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
