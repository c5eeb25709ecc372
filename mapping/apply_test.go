package mapping_test

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/mapping/mappingtest"
	"github.com/scimkit/scimkit/store"
)

func mustNew(t testing.TB, table mapping.Table) *mapping.Mapper {
	t.Helper()
	m, err := mapping.New(table)
	noErr(t, err)
	return m
}

// decode parses a JSON resource as the protocol layer does.
func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	noErr(t, dec.Decode(&m))
	return m
}

func problems(t testing.TB, err error) []mapping.FieldError {
	t.Helper()
	var errs *mapping.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v is not a *mapping.Errors", err)
	}
	return errs.Fields
}

func TestToUserReplacesMappedFieldsOnly(t *testing.T) {
	m := mustNew(t, mapping.Okta())
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	before := store.User{
		ID: "u-1", State: store.StateSuspended, Linked: true, Version: 3, Created: created,
		UserName: "old@example.com", ExternalID: "00uold", Locale: "fr-FR", DisplayName: "Old",
		Name:   store.Name{GivenName: "Old", FamilyName: "Name", MiddleName: "kept"},
		Title:  "kept: not mapped by the Okta preset",
		Emails: []store.Email{{Value: "old@example.com", Type: "work", Primary: true}, {Value: "other@example.com", Type: "home"}},
		Extra:  map[string]any{"kept": true},
	}
	u := before.Clone()
	err := m.ToUser(decode(t, `{
		"id": "ignored", "active": false, "password": "x", "groups": [{"value":"g"}],
		"meta": {"version": "W/\"9\""}, "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName": "new@example.com",
		"name": {"familyName": "New"},
		"emails": [{"value": "New@Example.com", "type": "work", "primary": true}],
		"locale": null,
		"nickName": "unmapped"
	}`), &u)
	noErr(t, err)
	want := before.Clone()
	want.UserName = "new@example.com"
	want.ExternalID = ""                  // absent: cleared
	want.Locale = ""                      // null: cleared
	want.Name.GivenName = ""              // absent sub-attribute: cleared
	want.Name.FamilyName = "New"          //
	want.DisplayName = "New"              // absent: composed from what is left
	want.Emails = work("New@Example.com") // the email field owns the list; as sent
	eq(t, want, u)
	eq(t, []store.Email{{Value: "old@example.com", Type: "work", Primary: true}, {Value: "other@example.com", Type: "home"}},
		before.Emails, "the caller's slice")
}

func TestToUserTransforms(t *testing.T) {
	upper := mapping.Func("upper", func(s string) (string, error) { return strings.ToUpper(s), nil })
	calls := 0
	counting := mapping.Func("count", func(s string) (string, error) { calls++; return s, nil })
	costCentre := mapping.Func("costCentre", func(s string) (string, error) {
		if !strings.HasPrefix(s, "CC-") {
			return "", errors.New("is not a cost centre code (want CC-<digits>)")
		}
		return s, nil
	})
	m := mustNew(t, base(
		mapping.Row{SCIM: "userType", Field: mapping.FieldUserType, Required: true,
			Transforms: []mapping.Transform{mapping.Trim(), mapping.Default("Employee")}},
		mapping.Row{SCIM: "title", Field: mapping.FieldTitle, Transforms: []mapping.Transform{mapping.Trim(), upper, counting}},
		mapping.Row{SCIM: ent + "costCenter", Field: mapping.FieldCostCenter, Transforms: []mapping.Transform{costCentre}},
		mapping.Row{SCIM: "displayName", Field: mapping.FieldDisplayName,
			Transforms: []mapping.Transform{mapping.ComposeDisplayName(), mapping.Default("Anonymous")}},
		mapping.Row{SCIM: "name.givenName", Field: mapping.FieldGivenName, Transforms: []mapping.Transform{mapping.Trim()}},
	))
	tests := []struct {
		name   string
		in     string
		want   store.User
		calls  int
		errors []mapping.FieldError
	}{
		{name: "defaults fill absent and blank values; funcs skip empty values",
			in:   `{"userName":"a","userType":"   "}`,
			want: store.User{UserName: "a", UserType: "Employee", DisplayName: "Anonymous"}},
		{name: "transforms run in order; compose uses the trimmed given name written by a later row",
			in:    `{"userName":"a","userType":"Contractor","title":"  lead ","name":{"givenName":" Ann "},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"costCenter":"CC-7"}}`,
			want:  store.User{UserName: "a", UserType: "Contractor", Title: "LEAD", DisplayName: "Ann", Name: store.Name{GivenName: "Ann"}, Enterprise: store.Enterprise{CostCenter: "CC-7"}},
			calls: 1},
		{name: "a func error names the attribute",
			in: `{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"costCenter":"7"}}`,
			errors: []mapping.FieldError{{SCIM: ent + "costCenter", Field: mapping.FieldCostCenter,
				Problem: "is not a cost centre code (want CC-<digits>)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls = 0
			var u store.User
			err := m.ToUser(decode(t, tt.in), &u)
			if tt.errors != nil {
				eq(t, tt.errors, problems(t, err))
				eq(t, store.User{}, u, "user after a failed ToUser")
				return
			}
			noErr(t, err)
			eq(t, tt.want, u)
			eq(t, tt.calls, calls, "func calls")
		})
	}
}

func TestToUserReportsEveryBadValue(t *testing.T) {
	table := oktaWithCustom()
	table.Rows = append(table.Rows, mapping.Row{SCIM: "title", Field: mapping.FieldTitle})
	m := mustNew(t, table)
	before := store.User{ID: "u-1", UserName: "keep@example.com", Emails: work("keep@example.com"), Extra: map[string]any{"vaultTier": "silver"}}
	u := before.Clone()
	err := m.ToUser(decode(t, `{
		"userName": "  ",
		"emails": [{"type": "work", "value": "two@@example.com"}],
		"title": ["a list"],
		"displayName": true,
		"urn:ietf:params:scim:schemas:extension:acme:2.0:User": {
			"isContractor": "maybe", "seatCount": 2.5, "regions": "emea"
		}
	}`), &u)
	acme := "urn:ietf:params:scim:schemas:extension:acme:2.0:User:"
	eq(t, []mapping.FieldError{
		{SCIM: "userName", Field: mapping.FieldUserName, Problem: "is required but missing or empty"},
		{SCIM: mapping.WorkEmail, Field: mapping.FieldEmail, Problem: `"two@@example.com" is not an email address`},
		{SCIM: acme + "isContractor", Field: "extra.isContractor", Problem: `"maybe" is not a boolean (true or false)`},
		{SCIM: acme + "seatCount", Field: "extra.seatCount", Problem: "2.5 is not an integer"},
		{SCIM: acme + "regions", Field: "extra.regions", Problem: `must be a list, not "emea"`},
		{SCIM: "title", Field: mapping.FieldTitle, Problem: "must be a string, not a list"},
		{SCIM: "displayName", Field: mapping.FieldDisplayName, Problem: "must be a string, not the boolean true"},
	}, problems(t, err))
	eq(t, before, u, "user after a failed ToUser")
	if !strings.HasPrefix(err.Error(), `userName: is required but missing or empty; emails[type eq "work"].value: "two@@example.com" is not an email address; `) {
		t.Errorf("summary %q", err)
	}
}

func TestToUserValueShapes(t *testing.T) {
	ext := mapping.Extension{URN: "urn:example:acme:1.0:User", Attributes: []mapping.ExtensionAttribute{
		{Name: "vip", Type: mapping.TypeBoolean},
		{Name: "seats", Type: mapping.TypeInteger},
		{Name: "ratio", Type: mapping.TypeDecimal},
		{Name: "hired", Type: mapping.TypeDateTime},
		{Name: "tags", Type: mapping.TypeString, MultiValued: true},
	}}
	table := base(
		mapping.Row{SCIM: `emails[primary eq true].value`, Field: mapping.FieldEmail},
		mapping.Row{SCIM: `phoneNumbers[type eq "mobile"].value`, Field: "extra.mobile"},
		mapping.Row{SCIM: ent + "manager.value", Field: mapping.FieldManagerID},
		mapping.Row{SCIM: "externalId", Field: mapping.FieldExternalID},
	)
	for _, a := range ext.Attributes {
		table.Rows = append(table.Rows, mapping.Row{SCIM: ext.URN + ":" + a.Name, Field: "extra." + a.Name})
	}
	table.Extensions = []mapping.Extension{ext}
	m := mustNew(t, table)
	tests := []struct {
		name string
		in   map[string]any
		want store.User
		bad  string // the problem expected instead
	}{
		{name: "attribute names in any case; primary as Entra's string; element type kept",
			in: map[string]any{"USERNAME": "a", "Emails": []any{
				map[string]any{"Value": "x@example.com", "Type": "other", "Primary": "False"},
				map[string]any{"Value": "y@example.com", "Type": "home", "Primary": "True"},
			}},
			want: store.User{UserName: "a", Emails: []store.Email{{Value: "y@example.com", Type: "home", Primary: true}}}},
		{name: "a multi-valued attribute sent as one object",
			in:   map[string]any{"userName": "a", "emails": map[string]any{"value": "z@example.com", "primary": true}},
			want: store.User{UserName: "a", Emails: work("z@example.com")}},
		{name: "no element matches the filter",
			in:   map[string]any{"userName": "a", "phoneNumbers": []any{map[string]any{"type": "work", "value": "1"}}},
			want: store.User{UserName: "a"}},
		{name: "filtered element found",
			in:   map[string]any{"userName": "a", "phoneNumbers": []any{"junk", map[string]any{"type": "Mobile", "value": "+32 470"}}},
			want: store.User{UserName: "a", Extra: map[string]any{"mobile": "+32 470"}}},
		{name: "manager as a one-element list (Entra PATCH add)",
			in:   map[string]any{"userName": "a", store.EnterpriseURN: map[string]any{"manager": []any{map[string]any{"value": "m-1"}}}},
			want: store.User{UserName: "a", Enterprise: store.Enterprise{ManagerID: "m-1"}}},
		{name: "numbers for a string attribute keep their text",
			in:   map[string]any{"userName": json.Number("701984"), "externalId": 42},
			want: store.User{UserName: "701984", ExternalID: "42"}},
		{name: "typed extension values in every numeric form",
			in: map[string]any{"userName": "a", ext.URN: map[string]any{
				"vip": "True", "seats": json.Number("12"), "ratio": 0.25, "hired": "2026-01-31T09:00:00Z", "tags": []any{"x", nil, "y"},
			}},
			want: store.User{UserName: "a", Extra: map[string]any{
				"vip": true, "seats": float64(12), "ratio": 0.25, "hired": "2026-01-31T09:00:00Z", "tags": []any{"x", "y"},
			}}},
		{name: "int and zone-less dateTime", in: map[string]any{"userName": "a", ext.URN: map[string]any{"seats": 7, "hired": "2026-01-31T09:00:00"}},
			want: store.User{UserName: "a", Extra: map[string]any{"seats": float64(7), "hired": "2026-01-31T09:00:00"}}},
		{name: "empty list is absent", in: map[string]any{"userName": "a", ext.URN: map[string]any{"tags": []any{}}},
			want: store.User{UserName: "a"}},
		{name: "bad dateTime", in: map[string]any{"userName": "a", ext.URN: map[string]any{"hired": "31/01/2026"}},
			bad: `"31/01/2026" is not a dateTime (RFC 3339, as in 2026-01-31T09:00:00Z)`},
		{name: "bad number", in: map[string]any{"userName": "a", ext.URN: map[string]any{"ratio": "half"}},
			bad: `"half" is not a number`},
		{name: "bad list element", in: map[string]any{"userName": "a", ext.URN: map[string]any{"tags": []any{"x", 1.5}}},
			bad: "must be a string, not 1.5"},
		{name: "extension sent as a string", in: map[string]any{"userName": "a", ext.URN: "junk"},
			want: store.User{UserName: "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u store.User
			err := m.ToUser(tt.in, &u)
			if tt.bad != "" {
				got := problems(t, err)
				if len(got) != 1 || got[0].Problem != tt.bad {
					t.Errorf("problems %v, want one %q", got, tt.bad)
				}
				return
			}
			noErr(t, err)
			eq(t, tt.want, u)
		})
	}
}

func TestToUserEmailCheck(t *testing.T) {
	m := mustNew(t, mapping.Okta())
	for _, tt := range []struct {
		addr string
		ok   bool
	}{
		{"a@example.com", true},
		{"first.last+tag@sub.example.co.uk", true},
		{"ÉLODIE@exemple.fr", true},
		{"not-an-email", false},
		{"@example.com", false},
		{"a@", false},
		{"a@localhost", false},
		{"a@@example.com", false},
		{"a@b@example.com", false},
		{"a b@example.com", false},
		{"a@example..com", false},
		{"a@.example.com", false},
		{"a@example.com.", false},
		{strings.Repeat("a", 250) + "@x.io", false},
	} {
		t.Run(tt.addr, func(t *testing.T) {
			var u store.User
			err := m.ToUser(map[string]any{"userName": "u", "emails": []any{map[string]any{"type": "work", "value": tt.addr}}}, &u)
			if tt.ok {
				noErr(t, err)
				return
			}
			got := problems(t, err)
			if len(got) != 1 || !strings.HasSuffix(got[0].Problem, " is not an email address") {
				t.Errorf("problems %v, want one 'is not an email address'", got)
			}
		})
	}
}

func TestToUserExtraCopyOnWrite(t *testing.T) {
	m := mustNew(t, oktaWithCustom())
	shared := map[string]any{"vaultTier": "silver", "seatCount": float64(1), "host": "own key"}
	u := store.User{Extra: shared}
	noErr(t, m.ToUser(map[string]any{"userName": "a", "emails": []any{map[string]any{"type": "work", "value": "a@x.io"}},
		"urn:ietf:params:scim:schemas:extension:acme:2.0:User": map[string]any{"vaultTier": "Gold"}}, &u))
	eq(t, map[string]any{"vaultTier": "gold", "host": "own key"}, u.Extra)
	eq(t, map[string]any{"vaultTier": "silver", "seatCount": float64(1), "host": "own key"}, shared, "the caller's map")

	u = store.User{Extra: map[string]any{"vaultTier": "silver"}}
	noErr(t, m.ToUser(map[string]any{"userName": "a", "emails": []any{map[string]any{"type": "work", "value": "a@x.io"}}}, &u))
	if u.Extra != nil {
		t.Errorf("Extra = %#v, want nil once the last key is cleared", u.Extra)
	}
}

func TestToSCIMShape(t *testing.T) {
	slug := mapping.Func("slug", func(s string) (string, error) {
		if strings.Contains(s, "!") {
			return "", errors.New("has a bang")
		}
		return strings.ReplaceAll(strings.ToLower(s), " ", "-"), nil
	})
	table := base(
		mapping.Row{SCIM: `emails[primary eq true].value`, Field: mapping.FieldEmail},
		mapping.Row{SCIM: `emails[primary eq true].display`, Field: mapping.FieldDisplayName},
		mapping.Row{SCIM: `phoneNumbers[type eq "work"].value`, Field: "extra.phone"},
		mapping.Row{SCIM: "nickName", Field: mapping.FieldTitle, Direction: mapping.Out, Transforms: []mapping.Transform{slug}},
		mapping.Row{SCIM: "displayName", Field: mapping.FieldNickName, Direction: mapping.Out,
			Transforms: []mapping.Transform{mapping.ComposeDisplayName()}},
		mapping.Row{SCIM: "title", Field: mapping.FieldTitle, Direction: mapping.In},
		mapping.Row{SCIM: "userType", Field: "extra.kind"},
	)
	m := mustNew(t, table)
	u := store.User{
		ID: "id-1", State: store.StateActive, Version: 2,
		UserName: "a", Title: "Head Of Things",
		Name:   store.Name{GivenName: "Ann", FamilyName: "Lee"},
		Emails: []store.Email{{Value: "b@x.io", Type: "home"}, {Value: "a@x.io", Type: "other", Primary: true}},
		Extra:  map[string]any{"phone": "+32 2", "kind": 42},
	}
	eq(t, map[string]any{
		"userName":     "a",
		"emails":       []any{map[string]any{"primary": true, "value": "a@x.io", "type": "other"}},
		"phoneNumbers": []any{map[string]any{"type": "work", "value": "+32 2"}},
		"nickName":     "head-of-things",
		"displayName":  "Ann Lee",
	}, m.ToSCIM(u))

	u.Title = "Boss!"
	u.DisplayName = "Shown"
	u.Name = store.Name{}
	u.Emails = nil
	eq(t, map[string]any{
		"userName":     "a",
		"phoneNumbers": []any{map[string]any{"type": "work", "value": "+32 2"}},
		// the display row alone creates the element; the email row, empty, adds nothing
		"emails": []any{map[string]any{"primary": true, "display": "Shown"}},
	}, m.ToSCIM(u))

	eq(t, map[string]any{}, m.ToSCIM(store.User{}), "an empty user")
}

func TestToSCIMExtraValues(t *testing.T) {
	m := mustNew(t, oktaWithCustom())
	u := store.User{UserName: "a", Extra: map[string]any{
		"vaultTier": "gold", "isContractor": false, "seatCount": 3, "regions": []any{"emea"},
	}}
	eq(t, map[string]any{
		"userName": "a",
		"urn:ietf:params:scim:schemas:extension:acme:2.0:User": map[string]any{
			"vaultTier": "gold", "isContractor": false, "seatCount": float64(3), "regions": []any{"emea"},
		},
	}, m.ToSCIM(u))
	u.Extra = map[string]any{"vaultTier": 7, "isContractor": "no", "seatCount": 1.5, "regions": "emea"}
	eq(t, map[string]any{"userName": "a"}, m.ToSCIM(u), "wrong types are omitted")
	mappingtest.AssertRoundTrip(t, m, store.User{UserName: "a", Emails: work("a@x.io"), DisplayName: "a",
		Extra: map[string]any{"vaultTier": "gold", "isContractor": true, "seatCount": float64(3), "regions": []any{"emea", "apac"}}})
}

// A Mapper is shared by every request; run it from many goroutines under
// the race detector.
func TestMapperConcurrentUse(t *testing.T) {
	m := mustNew(t, oktaWithCustom())
	in := decode(t, `{"userName":"c@x.io","name":{"givenName":"C"},"emails":[{"type":"work","value":"C@x.io"}],
		"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"vaultTier":"Gold","regions":["emea"]}}`)
	shared := store.User{Extra: map[string]any{"vaultTier": "x"}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				u := shared
				if err := m.ToUser(in, &u); err != nil {
					t.Error(err)
					return
				}
				out := m.ToSCIM(u)
				var back store.User
				if err := m.ToUser(out, &back); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	eq(t, map[string]any{"vaultTier": "x"}, shared.Extra)
}

func TestErrorsUnwrap(t *testing.T) {
	m := mustNew(t, mapping.Okta())
	var u store.User
	err := m.ToUser(map[string]any{"userName": "a"}, &u)
	var fe mapping.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("errors.As(%v, FieldError) failed", err)
	}
	eq(t, mapping.FieldError{SCIM: mapping.WorkEmail, Field: mapping.FieldEmail, Problem: "is required but missing or empty"}, fe)
	eq(t, "invalid attributes", (&mapping.Errors{}).Error())
}

func TestFilteredPathPrefersThePrimaryElement(t *testing.T) {
	m, err := mapping.New(mapping.Okta())
	if err != nil {
		t.Fatal(err)
	}
	var u store.User
	err = m.ToUser(map[string]any{
		"userName": "w@example.com",
		"emails": []any{
			map[string]any{"value": "w1@example.com", "type": "work"},
			map[string]any{"value": "w2@example.com", "type": "work", "primary": true},
		},
	}, &u)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.PrimaryEmail(); got != "w2@example.com" {
		t.Fatalf("email = %q, want the work email marked primary (w2@example.com)", got)
	}
}

// TestEmailFallbacks: when no element matches the email row's filter, the
// member's email is the primary email, else the first, else an
// email-shaped userName.
func TestEmailFallbacks(t *testing.T) {
	tests := []struct {
		name   string
		attrs  map[string]any
		want   string
		wantTy string
	}{
		{"untyped primary", map[string]any{"userName": "u", "emails": []any{
			map[string]any{"value": "a@example.com"}, map[string]any{"value": "b@example.com", "primary": true}}}, "b@example.com", "work"},
		{"only a home email", map[string]any{"userName": "u", "emails": []any{
			map[string]any{"value": "h@example.com", "type": "home"}}}, "h@example.com", "home"},
		{"no emails, email-shaped userName", map[string]any{"userName": "Erin@Example.com"}, "Erin@Example.com", "work"},
		{"work email wins over primary home", map[string]any{"userName": "u", "emails": []any{
			map[string]any{"value": "h@example.com", "type": "home", "primary": true}, map[string]any{"value": "w@example.com", "type": "work"}}}, "w@example.com", "work"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, table := range []mapping.Table{mapping.Okta(), mapping.Entra()} {
				m, err := mapping.New(table)
				if err != nil {
					t.Fatal(err)
				}
				var u store.User
				if err := m.ToUser(tt.attrs, &u); err != nil {
					t.Fatal(err)
				}
				if len(u.Emails) != 1 || u.Emails[0].Value != tt.want || u.Emails[0].Type != tt.wantTy {
					t.Fatalf("emails = %+v, want %s (%s)", u.Emails, tt.want, tt.wantTy)
				}
				var back store.User
				if err := m.ToUser(m.ToSCIM(u), &back); err != nil || back.PrimaryEmail() != tt.want {
					t.Fatalf("round trip: %v, %+v", err, back.Emails)
				}
			}
		})
	}
}

func TestOktaCreateWithoutEmailsUsesTheUserName(t *testing.T) {
	m, err := mapping.New(mapping.Okta())
	if err != nil {
		t.Fatal(err)
	}
	attrs := mappingtest.Load(t, filepath.Join("..", "testdata", "okta", "users", "create_user_no_email.json"))
	var u store.User
	if err := m.ToUser(attrs, &u); err != nil {
		t.Fatal(err)
	}
	if got := u.PrimaryEmail(); got != "erin@example.com" {
		t.Fatalf("email = %q, want the email-shaped userName", got)
	}
}
