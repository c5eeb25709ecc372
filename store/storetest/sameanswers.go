package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scimkit/scimkit/store"
)

// RunSameAnswers checks that an adapter's fast paths answer exactly as
// the portable fallbacks do. newPair returns two Stores over one and the
// same storage: the adapter as it runs (with its native lookups, queries
// and member tests) and the same backend without them, for an adapter
// built with package storekit
//
//	b := newBackend(t)
//	return storekit.Wrap(b), storekit.Wrap(b, storekit.FallbacksOnly())
//
// It stores a fixture through the first, then asks both the same
// questions: every user and group lookup (in several spellings), a filter
// on every filterable attribute of the store.UserAttributes and
// store.GroupAttributes tables with every operator it takes, the filter
// suite's cases, pages at several offsets, GroupsOfUser, Members, and
// member deltas applied to twin groups. Every difference fails the rule
// "a fast path answers as the fallback does", naming the question.
func RunSameAnswers(t *testing.T, newPair func(t *testing.T) (fast, fallback store.Store)) {
	t.Helper()
	var c tally
	c.rule(t, "SameAnswers/users", "SameAnswers/users", func(t *testing.T) {
		fastS, slow := newPair(t)
		acct := newAccount(t, fastS)
		us := storeFilterFixture(t, fastS, acct)
		sameUserAnswers(t, fastS, slow, acct, us)
	})
	c.rule(t, "SameAnswers/groups", "SameAnswers/groups", func(t *testing.T) {
		fastS, slow := newPair(t)
		acct := newAccount(t, fastS)
		us := storeFilterFixture(t, fastS, acct)
		sameGroupAnswers(t, fastS, slow, acct, us)
	})
	c.rule(t, "SameAnswers/member deltas", "SameAnswers/member deltas", func(t *testing.T) {
		fastS, slow := newPair(t)
		acct := newAccount(t, fastS)
		us := storeFilterFixture(t, fastS, acct)
		sameDeltas(t, fastS, slow, acct, us)
	})
	c.report(t, "RunSameAnswers")
}

const sameRule = "a fast path answers as the fallback does"

// same fails unless the two answers (values and error kinds) agree.
func same(t *testing.T, question string, got, want any, gotErr, wantErr error) {
	t.Helper()
	if errKind(gotErr) != errKind(wantErr) {
		fail(t, sameRule, "%s: fast path error %v, fallback error %v", question, gotErr, wantErr)
	}
	if gotErr == nil && !reflect.DeepEqual(got, want) {
		fail(t, sameRule, "%s:\n\tfast path %v\n\tfallback  %v", question, got, want)
	}
}

func errKind(err error) string {
	for _, e := range []error{store.ErrNotFound, store.ErrInvalid, store.ErrConflict, store.ErrVersionMismatch, store.ErrUnknownMember} {
		if errors.Is(err, e) {
			return e.Error()
		}
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return ""
}

// spellings returns s as given, upper-cased and lower-cased.
func spellings(s string) []string {
	return []string{s, strings.ToUpper(s), strings.ToLower(s), s + "x"}
}

// userIDList and the like reduce answers to what must agree (ids, in
// order); the records themselves are the backend's either way.
func userIDList(us []store.User, err error) ([]string, error) { return userIDs(us), err }

func sameUserAnswers(t *testing.T, f, s store.Store, acct string, us []store.User) {
	ctx := t.Context()
	for _, u := range us {
		for _, n := range spellings(u.UserName) {
			a, ea := f.UserByUserName(ctx, acct, n)
			b, eb := s.UserByUserName(ctx, acct, n)
			same(t, fmt.Sprintf("UserByUserName(%q)", n), a.ID, b.ID, ea, eb)
		}
		for _, x := range append(spellings(u.ExternalID), "") {
			a, ea := f.UserByExternalID(ctx, acct, x)
			b, eb := s.UserByExternalID(ctx, acct, x)
			same(t, fmt.Sprintf("UserByExternalID(%q)", x), a.ID, b.ID, ea, eb)
		}
		for _, e := range u.Emails {
			for _, v := range spellings(e.Value) {
				a, ea := userIDList(f.UsersByEmail(ctx, acct, v))
				b, eb := userIDList(s.UsersByEmail(ctx, acct, v))
				same(t, fmt.Sprintf("UsersByEmail(%q)", v), a, b, ea, eb)
			}
		}
	}
	var filters []store.Filter
	for _, tc := range userFilterCases(us) {
		filters = append(filters, tc.filter)
	}
	filters = append(filters, tableUserFilters(us)...)
	filters = append(filters, nil)
	for _, flt := range filters {
		for _, q := range []store.Query{{Count: 100}, {StartIndex: 2, Count: 2}} {
			q.Filter = flt
			a, ea := f.ListUsers(ctx, acct, q)
			b, eb := s.ListUsers(ctx, acct, q)
			same(t, fmt.Sprintf("ListUsers(filter %s, startIndex %d, count %d)", describe(flt), q.StartIndex, q.Count),
				[]any{a.Total, userIDs(a.Users)}, []any{b.Total, userIDs(b.Users)}, ea, eb)
		}
	}
}

// tableUserFilters returns a comparison on every filterable attribute of
// store.UserAttributes with every operator its kind takes, on values of
// the fixture (one as stored, one in another case), and on the emails
// sub-attributes.
func tableUserFilters(us []store.User) []store.Filter {
	strOps := []store.Op{store.OpEq, store.OpNe, store.OpCo, store.OpSw, store.OpEw, store.OpGt, store.OpGe, store.OpLt, store.OpLe}
	timeOps := []store.Op{store.OpEq, store.OpNe, store.OpGt, store.OpGe, store.OpLt, store.OpLe}
	var out []store.Filter
	for a := range store.UserAttributes() {
		if !a.Filterable {
			continue
		}
		out = append(out, cmp(a.Name, store.OpPr, nil))
		switch a.Kind {
		case store.KindString:
			v, w := *a.String(&us[0]), strings.ToUpper(*a.String(&us[2]))
			for _, op := range strOps {
				out = append(out, cmp(a.Name, op, v), cmp(a.Name, op, w))
			}
		case store.KindBool:
			out = append(out, cmp(a.Name, store.OpEq, true), cmp(a.Name, store.OpEq, false), cmp(a.Name, store.OpNe, true))
		case store.KindTime:
			for _, op := range timeOps {
				out = append(out, cmp(a.Name, op, a.Time(&us[2])))
			}
		}
	}
	for _, v := range []string{"alice@example.com", "CAROL@WORK.EXAMPLE", "example"} {
		for _, op := range strOps {
			out = append(out, cmp(store.AttrEmailValue, op, v), emailsWhere(cmp("value", op, v)))
		}
	}
	out = append(out,
		cmp(store.AttrEmailType, store.OpEq, "WORK"), cmp(store.AttrEmailPrimary, store.OpEq, true),
		emailsWhere(and(cmp("type", store.OpEq, "work"), cmp("primary", store.OpEq, true))),
		or(cmp(store.AttrUserName, store.OpEq, us[0].UserName), cmp(store.AttrExternalID, store.OpEq, us[2].ExternalID)),
		and(cmp(store.AttrUserName, store.OpEq, us[0].UserName), cmp(store.AttrActive, store.OpEq, true)),
		not(cmp(store.AttrUserName, store.OpEq, strings.ToUpper(us[1].UserName))),
		cmp("noSuchAttribute", store.OpEq, "x"), cmp(store.AttrUserName, store.OpEq, 42),
	)
	return out
}

func groupIDList(gs []store.Group, err error) ([]string, error) { return groupIDs(gs), err }

func sameGroupAnswers(t *testing.T, f, s store.Store, acct string, us []store.User) {
	ctx := t.Context()
	gs := []store.Group{
		createGroup(t, f, acct, store.Group{DisplayName: "Engineering", ExternalID: "g-Eng", Managed: true}, us[0].ID, us[1].ID),
		createGroup(t, f, acct, store.Group{DisplayName: "Élysée Ops", ExternalID: "g-ops"}, us[1].ID, us[4].ID, us[5].ID),
		createGroup(t, f, acct, store.Group{DisplayName: "empty"}),
		createGroup(t, f, acct, store.Group{DisplayName: "Sales", Managed: true}, us[4].ID),
	}
	for _, g := range gs {
		for _, n := range append(spellings(g.DisplayName), "ÉLYSÉE OPS") {
			a, ea := f.GroupByDisplayName(ctx, acct, n)
			b, eb := s.GroupByDisplayName(ctx, acct, n)
			same(t, fmt.Sprintf("GroupByDisplayName(%q)", n), a.ID, b.ID, ea, eb)
		}
		for _, x := range append(spellings(g.ExternalID), "") {
			a, ea := f.GroupByExternalID(ctx, acct, x)
			b, eb := s.GroupByExternalID(ctx, acct, x)
			same(t, fmt.Sprintf("GroupByExternalID(%q)", x), a.ID, b.ID, ea, eb)
		}
		a, ea := f.Members(ctx, acct, g.ID)
		b, eb := s.Members(ctx, acct, g.ID)
		same(t, fmt.Sprintf("Members(%s)", g.DisplayName), a, b, ea, eb)
	}
	for _, u := range append(us, store.User{ID: "no-such-user"}) {
		a, ea := groupIDList(f.GroupsOfUser(ctx, acct, u.ID))
		b, eb := groupIDList(s.GroupsOfUser(ctx, acct, u.ID))
		same(t, fmt.Sprintf("GroupsOfUser(%s)", u.UserName), a, b, ea, eb)
	}
	var filters []store.Filter
	for a := range store.GroupAttributes() {
		if !a.Filterable {
			continue
		}
		filters = append(filters, cmp(a.Name, store.OpPr, nil))
		switch a.Kind {
		case store.KindString:
			for _, g := range gs[:2] {
				v := *a.String(&g)
				for _, op := range []store.Op{store.OpEq, store.OpNe, store.OpCo, store.OpSw, store.OpEw, store.OpGt, store.OpLe} {
					filters = append(filters, cmp(a.Name, op, v), cmp(a.Name, op, strings.ToUpper(v)))
				}
			}
		case store.KindBool:
			filters = append(filters, cmp(a.Name, store.OpEq, true), cmp(a.Name, store.OpNe, true))
		case store.KindTime:
			filters = append(filters, cmp(a.Name, store.OpGe, gs[1].Created), cmp(a.Name, store.OpLt, gs[1].Created))
		}
	}
	for _, u := range us[:2] {
		filters = append(filters, cmp(store.AttrMemberValue, store.OpEq, u.ID), membersWhere(cmp("value", store.OpEq, u.ID)),
			cmp(store.AttrMemberValue, store.OpNe, u.ID), membersWhere(cmp("value", store.OpSw, u.ID[:1])))
	}
	filters = append(filters, nil, and(cmp(store.AttrManaged, store.OpEq, true), cmp(store.AttrMemberValue, store.OpEq, us[4].ID)),
		cmp(store.AttrMembers, store.OpEq, "x"))
	for _, flt := range filters {
		for _, q := range []store.Query{{Count: 100}, {StartIndex: 2, Count: 1}, {Count: 0}} {
			q.Filter = flt
			a, ea := f.ListGroups(ctx, acct, q)
			b, eb := s.ListGroups(ctx, acct, q)
			same(t, fmt.Sprintf("ListGroups(filter %s, startIndex %d, count %d)", describe(flt), q.StartIndex, q.Count),
				[]any{a.Total, groupIDs(a.Groups)}, []any{b.Total, groupIDs(b.Groups)}, ea, eb)
		}
	}
}

// sameDeltas applies the same membership updates to twin groups, one
// through each Store, and compares the deltas and the memberships.
func sameDeltas(t *testing.T, f, s store.Store, acct string, us []store.User) {
	ctx := t.Context()
	id := func(i int) string { return us[i].ID }
	gf := createGroup(t, f, acct, store.Group{DisplayName: "twin fast"}, id(0), id(1), id(2))
	gs := createGroup(t, f, acct, store.Group{DisplayName: "twin fallback"}, id(0), id(1), id(2))
	for i, upd := range []store.GroupUpdate{
		{AddMembers: []string{id(1), id(3), id(3), id(4)}},
		{RemoveMembers: []string{id(0), id(5), id(0)}},
		{AddMembers: []string{id(0)}, RemoveMembers: []string{id(4), id(2)}},
		{AddMembers: []string{"no-such-user"}},
		{ReplaceMembers: true, Members: []string{id(5), id(1), id(5)}},
		{RemoveMembers: []string{id(5), id(1)}},
	} {
		_, a, ea := f.UpdateGroup(ctx, acct, gf.ID, upd)
		_, b, eb := s.UpdateGroup(ctx, acct, gs.ID, upd)
		q := fmt.Sprintf("UpdateGroup #%d %+v", i, upd)
		same(t, q+": delta", deltaIDs(a), deltaIDs(b), ea, eb)
		ma, ea := f.Members(ctx, acct, gf.ID)
		mb, eb := s.Members(ctx, acct, gs.ID)
		same(t, q+": members after", slices.Clone(ma), slices.Clone(mb), ea, eb)
	}
}

// deltaIDs returns d's lists with nil and empty alike.
func deltaIDs(d store.MemberDelta) [2][]string {
	return [2][]string{append([]string{}, d.Added...), append([]string{}, d.Removed...)}
}
