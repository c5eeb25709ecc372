package mapping_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/store"
)

// A host starts from the Okta preset, declares the custom attributes its
// Okta admins add in the profile editor as an extension schema, maps them
// to extra fields, and adds a rule of its own for the title.
func Example_customTable() {
	const acme = "urn:ietf:params:scim:schemas:extension:acme:2.0:User"
	table := mapping.Okta()
	table.Extensions = []mapping.Extension{{
		URN:  acme,
		Name: "AcmeUser",
		Attributes: []mapping.ExtensionAttribute{
			{Name: "vaultTier", Type: mapping.TypeString},
			{Name: "seatCount", Type: mapping.TypeInteger},
		},
	}}
	table.Rows = append(table.Rows,
		mapping.Row{SCIM: acme + ":vaultTier", Field: mapping.ExtraField("tier"),
			Transforms: []mapping.Transform{mapping.Trim(), mapping.Lower(), mapping.Default("basic")}},
		mapping.Row{SCIM: acme + ":seatCount", Field: mapping.ExtraField("seats")},
		mapping.Row{SCIM: "title", Field: mapping.FieldTitle, Transforms: []mapping.Transform{
			mapping.Trim(),
			mapping.Func("titleCase", func(s string) (string, error) {
				return strings.ToUpper(s[:1]) + s[1:], nil
			}),
		}},
	)
	m, err := mapping.New(table)
	if err != nil {
		fmt.Println(err)
		return
	}

	var in map[string]any
	_ = json.Unmarshal([]byte(`{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "`+acme+`"],
		"userName": "Ann.Lee@example.com",
		"name": {"givenName": "Ann", "familyName": "Lee"},
		"emails": [{"primary": true, "type": "work", "value": "Ann.Lee@Example.com"}],
		"title": " engineer",
		"`+acme+`": {"seatCount": 3}
	}`), &in)
	var u store.User
	if err := m.ToUser(in, &u); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s <%s> %q title=%q extra=%v\n", u.UserName, u.PrimaryEmail(), u.DisplayName, u.Title, u.Extra)

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(m.ToSCIM(u))
	// Output:
	// Ann.Lee@example.com <Ann.Lee@Example.com> "Ann Lee" title="Engineer" extra=map[seats:3 tier:basic]
	// {
	//   "displayName": "Ann Lee",
	//   "emails": [
	//     {
	//       "primary": true,
	//       "type": "work",
	//       "value": "Ann.Lee@Example.com"
	//     }
	//   ],
	//   "name": {
	//     "familyName": "Lee",
	//     "givenName": "Ann"
	//   },
	//   "title": "Engineer",
	//   "urn:ietf:params:scim:schemas:extension:acme:2.0:User": {
	//     "seatCount": 3,
	//     "vaultTier": "basic"
	//   },
	//   "userName": "Ann.Lee@example.com"
	// }
}

// A host unit-tests its own rule without an HTTP server: department codes
// must be upper-case letters, and the IdP admin is told what is wrong.
func Example_hostRule() {
	table := mapping.Entra()
	for i, r := range table.Rows {
		if r.Field == mapping.FieldDepartment {
			table.Rows[i].Transforms = append(r.Transforms, mapping.Func("departmentCode", func(s string) (string, error) {
				if strings.ToUpper(s) != s {
					return "", errors.New("must be an upper-case department code such as OPS")
				}
				return s, nil
			}))
		}
	}
	m, err := mapping.New(table)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, dept := range []string{" OPS ", "Tour Operations"} {
		in := map[string]any{
			"userName": "jane@contoso.example",
			"emails":   []any{map[string]any{"type": "work", "value": "jane@contoso.example"}},
			store.EnterpriseURN: map[string]any{
				"department": dept,
			},
		}
		var u store.User
		if err := m.ToUser(in, &u); err != nil {
			fmt.Println("rejected:", err)
			continue
		}
		fmt.Printf("department %q\n", u.Enterprise.Department)
	}
	// Output:
	// department "OPS"
	// rejected: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department: must be an upper-case department code such as OPS
}

// New names every row that is wrong, so a bad table fails at start-up,
// never on a request.
func ExampleNew() {
	table := mapping.Okta()
	table.Rows = append(table.Rows,
		mapping.Row{SCIM: "emails.value", Field: mapping.FieldNickName},
		mapping.Row{SCIM: "nickName", Field: mapping.FieldDisplayName},
	)
	_, err := mapping.New(table)
	fmt.Println(err)
	// Output:
	// mapping: row 7 ("emails.value" -> "nickName"): SCIM attribute "emails" is multi-valued: select one element with a filter, as in emails[type eq "work"].value, or map the whole attribute to an extra field
	// mapping: row 8 ("nickName" -> "displayName"): host field "displayName" is already written by row 4
}

// The Okta preset, row by row.
func ExampleOkta() {
	for _, r := range mapping.Okta().Rows {
		fmt.Printf("%-30s %-12s required=%-5v %v\n", r.SCIM, r.Field, r.Required, r.Transforms)
	}
	// Output:
	// userName                       userName     required=true  [trim]
	// externalId                     externalId   required=false [trim]
	// name.givenName                 givenName    required=false [trim]
	// name.familyName                familyName   required=false [trim]
	// displayName                    displayName  required=false [trim composeDisplayName]
	// emails[type eq "work"].value   email        required=true  [trim]
	// locale                         locale       required=false [trim]
}

// ToUser reports bad values per attribute, in words for the IdP admin.
func ExampleMapper_ToUser_errors() {
	m, _ := mapping.New(mapping.Okta())
	var u store.User
	err := m.ToUser(map[string]any{
		"userName": "x@example.com",
		"emails":   []any{map[string]any{"type": "work", "value": "not-an-email"}},
	}, &u)
	var errs *mapping.Errors
	if errors.As(err, &errs) {
		for _, f := range errs.Fields {
			fmt.Printf("%s (host field %s): %s\n", f.SCIM, f.Field, f.Problem)
		}
	}
	// Output:
	// emails[type eq "work"].value (host field email): "not-an-email" is not an email address
}

// Okta custom attributes (added in Okta's profile editor with an external
// namespace) are declared once; each lands in store.User.Extra.
func ExampleTable_AddExtension() {
	const urn = "urn:ietf:params:scim:schemas:extension:acme:2.0:User"
	table := mapping.Okta()
	table.AddExtension(mapping.Extension{URN: urn, Name: "AcmeUser", Attributes: []mapping.ExtensionAttribute{
		{Name: "badge", Type: mapping.TypeString},
		{Name: "contractor", Type: mapping.TypeBoolean},
	}})
	m, err := mapping.New(table)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("published on /Schemas:", m.Extensions()[0].URN)

	var u store.User
	err = m.ToUser(map[string]any{
		"userName": "ann@example.com",
		"emails":   []any{map[string]any{"type": "work", "value": "ann@example.com"}},
		urn:        map[string]any{"badge": " B-7 ", "contractor": true},
	}, &u)
	fmt.Println(u.Extra, err)
	// Output:
	// published on /Schemas: urn:ietf:params:scim:schemas:extension:acme:2.0:User
	// map[badge:B-7 contractor:true] <nil>
}
