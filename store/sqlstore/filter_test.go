package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// The filter tests hold sqlstore to memstore's results: the same records
// in both stores, the same filters, the same answers (or both an error
// matching store.ErrInvalid). The records are chosen to trip SQL: LIKE and
// GLOB wildcards, backslashes, non-ASCII case folding, empty strings,
// users without emails, suspended users.

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func fixtureUsers() []store.User {
	return []store.User{
		{UserName: "Ann@Acme.com", DisplayName: "Ann Lee", ExternalID: "00u1", State: store.StateActive,
			Name:  store.Name{GivenName: "Ann", FamilyName: "Lee", Formatted: "Ann Lee"},
			Title: "Engineer", Locale: "en-US", Timezone: "Europe/Brussels", UserType: "Employee",
			Enterprise: store.Enterprise{EmployeeNumber: "E1", Department: "R&D", CostCenter: "CC-1", ManagerID: "m1"},
			Emails:     []store.Email{{Value: "ann@acme.com", Type: "work", Primary: true}, {Value: "ANN@home.example", Type: "home"}}},
		{UserName: "bob@acme.com", DisplayName: "Bob_Smith", ExternalID: "00u2", State: store.StateInvited,
			Name:  store.Name{GivenName: "Bob", FamilyName: "Smith"},
			Title: "50% off", NickName: "bobby",
			Emails: []store.Email{{Value: "bob@acme.com", Type: "Work"}}},
		{UserName: "carl%_@acme.com", DisplayName: "Carl %", ExternalID: "x_y", State: store.StateSuspended,
			Title: `a\_b`, Enterprise: store.Enterprise{Department: "r&d", Division: "North"},
			Emails: []store.Email{{Value: "carl%_@acme.com", Type: "WORK", Primary: true}}},
		{UserName: "dora*?[x]@acme.com", DisplayName: "d*?[]", State: store.StateActive,
			Title: "[*]", PreferredLanguage: "nl",
			Emails: []store.Email{{Value: "dora*?[x]@acme.com"}, {Value: "", Type: "other"}}},
		{UserName: "ÄRGER@acme.com", DisplayName: "Ärger", State: store.StateActive,
			Title: "Straße", Name: store.Name{GivenName: "Ärne", MiddleName: "Ö"},
			Emails: []store.Email{{Value: "ärger@acme.com", Type: "work", Primary: true}}},
		{UserName: "İstanbul@acme.com", DisplayName: "İzmir", State: store.StateInvited,
			Title: "STRASSE", Enterprise: store.Enterprise{Organization: "ΣΊΣΥΦΟΣ"}},
		{UserName: "σίσυφος", DisplayName: "Σίσυφος", State: store.StateActive, ExternalID: "00U1",
			Enterprise: store.Enterprise{Organization: "σίσυφος"}},
		{UserName: "zed", State: store.StateSuspended},
		{UserName: `back\slash`, DisplayName: `\`, State: store.StateActive, Title: `\\`,
			Emails: []store.Email{{Value: `back\slash@acme.com`, Type: "work"}}},
		{UserName: "ann.lee2@acme.com", DisplayName: "ann lee", State: store.StateInvited, Locale: "EN-us",
			Emails: []store.Email{{Value: "Ann.Lee2@Acme.com", Type: "home", Primary: true}}},
	}
}

var fixtureGroups = []struct {
	g       store.Group
	members []int // indexes into fixtureUsers
}{
	{store.Group{DisplayName: "Engineering", ExternalID: "g1", Managed: true}, []int{0, 1, 2}},
	{store.Group{DisplayName: "engineering_ops", Managed: false}, []int{2}},
	{store.Group{DisplayName: "Ärzte%", ExternalID: "G1", Managed: true}, nil},
	{store.Group{DisplayName: "Owners", Privileged: true}, []int{0, 9}},
}

// fixture fills s (a fresh store whose clock reads *now) and returns the
// account id and the ids of the users, by fixture index.
func fixture(t *testing.T, s store.Store, now *time.Time) (string, []string) {
	t.Helper()
	ctx := context.Background()
	*now = t0
	_, err := s.CreateAccount(ctx, store.Account{ID: "acme"})
	require.NoError(t, err)
	var ids []string
	for i, u := range fixtureUsers() {
		*now = t0.Add(time.Duration(i)*time.Hour + time.Duration(i)*123*time.Nanosecond)
		u, err := s.CreateUser(ctx, "acme", u)
		require.NoError(t, err, "fixture user %d", i)
		ids = append(ids, u.ID)
	}
	for i, fg := range fixtureGroups {
		*now = t0.Add(time.Duration(i) * time.Minute)
		var members []string
		for _, m := range fg.members {
			members = append(members, ids[m])
		}
		_, err := s.CreateGroup(ctx, "acme", fg.g, members)
		require.NoError(t, err, "fixture group %d", i)
	}
	return "acme", ids
}

// twins returns memstore and sqlstore (on dsn), filled with the fixture,
// and the ids of the fixture users in each.
func twins(t *testing.T, dsn string) (mem, sql store.Store, memIDs, sqlIDs []string) {
	var memNow, sqlNow time.Time
	seq := 0
	newID := func() string { seq++; return fmt.Sprintf("id-%03d", seq) }
	mem = memstore.New(memstore.WithClock(func() time.Time { return memNow }), memstore.WithIDs(newID))
	_, memIDs = fixture(t, mem, &memNow)
	seq2 := 0
	sql = open(t, dsn, sqlstore.WithClock(func() time.Time { return sqlNow }),
		sqlstore.WithIDGenerator(func() string { seq2++; return fmt.Sprintf("id-%03d", seq2) }))
	_, sqlIDs = fixture(t, sql, &sqlNow)
	require.Equal(t, memIDs, sqlIDs, "both stores name the fixture alike")
	return mem, sql, memIDs, sqlIDs
}

// answer is what a listing returned, comparable across stores: every
// match, and the second page of two (which exercises the counting of
// totals when a page is full or empty).
type answer struct {
	Names, Page2      []string
	Total, Page2Total int
	Invalid           bool
}

func userAnswer(t *testing.T, s store.Store, f store.Filter) answer {
	t.Helper()
	var a answer
	for _, q := range []store.Query{{Filter: f, Count: 1000}, {Filter: f, StartIndex: 3, Count: 2}} {
		page, err := s.ListUsers(context.Background(), "acme", q)
		if err != nil {
			require.ErrorIs(t, err, store.ErrInvalid, "the only error a filter may cause is ErrInvalid")
			return answer{Invalid: true}
		}
		var names []string
		for _, u := range page.Users {
			names = append(names, u.UserName)
		}
		if q.StartIndex == 0 {
			a.Names, a.Total = names, page.Total
		} else {
			a.Page2, a.Page2Total = names, page.Total
		}
	}
	return a
}

func groupAnswer(t *testing.T, s store.Store, f store.Filter) answer {
	t.Helper()
	var a answer
	for _, q := range []store.Query{{Filter: f, Count: 1000}, {Filter: f, StartIndex: 3, Count: 2}} {
		page, err := s.ListGroups(context.Background(), "acme", q)
		if err != nil {
			require.ErrorIs(t, err, store.ErrInvalid, "the only error a filter may cause is ErrInvalid")
			return answer{Invalid: true}
		}
		var names []string
		for _, g := range page.Groups {
			names = append(names, g.DisplayName)
		}
		if q.StartIndex == 0 {
			a.Names, a.Total = names, page.Total
		} else {
			a.Page2, a.Page2Total = names, page.Total
		}
	}
	return a
}

// c builds a comparison.
func c(attr string, op store.Op, v any) store.Compare {
	return store.Compare{Attr: attr, Op: op, Value: v}
}

func TestFiltersMatchMemstore(t *testing.T) {
	userFilters := []store.Filter{
		c(store.AttrUserName, store.OpEq, "ann@acme.com"),
		c(store.AttrUserName, store.OpEq, "ANN@ACME.COM"),
		c(store.AttrUserName, store.OpCo, "%"),
		c(store.AttrUserName, store.OpCo, "_"),
		c(store.AttrUserName, store.OpCo, "*?["),
		c(store.AttrUserName, store.OpCo, "[x]"),
		c(store.AttrUserName, store.OpCo, `\`),
		c(store.AttrUserName, store.OpSw, "ä"),
		c(store.AttrUserName, store.OpSw, "i̇"),
		c(store.AttrUserName, store.OpEw, "ος"),
		c(store.AttrUserName, store.OpGt, "m"),
		c(store.AttrUserName, store.OpLt, "ä"),
		c(store.AttrUserName, store.OpGe, "zed"),
		c(store.AttrUserName, store.OpLe, "carl%_@acme.com"),
		c(store.AttrDisplayName, store.OpEq, "ann lee"),
		c(store.AttrDisplayName, store.OpPr, nil),
		c(store.AttrDisplayName, store.OpCo, "_"),
		c(store.AttrTitle, store.OpCo, `\_`),
		c(store.AttrTitle, store.OpEq, `\\`),
		c(store.AttrTitle, store.OpEq, "straße"),
		c(store.AttrTitle, store.OpEq, "strasse"),
		c(store.AttrTitle, store.OpCo, "%"),
		c(store.AttrTitle, store.OpSw, "["),
		c(store.AttrExternalID, store.OpEq, "00u1"),
		c(store.AttrExternalID, store.OpEq, "00U1"),
		c(store.AttrExternalID, store.OpNe, "x"),
		c(store.AttrExternalID, store.OpEq, ""),
		c(store.AttrExternalID, store.OpPr, nil),
		c(store.AttrExternalID, store.OpSw, "00"),
		c(store.AttrEmployeeNumber, store.OpEq, "e1"),
		c(store.AttrDepartment, store.OpEq, "R&D"),
		c(store.AttrOrganization, store.OpEq, "σίσυφοσ"),
		c(store.AttrManagerID, store.OpEq, "m1"),
		c(store.AttrLocale, store.OpEq, "en-us"),
		c(store.AttrActive, store.OpEq, true),
		c(store.AttrActive, store.OpEq, false),
		c(store.AttrActive, store.OpNe, true),
		c(store.AttrActive, store.OpPr, nil),
		c(store.AttrState, store.OpEq, "invited"),
		c(store.AttrState, store.OpEq, store.StateSuspended),
		c(store.AttrEmails, store.OpPr, nil),
		c(store.AttrEmailValue, store.OpEq, "ANN@acme.com"),
		c(store.AttrEmailValue, store.OpNe, "ann@acme.com"),
		c(store.AttrEmailValue, store.OpPr, nil),
		c(store.AttrEmailValue, store.OpEw, "@home.example"),
		c(store.AttrEmailType, store.OpEq, "work"),
		c(store.AttrEmailPrimary, store.OpEq, true),
		c(store.AttrEmailPrimary, store.OpNe, true),
		c(store.AttrEmailPrimary, store.OpPr, nil),
		store.ValuePath{Attr: store.AttrEmails, Filter: store.And{Filters: []store.Filter{
			c("type", store.OpEq, "work"), c("value", store.OpEq, "ann@acme.com")}}},
		store.ValuePath{Attr: store.AttrEmails, Filter: store.And{Filters: []store.Filter{
			c("type", store.OpEq, "home"), c("value", store.OpEq, "ann@acme.com")}}},
		store.ValuePath{Attr: store.AttrEmails, Filter: store.Not{Filter: c("primary", store.OpEq, true)}},
		store.ValuePath{Attr: store.AttrEmails, Filter: store.Or{Filters: []store.Filter{
			c("type", store.OpPr, nil), c("value", store.OpEq, "")}}},
		store.Not{Filter: c(store.AttrEmailValue, store.OpCo, "acme")},
		store.Not{Filter: c(store.AttrExternalID, store.OpPr, nil)},
		store.And{},
		store.Or{},
		store.Not{Filter: store.Or{}},
		store.And{Filters: []store.Filter{c(store.AttrActive, store.OpEq, true), store.Or{Filters: []store.Filter{
			c(store.AttrTitle, store.OpPr, nil), c(store.AttrEmails, store.OpPr, nil)}}}},
		&store.Compare{Attr: store.AttrUserName, Op: store.OpEq, Value: "zed"},
		&store.And{Filters: []store.Filter{&store.Not{Filter: &store.Compare{Attr: store.AttrUserName, Op: store.OpEq, Value: "zed"}}}},
		c(store.AttrCreated, store.OpEq, t0.Add(2*time.Hour+246*time.Nanosecond)),
		c(store.AttrCreated, store.OpGt, t0.Add(2*time.Hour+246*time.Nanosecond)),
		c(store.AttrCreated, store.OpGe, t0.Add(2*time.Hour+246*time.Nanosecond)),
		c(store.AttrCreated, store.OpLt, t0.Add(2*time.Hour+245*time.Nanosecond)),
		c(store.AttrCreated, store.OpLe, t0.Add(2*time.Hour).In(time.FixedZone("x", 3600))),
		c(store.AttrLastModified, store.OpNe, t0),
		c(store.AttrCreated, store.OpGt, time.Time{}),
		c(store.AttrCreated, store.OpPr, nil),
		// Invalid: every store must refuse these.
		c("nosuch", store.OpEq, "x"),
		c(store.AttrUserName, store.OpEq, 1),
		c(store.AttrUserName, store.OpEq, true),
		c(store.AttrUserName, "xx", "x"),
		c(store.AttrActive, store.OpGt, true),
		c(store.AttrActive, store.OpEq, "true"),
		c(store.AttrCreated, store.OpCo, t0),
		c(store.AttrCreated, store.OpEq, "2026"),
		c(store.AttrEmails, store.OpEq, "x"),
		c("emails.nosuch", store.OpEq, "x"),
		c(store.AttrMembers, store.OpPr, nil),
		store.ValuePath{Attr: "name", Filter: c("givenName", store.OpEq, "x")},
		store.ValuePath{Attr: store.AttrEmails, Filter: c("emails.value", store.OpEq, "x")},
		store.ValuePath{Attr: store.AttrEmails, Filter: store.ValuePath{Attr: store.AttrEmails, Filter: c("value", store.OpPr, nil)}},
		store.And{Filters: []store.Filter{nil}},
		store.Not{},
	}
	groupFilters := []store.Filter{
		c(store.AttrDisplayName, store.OpEq, "ENGINEERING"),
		c(store.AttrDisplayName, store.OpSw, "engineering_"),
		c(store.AttrDisplayName, store.OpCo, "%"),
		c(store.AttrDisplayName, store.OpSw, "ä"),
		c(store.AttrExternalID, store.OpEq, "G1"),
		c(store.AttrExternalID, store.OpPr, nil),
		c(store.AttrManaged, store.OpEq, true),
		c(store.AttrManaged, store.OpNe, true),
		c(store.AttrMembers, store.OpPr, nil),
		store.Not{Filter: c(store.AttrMembers, store.OpPr, nil)},
		c(store.AttrCreated, store.OpGe, t0.Add(2*time.Minute)),
		c(store.AttrID, store.OpSw, "id-"),
		// Invalid.
		c(store.AttrUserName, store.OpEq, "x"),
		c(store.AttrActive, store.OpEq, true),
		c(store.AttrEmails, store.OpPr, nil),
		c(store.AttrManaged, store.OpEq, "yes"),
		store.ValuePath{Attr: store.AttrMembers, Filter: c("display", store.OpEq, "x")},
	}
	eachDatabase(t, func(t *testing.T, dsn string) {
		mem, sql, _, ids := twins(t, dsn)
		memberFilters := []store.Filter{
			c(store.AttrMemberValue, store.OpEq, ids[2]),
			c(store.AttrMemberValue, store.OpNe, ids[2]),
			store.ValuePath{Attr: store.AttrMembers, Filter: c("value", store.OpEq, ids[9])},
			store.And{Filters: []store.Filter{c(store.AttrID, store.OpPr, nil),
				store.ValuePath{Attr: store.AttrMembers, Filter: store.Or{Filters: []store.Filter{
					c("value", store.OpEq, ids[1]), c("value", store.OpEq, ids[9])}}}}},
			c(store.AttrMemberValue, store.OpEq, "nobody"),
		}
		for i, f := range userFilters {
			want := userAnswer(t, mem, f)
			require.Equal(t, want, userAnswer(t, sql, f), "user filter %d: %#v", i, f)
		}
		for i, f := range append(groupFilters, memberFilters...) {
			want := groupAnswer(t, mem, f)
			require.Equal(t, want, groupAnswer(t, sql, f), "group filter %d: %#v", i, f)
		}
	})
}

// TestRandomFiltersMatchMemstore compares the stores on many generated
// filters (a fixed seed, so a failure reproduces).
func TestRandomFiltersMatchMemstore(t *testing.T) {
	strAttrs := []string{store.AttrUserName, store.AttrDisplayName, store.AttrTitle, store.AttrExternalID,
		store.AttrGivenName, store.AttrFamilyName, store.AttrMiddleName, store.AttrNickName, store.AttrLocale,
		store.AttrPreferredLanguage, store.AttrOrganization, store.AttrDepartment, store.AttrDivision,
		store.AttrEmployeeNumber, store.AttrState, store.AttrEmailValue, store.AttrEmailType}
	values := []any{"", "a", "A", "ann", "ANN@ACME.COM", "acme", ".com", "%", "_", "*", "?", "[", `\`, "50%",
		"ä", "Ä", "straße", "STRASSE", "i̇", "σ", "ς", "work", "Work", "home", "00u", "00u1", "x_y", "zed", "m",
		"invited", "suspended", "r&d", "ärger", "[x]", true, false, 3, t0.Add(3 * time.Hour)}
	ops := []store.Op{store.OpEq, store.OpNe, store.OpCo, store.OpSw, store.OpEw, store.OpPr,
		store.OpGt, store.OpGe, store.OpLt, store.OpLe}
	subAttrs := []string{"value", "type", "primary"}

	eachDatabase(t, func(t *testing.T, dsn string) {
		mem, sql, _, _ := twins(t, dsn)
		rng := rand.New(rand.NewPCG(1, 2))
		pick := func(n int) int { return rng.IntN(n) }
		var gen func(depth int, sub bool) store.Filter
		gen = func(depth int, sub bool) store.Filter {
			switch k := pick(10); {
			case depth > 0 && k == 0:
				return store.Not{Filter: gen(depth-1, sub)}
			case depth > 0 && k <= 2:
				fs := make([]store.Filter, pick(3)+1)
				for i := range fs {
					fs[i] = gen(depth-1, sub)
				}
				if k == 1 {
					return store.And{Filters: fs}
				}
				return store.Or{Filters: fs}
			case !sub && depth > 0 && k == 3:
				return store.ValuePath{Attr: store.AttrEmails, Filter: gen(depth-1, true)}
			case !sub && k == 4:
				return c([]string{store.AttrActive, store.AttrEmailPrimary}[pick(2)], ops[pick(len(ops))],
					[]any{true, false, "x"}[pick(3)])
			case !sub && k == 5:
				return c([]string{store.AttrCreated, store.AttrLastModified}[pick(2)], ops[pick(len(ops))],
					t0.Add(time.Duration(pick(12))*time.Hour+time.Duration(pick(5)*123)))
			case sub:
				a := subAttrs[pick(len(subAttrs))]
				v := values[pick(len(values))]
				if a == "primary" {
					v = []any{true, false}[pick(2)]
				}
				return c(a, ops[pick(len(ops))], v)
			default:
				return c(strAttrs[pick(len(strAttrs))], ops[pick(len(ops))], values[pick(len(values))])
			}
		}
		matched := 0
		for i := range 600 {
			f := gen(3, false)
			want := userAnswer(t, mem, f)
			got := userAnswer(t, sql, f)
			require.Equal(t, want, got, "random filter %d: %#v", i, f)
			if len(want.Names) > 0 {
				matched++
			}
		}
		// The generator must produce filters that select something, or the
		// comparison proves little.
		require.Greater(t, matched, 150)
	})
}
