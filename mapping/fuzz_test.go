package mapping_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/mapping/mappingtest"
	"github.com/scimkit/scimkit/store"
)

// FuzzRoundTrip checks, for any JSON object, that ToUser either rejects
// it with a *mapping.Errors or accepts it and then ToUser(ToSCIM(u))
// reproduces u, for each preset and for a table with typed custom
// attributes. Seeds are the golden payloads.
func FuzzRoundTrip(f *testing.F) {
	for _, dir := range []string{"okta", "entra"} {
		files, err := filepath.Glob(filepath.Join("..", "testdata", dir, "users", "*.json"))
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(`{"userName":"a","emails":[{"type":"WORK","value":"A@B.C"}],"name":{"givenName":" x "}}`))
	f.Add([]byte(`{"userName":1e21,"emails":{"type":"work","value":"a@b.c"},"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"seatCount":1e21,"regions":[null,"x"]}}`))
	mappers := []*mapping.Mapper{mustNew(f, mapping.Okta()), mustNew(f, mapping.Entra()), mustNew(f, oktaWithCustom())}
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var attrs map[string]any
		if dec.Decode(&attrs) != nil || attrs == nil {
			return
		}
		for _, m := range mappers {
			var u store.User
			if err := m.ToUser(attrs, &u); err != nil {
				if _, ok := err.(*mapping.Errors); !ok {
					t.Fatalf("ToUser error %T %v is not a *mapping.Errors", err, err)
				}
				continue
			}
			mappingtest.AssertRoundTrip(t, m, u)
		}
	})
}

// FuzzNormalForm checks that any user, once passed through ToSCIM and
// ToUser, is a fixed point: a second round-trip changes nothing.
func FuzzNormalForm(f *testing.F) {
	f.Add("Jane.Smith@contoso.example", " Jane ", "Smith", "", "Jane.Smith@Contoso.example", "Work", "701984", "m-1", "gold", true, 3.0)
	f.Add("", "", "", "", "", "", "", "", "", false, 0.5)
	f.Add("\u0130x", "\t", "\u00a0", "a\u0301", "x@y.z", "other", " ", "\x00", "İ", false, 1e300)
	entra := mustNew(f, mapping.Entra())
	custom := mustNew(f, oktaWithCustom())
	f.Fuzz(func(t *testing.T, userName, given, family, display, email, emailType, employee, manager, tier string, contractor bool, seats float64) {
		for _, s := range []string{userName, given, family, display, email, emailType, employee, manager, tier} {
			if !utf8.ValidString(s) {
				return // JSON, the only way values arrive, is valid UTF-8
			}
		}
		u := store.User{
			UserName: userName, DisplayName: display,
			Name:       store.Name{GivenName: given, FamilyName: family, Formatted: given + " " + family},
			Emails:     []store.Email{{Value: email, Type: emailType, Primary: true}},
			Enterprise: store.Enterprise{EmployeeNumber: employee, ManagerID: manager, Department: tier},
			Extra:      map[string]any{"vaultTier": tier, "isContractor": contractor, "seatCount": seats, "regions": []any{tier}},
		}
		for _, m := range []*mapping.Mapper{entra, custom} {
			var v store.User
			if err := m.ToUser(m.ToSCIM(u), &v); err != nil {
				continue // not every user is valid: a bad email, a fractional seat count
			}
			mappingtest.AssertRoundTrip(t, m, v)
		}
	})
}
