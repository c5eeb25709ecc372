package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scimkit/scimkit/store"
)

// Filter helpers, to keep the case tables short.
func cmp(attr string, op store.Op, v any) store.Filter {
	return store.Compare{Attr: attr, Op: op, Value: v}
}
func and(fs ...store.Filter) store.Filter { return store.And{Filters: fs} }
func or(fs ...store.Filter) store.Filter  { return store.Or{Filters: fs} }
func not(f store.Filter) store.Filter     { return store.Not{Filter: f} }
func emailsWhere(f store.Filter) store.Filter {
	return store.ValuePath{Attr: store.AttrEmails, Filter: f}
}
func membersWhere(f store.Filter) store.Filter {
	return store.ValuePath{Attr: store.AttrMembers, Filter: f}
}

var fold = store.Fold

// anyEmail reports whether one of u's emails satisfies p.
func anyEmail(u store.User, p func(store.Email) bool) bool { return slices.ContainsFunc(u.Emails, p) }

// filterFixture returns the users the filter tests store, in creation order.
func filterFixture() []store.User {
	alice := user("alice@example.com")
	alice.ExternalID = "00uA"
	alice.Name = store.Name{GivenName: "Alice", FamilyName: "Archer"}
	alice.DisplayName = "Alice Archer"
	alice.Title = "Engineer"
	alice.Locale = "en-US"
	alice.Emails = []store.Email{{Value: "alice@example.com", Type: "work", Primary: true}, {Value: "Alice.Home@Mail.com", Type: "home"}}
	alice.Enterprise = store.Enterprise{Department: "R&D", EmployeeNumber: "E1", ManagerID: "m1", CostCenter: "CC1"}

	bob := user("Bob@Example.com")
	bob.State = store.StateSuspended
	bob.Name = store.Name{GivenName: "bob", FamilyName: "Baker"}
	bob.Title = "engineer"
	bob.Locale = "en-GB"
	bob.Emails = []store.Email{{Value: "bob@example.com", Type: "work", Primary: true}}

	carol := user("carol@corp.example")
	carol.ExternalID = "00uC"
	carol.State = store.StateInvited
	carol.Name = store.Name{GivenName: "Carol", FamilyName: "Cole"}
	carol.NickName = "Caz"
	carol.Timezone = "Europe/Paris"
	carol.Emails = []store.Email{{Value: "carol@corp.example", Type: "home"}, {Value: "CAROL@work.example", Type: "work", Primary: true}}

	dave := user("dave@example.com")
	dave.ExternalID = "00ud"

	eve := user("eve@example.org")
	eve.ExternalID = "00uE"
	eve.Name = store.Name{Formatted: "Eve M. Evans", GivenName: "Eve", MiddleName: "M", FamilyName: "Evans"}
	eve.Title = "Manager"
	eve.UserType = "Contractor"
	eve.PreferredLanguage = "fr"
	eve.Emails = []store.Email{{Value: "eve@example.org", Type: "work"}}
	eve.Enterprise = store.Enterprise{Department: "Sales", Organization: "Acme", Division: "EMEA", EmployeeNumber: "e1"}

	zed := user("Zed@Example.com")
	zed.ExternalID = "00uZ"
	zed.DisplayName = "Zed"
	zed.Title = "Engineer II"
	zed.Emails = []store.Email{{Value: "zed@example.com"}}

	return []store.User{alice, bob, carol, dave, eve, zed}
}

// userCase is one filter with the reference predicate that says which
// users it must select.
type userCase struct {
	filter store.Filter
	want   func(u store.User) bool
}

// userFilterCases returns the cases for the stored fixture users us (as
// re-read from the store, so that times are the stored ones).
func userFilterCases(us []store.User) []userCase {
	c2, m4 := us[2].Created, us[4].Modified
	all := func(store.User) bool { return true }
	none := func(store.User) bool { return false }
	str := func(get func(store.User) string, p func(string) bool) func(store.User) bool {
		return func(u store.User) bool { return p(get(u)) }
	}
	userName := func(u store.User) string { return fold(u.UserName) }
	extID := func(u store.User) string { return u.ExternalID }
	title := func(u store.User) string { return fold(u.Title) }
	eq := func(v string) func(string) bool { return func(s string) bool { return s == v } }
	return []userCase{
		{cmp(store.AttrUserName, store.OpEq, "ALICE@example.com"), str(userName, eq("alice@example.com"))},
		{cmp(store.AttrUserName, store.OpNe, "alice@EXAMPLE.com"), str(userName, func(s string) bool { return s != "alice@example.com" })},
		{cmp(store.AttrUserName, store.OpCo, "EXAMPLE.C"), str(userName, func(s string) bool { return strings.Contains(s, "example.c") })},
		{cmp(store.AttrUserName, store.OpSw, "B"), str(userName, func(s string) bool { return strings.HasPrefix(s, "b") })},
		{cmp(store.AttrUserName, store.OpEw, ".ORG"), str(userName, func(s string) bool { return strings.HasSuffix(s, ".org") })},
		{cmp(store.AttrUserName, store.OpGt, "C"), str(userName, func(s string) bool { return s > "c" })},
		{cmp(store.AttrUserName, store.OpGe, "CAROL@corp.example"), str(userName, func(s string) bool { return s >= "carol@corp.example" })},
		{cmp(store.AttrUserName, store.OpLt, "Bob"), str(userName, func(s string) bool { return s < "bob" })},
		{cmp(store.AttrUserName, store.OpLe, "BOB@example.com"), str(userName, func(s string) bool { return s <= "bob@example.com" })},
		{cmp(store.AttrUserName, store.OpPr, nil), all},
		{cmp(store.AttrExternalID, store.OpEq, "00uA"), str(extID, eq("00uA"))},
		{cmp(store.AttrExternalID, store.OpEq, "00ua"), none}, // case-exact
		{cmp(store.AttrExternalID, store.OpNe, "00uA"), str(extID, func(s string) bool { return s != "00uA" })},
		{cmp(store.AttrExternalID, store.OpEq, ""), str(extID, eq(""))}, // absent is ""
		{cmp(store.AttrExternalID, store.OpPr, nil), str(extID, func(s string) bool { return s != "" })},
		{cmp(store.AttrExternalID, store.OpSw, "00u"), str(extID, func(s string) bool { return strings.HasPrefix(s, "00u") })},
		{cmp(store.AttrExternalID, store.OpCo, "D"), none}, // case-exact: "00ud" has no "D"
		{cmp(store.AttrID, store.OpEq, us[3].ID), func(u store.User) bool { return u.ID == us[3].ID }},
		{cmp(store.AttrID, store.OpNe, us[3].ID), func(u store.User) bool { return u.ID != us[3].ID }},
		{cmp(store.AttrGivenName, store.OpEq, "BOB"), func(u store.User) bool { return fold(u.Name.GivenName) == "bob" }},
		{cmp(store.AttrFamilyName, store.OpSw, "bA"), func(u store.User) bool { return strings.HasPrefix(fold(u.Name.FamilyName), "ba") }},
		{cmp(store.AttrFormattedName, store.OpCo, "m. EV"), func(u store.User) bool { return strings.Contains(fold(u.Name.Formatted), "m. ev") }},
		{cmp(store.AttrMiddleName, store.OpPr, nil), func(u store.User) bool { return u.Name.MiddleName != "" }},
		{cmp(store.AttrDisplayName, store.OpPr, nil), func(u store.User) bool { return u.DisplayName != "" }},
		{cmp(store.AttrDisplayName, store.OpEq, "ZED"), func(u store.User) bool { return fold(u.DisplayName) == "zed" }},
		{cmp(store.AttrNickName, store.OpEq, "caz"), func(u store.User) bool { return fold(u.NickName) == "caz" }},
		{cmp(store.AttrTitle, store.OpEq, "ENGINEER"), str(title, eq("engineer"))},
		{cmp(store.AttrTitle, store.OpNe, "engineer"), str(title, func(s string) bool { return s != "engineer" })}, // absent titles too
		{cmp(store.AttrTitle, store.OpCo, "gineer"), str(title, func(s string) bool { return strings.Contains(s, "gineer") })},
		{cmp(store.AttrUserType, store.OpEq, "contractor"), func(u store.User) bool { return fold(u.UserType) == "contractor" }},
		{cmp(store.AttrLocale, store.OpEq, "EN-us"), func(u store.User) bool { return fold(u.Locale) == "en-us" }},
		{cmp(store.AttrPreferredLanguage, store.OpEq, "FR"), func(u store.User) bool { return fold(u.PreferredLanguage) == "fr" }},
		{cmp(store.AttrTimezone, store.OpEw, "PARIS"), func(u store.User) bool { return strings.HasSuffix(fold(u.Timezone), "paris") }},
		{cmp(store.AttrDepartment, store.OpEq, "r&d"), func(u store.User) bool { return fold(u.Enterprise.Department) == "r&d" }},
		{cmp(store.AttrCostCenter, store.OpEq, "cc1"), func(u store.User) bool { return fold(u.Enterprise.CostCenter) == "cc1" }},
		{cmp(store.AttrOrganization, store.OpEq, "ACME"), func(u store.User) bool { return fold(u.Enterprise.Organization) == "acme" }},
		{cmp(store.AttrDivision, store.OpEq, "emea"), func(u store.User) bool { return fold(u.Enterprise.Division) == "emea" }},
		{cmp(store.AttrEmployeeNumber, store.OpEq, "e1"), func(u store.User) bool { return u.Enterprise.EmployeeNumber == "e1" }}, // case-exact
		{cmp(store.AttrManagerID, store.OpEq, "m1"), func(u store.User) bool { return u.Enterprise.ManagerID == "m1" }},
		{cmp(store.AttrActive, store.OpEq, true), func(u store.User) bool { return u.State != store.StateSuspended }},
		{cmp(store.AttrActive, store.OpEq, false), func(u store.User) bool { return u.State == store.StateSuspended }},
		{cmp(store.AttrActive, store.OpNe, true), func(u store.User) bool { return u.State == store.StateSuspended }},
		{cmp(store.AttrActive, store.OpPr, nil), all},
		{cmp(store.AttrState, store.OpEq, string(store.StateInvited)), func(u store.User) bool { return u.State == store.StateInvited }},
		{cmp(store.AttrState, store.OpEq, "INVITED"), none}, // case-exact
		{cmp(store.AttrEmails, store.OpPr, nil), func(u store.User) bool { return len(u.Emails) > 0 }},
		{cmp(store.AttrEmailValue, store.OpEq, "alice.home@mail.COM"), func(u store.User) bool {
			return anyEmail(u, func(e store.Email) bool { return fold(e.Value) == "alice.home@mail.com" })
		}},
		{cmp(store.AttrEmailValue, store.OpCo, "WORK.example"), func(u store.User) bool {
			return anyEmail(u, func(e store.Email) bool { return strings.Contains(fold(e.Value), "work.example") })
		}},
		{cmp(store.AttrEmailValue, store.OpEw, "EXAMPLE.com"), func(u store.User) bool {
			return anyEmail(u, func(e store.Email) bool { return strings.HasSuffix(fold(e.Value), "example.com") })
		}},
		// Any-match: ne needs one email with another value, so a user
		// without emails matches no comparison on emails.value.
		{cmp(store.AttrEmailValue, store.OpNe, "ALICE@example.com"), func(u store.User) bool {
			return anyEmail(u, func(e store.Email) bool { return fold(e.Value) != "alice@example.com" })
		}},
		{not(cmp(store.AttrEmailValue, store.OpEq, "alice@example.com")), func(u store.User) bool {
			return !anyEmail(u, func(e store.Email) bool { return fold(e.Value) == "alice@example.com" })
		}},
		{cmp(store.AttrEmailValue, store.OpPr, nil), func(u store.User) bool {
			return anyEmail(u, func(e store.Email) bool { return e.Value != "" })
		}},
		{cmp(store.AttrEmailType, store.OpEq, "HOME"), func(u store.User) bool {
			return anyEmail(u, func(e store.Email) bool { return fold(e.Type) == "home" })
		}},
		{cmp(store.AttrEmailPrimary, store.OpEq, true), func(u store.User) bool {
			return anyEmail(u, func(e store.Email) bool { return e.Primary })
		}},
		{cmp(store.AttrEmailPrimary, store.OpEq, false), func(u store.User) bool {
			return anyEmail(u, func(e store.Email) bool { return !e.Primary })
		}},
		// A value path needs one email that satisfies the whole filter.
		{emailsWhere(and(cmp("type", store.OpEq, "work"), cmp("value", store.OpEq, "carol@corp.example"))), none},
		{emailsWhere(and(cmp("type", store.OpEq, "WORK"), cmp("value", store.OpEq, "carol@WORK.example"))), func(u store.User) bool {
			return anyEmail(u, func(e store.Email) bool { return fold(e.Type) == "work" && fold(e.Value) == "carol@work.example" })
		}},
		{emailsWhere(cmp("type", store.OpEq, "work")), func(u store.User) bool {
			return anyEmail(u, func(e store.Email) bool { return fold(e.Type) == "work" })
		}},
		{emailsWhere(and(cmp("primary", store.OpEq, true), cmp("value", store.OpEw, "example.COM"))), func(u store.User) bool {
			return anyEmail(u, func(e store.Email) bool { return e.Primary && strings.HasSuffix(fold(e.Value), "example.com") })
		}},
		{emailsWhere(not(cmp("type", store.OpEq, "work"))), func(u store.User) bool {
			return anyEmail(u, func(e store.Email) bool { return fold(e.Type) != "work" })
		}},
		{emailsWhere(or(cmp("type", store.OpEq, "home"), cmp("primary", store.OpEq, false))), func(u store.User) bool {
			return anyEmail(u, func(e store.Email) bool { return fold(e.Type) == "home" || !e.Primary })
		}},
		{cmp(store.AttrCreated, store.OpGt, c2), func(u store.User) bool { return u.Created.After(c2) }},
		{cmp(store.AttrCreated, store.OpGe, c2), func(u store.User) bool { return !u.Created.Before(c2) }},
		{cmp(store.AttrCreated, store.OpLt, c2), func(u store.User) bool { return u.Created.Before(c2) }},
		{cmp(store.AttrCreated, store.OpLe, c2), func(u store.User) bool { return !u.Created.After(c2) }},
		{cmp(store.AttrCreated, store.OpEq, c2), func(u store.User) bool { return u.Created.Equal(c2) }},
		{cmp(store.AttrCreated, store.OpNe, c2), func(u store.User) bool { return !u.Created.Equal(c2) }},
		{cmp(store.AttrCreated, store.OpPr, nil), all},
		{cmp(store.AttrLastModified, store.OpGe, m4), func(u store.User) bool { return !u.Modified.Before(m4) }},
		{cmp(store.AttrCreated, store.OpLt, c2.Add(-24*time.Hour)), none},
		{and(cmp(store.AttrTitle, store.OpEq, "engineer"), cmp(store.AttrActive, store.OpEq, true)), func(u store.User) bool {
			return fold(u.Title) == "engineer" && u.State != store.StateSuspended
		}},
		{or(cmp(store.AttrUserName, store.OpEq, "alice@example.com"), cmp(store.AttrExternalID, store.OpEq, "00uE")), func(u store.User) bool {
			return fold(u.UserName) == "alice@example.com" || u.ExternalID == "00uE"
		}},
		{not(cmp(store.AttrEmails, store.OpPr, nil)), func(u store.User) bool { return len(u.Emails) == 0 }},
		{not(or(cmp(store.AttrActive, store.OpEq, false), cmp(store.AttrUserName, store.OpSw, "a"))), func(u store.User) bool {
			return !(u.State == store.StateSuspended || strings.HasPrefix(fold(u.UserName), "a"))
		}},
		{and(), all},
		{or(), none},
		// Index-friendly shapes with the rest of the filter still applied.
		{and(cmp(store.AttrUserName, store.OpEq, "Alice@example.com"), emailsWhere(cmp("type", store.OpEq, "home"))), func(u store.User) bool {
			return fold(u.UserName) == "alice@example.com"
		}},
		{and(cmp(store.AttrUserName, store.OpEq, "alice@example.com"), cmp(store.AttrActive, store.OpEq, false)), none},
		{and(cmp(store.AttrExternalID, store.OpEq, "00uC"), not(emailsWhere(and(cmp("type", store.OpEq, "work"), cmp("value", store.OpEq, "carol@corp.example"))))), func(u store.User) bool {
			return u.ExternalID == "00uC"
		}},
		{and(cmp(store.AttrEmailValue, store.OpEq, "BOB@example.com"), cmp(store.AttrActive, store.OpEq, true)), none},
		{and(cmp(store.AttrID, store.OpEq, us[4].ID), cmp(store.AttrTitle, store.OpEq, "manager")), func(u store.User) bool { return u.ID == us[4].ID }},
		{or(and(cmp(store.AttrTitle, store.OpSw, "eng"), not(cmp(store.AttrExternalID, store.OpPr, nil))), cmp(store.AttrState, store.OpEq, "invited")), func(u store.User) bool {
			return strings.HasPrefix(fold(u.Title), "eng") && u.ExternalID == "" || u.State == store.StateInvited
		}},
	}
}

// describe prints a filter for failure messages.
func describe(f store.Filter) string {
	switch f := f.(type) {
	case store.Compare:
		if t, ok := f.Value.(time.Time); ok {
			return fmt.Sprintf("%s %s %s", f.Attr, f.Op, t.Format(time.RFC3339Nano))
		}
		return fmt.Sprintf("%s %s %#v", f.Attr, f.Op, f.Value)
	case store.And:
		return "(" + joinFilters(f.Filters, " and ") + ")"
	case store.Or:
		return "(" + joinFilters(f.Filters, " or ") + ")"
	case store.Not:
		return "not (" + describe(f.Filter) + ")"
	case store.ValuePath:
		return f.Attr + "[" + describe(f.Filter) + "]"
	}
	return fmt.Sprintf("%#v", f)
}

func joinFilters(fs []store.Filter, sep string) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = describe(f)
	}
	return strings.Join(parts, sep)
}

// storeFilterFixture stores the fixture users, updates the fifth, and
// returns them all as re-read from the store.
func storeFilterFixture(t *testing.T, s store.Store, acct string) []store.User {
	t.Helper()
	for _, u := range filterFixture() {
		createUser(t, s, acct, u)
	}
	us := allUsers(t, s, acct)
	eve := us[4]
	eve.NickName = "E"
	_, err := s.UpdateUser(t.Context(), acct, eve)
	noErr(t, err, "UpdateUser with the current version must succeed")
	return allUsers(t, s, acct)
}

var filterTests = []test{
	{"Users", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		us := storeFilterFixture(t, s, acct)
		for _, tc := range userFilterCases(us) {
			var want []string
			for _, u := range us {
				if tc.want(u) {
					want = append(want, u.ID)
				}
			}
			p, err := s.ListUsers(t.Context(), acct, store.Query{Filter: tc.filter, Count: 100})
			noErr(t, err, "ListUsers with filter "+describe(tc.filter)+" must succeed")
			if !sameIDs(userIDs(p.Users), want) || p.Total != len(want) {
				fail(t, "a user filter selects exactly the users the rules of store.Compare/And/Or/Not/ValuePath say, in creation order",
					"filter %s: got %q (total %d), want %q (total %d)", describe(tc.filter), userNames(p.Users), p.Total, namesOf(us, want), len(want))
			}
		}
	}},
	{"UserPages", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		var want []string
		for i := range 20 {
			u := user(fmt.Sprintf("u%02d@example.com", i))
			if i%3 == 0 {
				u.State = store.StateSuspended
			}
			u = createUser(t, s, acct, u)
			if i%3 != 0 {
				want = append(want, u.ID)
			}
		}
		f := cmp(store.AttrActive, store.OpEq, true)
		var got []string
		for start := 1; start <= len(want); start += 4 {
			p, err := s.ListUsers(t.Context(), acct, store.Query{Filter: f, StartIndex: start, Count: 4})
			noErr(t, err, "ListUsers with a filter must succeed")
			if p.Total != len(want) {
				fail(t, "with a filter, Total counts the matches in the whole account", "got %d, want %d", p.Total, len(want))
			}
			got = append(got, userIDs(p.Users)...)
		}
		if !slices.Equal(got, want) {
			fail(t, "filtered pages neither overlap nor skip and keep creation order", "got %q, want %q", got, want)
		}
		p, err := s.ListUsers(t.Context(), acct, store.Query{Filter: f, Count: 0})
		noErr(t, err, "ListUsers with a filter and Count 0 must succeed")
		if len(p.Users) != 0 || p.Total != len(want) || p.Users == nil {
			fail(t, "Count 0 with a filter returns only the total", "got %d users, total %d", len(p.Users), p.Total)
		}
	}},
	{"Groups", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		us := storeFilterFixture(t, s, acct)
		alice, bob, eve := us[0].ID, us[1].ID, us[4].ID
		eng := createGroup(t, s, acct, store.Group{DisplayName: "Engineering", Managed: true, Linked: true}, alice, bob)
		sales := createGroup(t, s, acct, store.Group{DisplayName: "Sales", ExternalID: "g-sales"}, eve)
		owners := createGroup(t, s, acct, store.Group{DisplayName: "Owners", Privileged: true})
		_, _, err := s.UpdateGroup(ctx, acct, sales.ID, store.GroupUpdate{Managed: ptr(true)})
		noErr(t, err, "UpdateGroup must succeed")
		p, err := s.ListGroups(ctx, acct, store.Query{Count: 10})
		noErr(t, err, "ListGroups must succeed")
		gs := p.Groups
		mem := map[string][]string{eng.ID: {alice, bob}, sales.ID: {eve}, owners.ID: nil}
		c1 := gs[1].Created
		for _, tc := range []struct {
			filter store.Filter
			want   func(store.Group) bool
		}{
			{cmp(store.AttrDisplayName, store.OpEq, "ENGINEERING"), func(g store.Group) bool { return g.ID == eng.ID }},
			{cmp(store.AttrDisplayName, store.OpSw, "s"), func(g store.Group) bool { return g.ID == sales.ID }},
			{cmp(store.AttrDisplayName, store.OpGt, "f"), func(g store.Group) bool { return fold(g.DisplayName) > "f" }},
			{cmp(store.AttrDisplayName, store.OpNe, "owners"), func(g store.Group) bool { return g.ID != owners.ID }},
			{cmp(store.AttrExternalID, store.OpEq, "g-sales"), func(g store.Group) bool { return g.ID == sales.ID }},
			{cmp(store.AttrExternalID, store.OpEq, "G-SALES"), func(store.Group) bool { return false }},
			{cmp(store.AttrExternalID, store.OpNe, "g-sales"), func(g store.Group) bool { return g.ID != sales.ID }},
			{cmp(store.AttrID, store.OpEq, owners.ID), func(g store.Group) bool { return g.ID == owners.ID }},
			{cmp(store.AttrManaged, store.OpEq, true), func(g store.Group) bool { return g.Managed }},
			{cmp(store.AttrManaged, store.OpEq, false), func(g store.Group) bool { return !g.Managed }},
			{cmp(store.AttrMembers, store.OpPr, nil), func(g store.Group) bool { return len(mem[g.ID]) > 0 }},
			{not(cmp(store.AttrMembers, store.OpPr, nil)), func(g store.Group) bool { return len(mem[g.ID]) == 0 }},
			{cmp(store.AttrMemberValue, store.OpEq, bob), func(g store.Group) bool { return slices.Contains(mem[g.ID], bob) }},
			{cmp(store.AttrMemberValue, store.OpEq, strings.ToUpper(bob)), func(g store.Group) bool {
				return slices.Contains(mem[g.ID], strings.ToUpper(bob)) // case-exact
			}},
			{membersWhere(cmp("value", store.OpEq, eve)), func(g store.Group) bool { return slices.Contains(mem[g.ID], eve) }},
			{cmp(store.AttrMemberValue, store.OpNe, bob), func(g store.Group) bool { // any member other than bob
				return slices.ContainsFunc(mem[g.ID], func(m string) bool { return m != bob })
			}},
			{cmp(store.AttrMemberValue, store.OpPr, nil), func(g store.Group) bool { return len(mem[g.ID]) > 0 }},
			{membersWhere(not(cmp("value", store.OpEq, alice))), func(g store.Group) bool {
				return slices.ContainsFunc(mem[g.ID], func(m string) bool { return m != alice })
			}},
			{membersWhere(or(cmp("value", store.OpEq, alice), cmp("value", store.OpEq, eve))), func(g store.Group) bool {
				return slices.Contains(mem[g.ID], alice) || slices.Contains(mem[g.ID], eve)
			}},
			{membersWhere(and()), func(g store.Group) bool { return len(mem[g.ID]) > 0 }},
			{and(cmp(store.AttrID, store.OpEq, eng.ID), membersWhere(cmp("value", store.OpEq, alice))), func(g store.Group) bool { return g.ID == eng.ID }},
			{and(cmp(store.AttrID, store.OpEq, eng.ID), membersWhere(cmp("value", store.OpEq, eve))), func(store.Group) bool { return false }},
			{and(cmp(store.AttrMemberValue, store.OpEq, alice), cmp(store.AttrManaged, store.OpEq, false)), func(store.Group) bool { return false }},
			{cmp(store.AttrCreated, store.OpGt, c1), func(g store.Group) bool { return g.Created.After(c1) }},
			{cmp(store.AttrCreated, store.OpLe, c1), func(g store.Group) bool { return !g.Created.After(c1) }},
			{cmp(store.AttrLastModified, store.OpGe, gs[1].Modified), func(g store.Group) bool { return !g.Modified.Before(gs[1].Modified) }},
			{or(cmp(store.AttrDisplayName, store.OpEq, "owners"), cmp(store.AttrManaged, store.OpEq, true)), func(store.Group) bool { return true }},
		} {
			var want []string
			for _, g := range gs {
				if tc.want(g) {
					want = append(want, g.ID)
				}
			}
			p, err := s.ListGroups(ctx, acct, store.Query{Filter: tc.filter, Count: 10})
			noErr(t, err, "ListGroups with filter "+describe(tc.filter)+" must succeed")
			if !sameIDs(groupIDs(p.Groups), want) || p.Total != len(want) {
				fail(t, "a group filter selects exactly the groups the rules of store.Compare/And/Or/Not/ValuePath say, in creation order",
					"filter %s: got %q (total %d), want %q", describe(tc.filter), groupIDs(p.Groups), p.Total, want)
			}
		}
	}},
	{"Invalid", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, user("alice@example.com"))
		createGroup(t, s, acct, store.Group{DisplayName: "G"})
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, f := range []store.Filter{
			cmp("noSuchAttribute", store.OpEq, "x"),
			cmp(store.AttrUserName, store.Op("regex"), "x"),
			cmp(store.AttrUserName, store.OpEq, true),
			cmp(store.AttrUserName, store.OpEq, 3),
			cmp(store.AttrActive, store.OpCo, true),
			cmp(store.AttrActive, store.OpGt, true),
			cmp(store.AttrActive, store.OpEq, "true"),
			cmp(store.AttrCreated, store.OpEq, "2026-01-01T00:00:00Z"),
			cmp(store.AttrCreated, store.OpCo, now),
			cmp(store.AttrEmails, store.OpEq, "alice@example.com"),
			cmp(store.AttrEmailPrimary, store.OpSw, true),
			cmp(store.AttrManaged, store.OpEq, true),    // a group attribute
			cmp(store.AttrMemberValue, store.OpEq, "x"), // a group attribute
			store.ValuePath{Attr: "name", Filter: cmp("givenName", store.OpEq, "x")},
			emailsWhere(cmp("display", store.OpEq, "x")),
			emailsWhere(emailsWhere(cmp("value", store.OpEq, "x"))),
			or(cmp(store.AttrUserName, store.OpPr, nil), cmp("noSuchAttribute", store.OpEq, "x")),
			and(cmp(store.AttrUserName, store.OpEq, "nobody"), cmp(store.AttrTitle, store.OpGt, 7)),
			not(cmp(store.AttrActive, store.OpLt, false)),
		} {
			_, err := s.ListUsers(ctx, acct, store.Query{Filter: f, Count: 10})
			isErr(t, err, store.ErrInvalid, "an unsupported user filter ("+describe(f)+") is ErrInvalid, never ignored in part")
		}
		for _, f := range []store.Filter{
			cmp(store.AttrUserName, store.OpEq, "x"), // a user attribute
			cmp(store.AttrActive, store.OpEq, true),  // a user attribute
			cmp(store.AttrManaged, store.OpCo, true),
			cmp(store.AttrManaged, store.OpEq, "yes"),
			cmp(store.AttrMembers, store.OpEq, "x"),
			cmp(store.AttrDisplayName, store.OpEq, false),
			membersWhere(cmp("display", store.OpEq, "x")),
			store.ValuePath{Attr: store.AttrEmails, Filter: cmp("value", store.OpEq, "x")},
			or(cmp(store.AttrDisplayName, store.OpPr, nil), cmp("noSuchAttribute", store.OpEq, "x")),
		} {
			_, err := s.ListGroups(ctx, acct, store.Query{Filter: f, Count: 10})
			isErr(t, err, store.ErrInvalid, "an unsupported group filter ("+describe(f)+") is ErrInvalid, never ignored in part")
		}
	}},
}

func userNames(us []store.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.UserName
	}
	return out
}

// namesOf returns the userNames of the users with the ids, for messages.
func namesOf(us []store.User, ids []string) []string {
	var out []string
	for _, u := range us {
		if slices.Contains(ids, u.ID) {
			out = append(out, u.UserName)
		}
	}
	return out
}
