package mapping_test

import (
	"path/filepath"
	"testing"

	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/mapping/mappingtest"
	"github.com/scimkit/scimkit/store"
)

func oktaFile(name string) string  { return filepath.Join("..", "testdata", "okta", "users", name) }
func entraFile(name string) string { return filepath.Join("..", "testdata", "entra", "users", name) }

func work(addr string) []store.Email {
	return []store.Email{{Value: addr, Type: "work", Primary: true}}
}

// acmeExtension is the custom schema an Okta admin's custom attributes are
// declared in (Okta sends them under this URN when the attribute's
// external namespace is set to it).
func acmeExtension() mapping.Extension {
	return mapping.Extension{
		URN:         "urn:ietf:params:scim:schemas:extension:acme:2.0:User",
		Name:        "AcmeUser",
		Description: "Acme custom attributes",
		Attributes: []mapping.ExtensionAttribute{
			{Name: "vaultTier", Type: mapping.TypeString},
			{Name: "isContractor", Type: mapping.TypeBoolean},
			{Name: "seatCount", Type: mapping.TypeInteger},
			{Name: "regions", Type: mapping.TypeString, MultiValued: true},
		},
	}
}

func oktaWithCustom() mapping.Table {
	t := mapping.Okta()
	ext := acmeExtension()
	t.Extensions = append(t.Extensions, ext)
	for _, a := range ext.Attributes {
		r := mapping.Row{SCIM: ext.URN + ":" + a.Name, Field: mapping.ExtraField(a.Name)}
		if a.Type == mapping.TypeString && !a.MultiValued {
			r.Transforms = []mapping.Transform{mapping.Trim(), mapping.Lower()}
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

func TestOktaPreset(t *testing.T) {
	tests := []struct {
		name  string
		table mapping.Table
		file  string
		want  store.User
	}{{
		name:  "create: the payload of Okta's own documentation",
		table: mapping.Okta(),
		file:  "create_user.json",
		want: store.User{
			UserName:    "Test.User@example.com", // kept as sent: Okta compares it
			ExternalID:  "00ujl29u0le5T6Aj10h7",
			Name:        store.Name{GivenName: "Test", FamilyName: "User"},
			DisplayName: "Test User",
			Locale:      "en-US",
			Emails:      work("Test.User@example.com"), // as sent, compared case-insensitively
		},
	}, {
		name:  "upper-case and padded email is trimmed and kept as sent, as is userName",
		table: mapping.Okta(),
		file:  "create_user_uppercase_email.json",
		want: store.User{
			UserName:    "ALICE.Smith@Example.COM",
			ExternalID:  "00u1a2b3c4d5e6f7g8h9",
			Name:        store.Name{GivenName: "Alice", FamilyName: "Smith"},
			DisplayName: "Alice Smith",
			Locale:      "en-GB",
			Emails:      work("ALICE.Smith@Example.COM"),
		},
	}, {
		name:  "missing displayName is composed from the trimmed given and family name",
		table: mapping.Okta(),
		file:  "create_user_no_displayname.json",
		want: store.User{
			UserName:    "bob.jones@example.com",
			ExternalID:  "00u9z8y7x6w5v4u3t2s1",
			Name:        store.Name{GivenName: "Bob", FamilyName: "Jones"},
			DisplayName: "Bob Jones",
			Locale:      "en-US",
			Emails:      work("bob.jones@example.com"),
		},
	}, {
		name:  "custom attributes declared in an extension land in Extra, typed",
		table: oktaWithCustom(),
		file:  "create_user_custom_attrs.json",
		want: store.User{
			UserName:    "carol.white@example.com",
			ExternalID:  "00uc0ffee0c0ffee0c0f",
			Name:        store.Name{GivenName: "Carol", FamilyName: "White"},
			DisplayName: "Carol White",
			Locale:      "nl-BE",
			Emails:      work("carol.white@example.com"),
			Extra: map[string]any{
				"vaultTier":    "gold",
				"isContractor": true,
				"seatCount":    float64(3),
				"regions":      []any{"emea", "apac"},
			},
		},
	}, {
		name:  "custom attributes without a declared extension are ignored",
		table: mapping.Okta(),
		file:  "create_user_custom_attrs.json",
		want: store.User{
			UserName:    "carol.white@example.com",
			ExternalID:  "00uc0ffee0c0ffee0c0f",
			Name:        store.Name{GivenName: "Carol", FamilyName: "White"},
			DisplayName: "Carol White",
			Locale:      "nl-BE",
			Emails:      work("carol.white@example.com"),
		},
	}, {
		name:  "PUT of a GET body: id, meta, groups, active ignored; absent locale cleared",
		table: mapping.Okta(),
		file:  "put_user.json",
		want: store.User{
			UserName:    "Test.User@example.com",
			ExternalID:  "00ujl29u0le5T6Aj10h7",
			Name:        store.Name{GivenName: "Testy", FamilyName: "User"},
			DisplayName: "Testy User",
			Emails:      work("test.user@example.com"),
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mappingtest.New(t, tt.table)
			got := mappingtest.AssertUser(t, m, oktaFile(tt.file), tt.want)
			mappingtest.AssertRoundTrip(t, m, got)
		})
	}
}

func TestEntraPreset(t *testing.T) {
	tests := []struct {
		name string
		file string
		want store.User
	}{{
		name: "create with enterprise extension, nulls and active \"True\"",
		file: "create_user.json",
		want: store.User{
			UserName:          "Jane.Smith@contoso.example",
			ExternalID:        "jsmith",
			Name:              store.Name{GivenName: "Jane", FamilyName: "Smith", Formatted: "Jane Smith"},
			DisplayName:       "Jane Smith",
			Title:             "Tour Guide",
			PreferredLanguage: "en-US",
			Emails:            work("Jane.Smith@Contoso.example"),
			Enterprise: store.Enterprise{
				EmployeeNumber: "701984",
				Department:     "Tour Operations",
				ManagerID:      "b3d5e7a9-2c4f-4e6a-8b1d-0f2e4c6a8b0d",
			},
		},
	}, {
		name: "minimal create of Microsoft's reference tests",
		file: "create_user_minimal.json",
		want: store.User{
			UserName:    "Test_User_ab6490ee@contoso.example",
			ExternalID:  "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
			Name:        store.Name{GivenName: "givenName", FamilyName: "familyName", Formatted: "givenName familyName"},
			DisplayName: "givenName familyName",
			Emails:      work("Test_User_fd0ea19b@contoso.example"),
		},
	}, {
		name: "nulls everywhere: cleared, displayName composed, primary \"True\"",
		file: "create_user_nulls.json",
		want: store.User{
			UserName:    "max.null@contoso.example",
			ExternalID:  "mnull",
			Name:        store.Name{GivenName: "Max", FamilyName: "Null"},
			DisplayName: "Max Null",
			Emails:      work("MAX.NULL@CONTOSO.EXAMPLE"),
		},
	}, {
		name: "manager sent as a bare id, all enterprise fields, a second email",
		file: "create_user_manager_string.json",
		want: store.User{
			UserName:    "kim.wong@contoso.example",
			ExternalID:  "kwong",
			Name:        store.Name{GivenName: "Kim", FamilyName: "Wong"},
			DisplayName: "Kim Wong",
			Emails:      work("kim.wong@contoso.example"),
			Enterprise: store.Enterprise{
				EmployeeNumber: "100009",
				Department:     "Human Resources US",
				CostCenter:     "CC-42",
				Organization:   "Contoso",
				Division:       "People",
				ManagerID:      "26118915-6090-4610-87a4-9d5e4a2a4e5f",
			},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mappingtest.New(t, mapping.Entra())
			got := mappingtest.AssertUser(t, m, entraFile(tt.file), tt.want)
			mappingtest.AssertRoundTrip(t, m, got)
		})
	}
}

func TestPresetsRejectBadPayloads(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		want    []string
		problem string
	}{
		{"email that is not an email", oktaFile("create_user_bad_email.json"),
			[]string{mapping.WorkEmail}, `emails[type eq "work"].value: "not-an-email" is not an email address`},
		{"no email at all, and a userName that is not one", oktaFile("create_user_no_email_plain_username.json"),
			[]string{mapping.WorkEmail}, `emails[type eq "work"].value: is required but missing or empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, table := range []mapping.Table{mapping.Okta(), mapping.Entra()} {
				m := mappingtest.New(t, table)
				errs := mappingtest.AssertInvalid(t, m, tt.file, tt.want...)
				if errs == nil {
					return
				}
				eq(t, tt.problem, errs.Error())
				eq(t, mapping.FieldEmail, errs.Fields[0].Field)
			}
		})
	}
}

// The full set of Entra fields survives ToSCIM then ToUser, including
// through JSON, which is what PATCH relies on.
func TestEntraRoundTripAllFields(t *testing.T) {
	m := mappingtest.New(t, mapping.Entra())
	u := store.User{
		ID:                "id-1",
		State:             store.StateInvited,
		Linked:            true,
		Version:           7,
		UserName:          "Full.Entra@contoso.example",
		ExternalID:        "fentra",
		Name:              store.Name{GivenName: "Full", FamilyName: "Entra", Formatted: "Full Entra"},
		DisplayName:       "Full Entra",
		Title:             "Engineer",
		PreferredLanguage: "nl-BE",
		Emails:            work("full.entra@contoso.example"),
		Enterprise: store.Enterprise{
			EmployeeNumber: "42", CostCenter: "CC-1", Organization: "Contoso",
			Division: "R&D", Department: "Platform", ManagerID: "mgr-9",
		},
		Extra: map[string]any{"untouched": "by the table"},
	}
	attrs := mappingtest.AssertRoundTrip(t, m, u)
	eq(t, map[string]any{
		"userName":          "Full.Entra@contoso.example",
		"externalId":        "fentra",
		"displayName":       "Full Entra",
		"name":              map[string]any{"givenName": "Full", "familyName": "Entra", "formatted": "Full Entra"},
		"title":             "Engineer",
		"preferredLanguage": "nl-BE",
		"emails":            []any{map[string]any{"type": "work", "value": "full.entra@contoso.example", "primary": true}},
		store.EnterpriseURN: map[string]any{
			"employeeNumber": "42", "costCenter": "CC-1", "organization": "Contoso",
			"division": "R&D", "department": "Platform",
			"manager": map[string]any{"value": "mgr-9"},
		},
	}, attrs)
}

func TestPresetsAreFreshValues(t *testing.T) {
	for name, preset := range map[string]func() mapping.Table{"okta": mapping.Okta, "entra": mapping.Entra} {
		t.Run(name, func(t *testing.T) {
			a := preset()
			a.Rows[0].SCIM = "changed"
			a.Rows[0].Transforms[0] = mapping.Lower()
			b := preset()
			eq(t, "userName", b.Rows[0].SCIM)
			eq(t, "trim", b.Rows[0].Transforms[0].String())
			_, err := mapping.New(b)
			noErr(t, err)
		})
	}
}

// The SCIM layer applies PATCH by rendering the user, patching the
// resource and applying it back; Entra's usual update ops must land on
// exactly the fields they name.
func TestEntraPatchFlow(t *testing.T) {
	m := mappingtest.New(t, mapping.Entra())
	var u store.User
	noErr(t, m.ToUser(mappingtest.Load(t, entraFile("create_user.json")), &u))
	u.ID, u.State, u.Version = "id-7", store.StateActive, 4

	res := m.ToSCIM(u)
	// Replace emails[type eq "work"].value
	for _, e := range res["emails"].([]any) {
		if e := e.(map[string]any); e["type"] == "work" {
			e["value"] = "Jane.Jones@Contoso.example"
		}
	}
	// Replace name.familyName, Replace urn:...:employeeNumber,
	// Remove urn:...:manager, Add title (single-valued: replace)
	res["name"].(map[string]any)["familyName"] = "Jones"
	res[store.EnterpriseURN].(map[string]any)["employeeNumber"] = "701985"
	delete(res[store.EnterpriseURN].(map[string]any), "manager")
	res["title"] = "Senior Tour Guide"

	next := u.Clone()
	noErr(t, m.ToUser(res, &next))
	want := u.Clone()
	want.Emails = work("Jane.Jones@Contoso.example")
	want.Name.FamilyName = "Jones"
	want.Enterprise.EmployeeNumber = "701985"
	want.Enterprise.ManagerID = ""
	want.Title = "Senior Tour Guide"
	if d := mappingtest.Diff(next, want); d != nil {
		t.Errorf("patched user differs (got, want): %q", d)
	}
}

func TestGenericPreset(t *testing.T) {
	m, err := mapping.New(mapping.Generic())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range m.Attributes() {
		if a.Out {
			seen[a.Name] = true
		}
		if a.Name == "emails" && a.Required {
			t.Error("the generic preset must not require an email")
		}
	}
	for _, name := range []string{"userName", "name", "displayName", "nickName", "profileUrl", "title", "userType",
		"preferredLanguage", "locale", "timezone", "emails", "phoneNumbers", "ims", "photos", "addresses",
		"entitlements", "roles", "x509Certificates", "employeeNumber", "costCenter", "organization", "division",
		"department", "manager"} {
		if !seen[name] {
			t.Errorf("the generic preset does not return %s", name)
		}
	}
	u := store.User{UserName: "only-a-name"}
	if err := m.ToUser(map[string]any{"userName": "only-a-name"}, &u); err != nil {
		t.Fatalf("a user with only a userName: %v", err)
	}
	mappingtest.AssertRoundTrip(t, m, u)
}
