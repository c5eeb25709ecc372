package scim_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
)

// fullUser is every RFC 7643 section 4.1 User attribute (with type,
// primary and display on the multi-valued ones, mixed case and
// non-"work" types) and the whole enterprise extension (section 4.3),
// the shape of RFC 7643 section 8.2's full representation, without the
// readOnly manager.displayName (RFC 7643 section 4.3: the service provider
// sets it; clients' values are ignored).
const fullUser = `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "externalId": "701984",
  "userName": "Bjensen@Example.com",
  "name": {"formatted": "Ms. Barbara J Jensen, III", "familyName": "Jensen", "givenName": "Barbara",
    "middleName": "Jane", "honorificPrefix": "Ms.", "honorificSuffix": "III"},
  "displayName": "Babs Jensen",
  "nickName": "Babs",
  "profileUrl": "https://login.example.com/bjensen",
  "emails": [
    {"value": "Bjensen@Example.com", "type": "work", "primary": true, "display": "Babs (work)"},
    {"value": "babs@jensen.org", "type": "home"}
  ],
  "addresses": [
    {"type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Hollywood", "region": "CA",
     "postalCode": "91608", "country": "USA", "formatted": "100 Universal City Plaza\nHollywood, CA 91608 USA", "primary": true},
    {"type": "home", "streetAddress": "456 Hollywood Blvd", "locality": "Hollywood", "region": "CA",
     "postalCode": "91608", "country": "USA", "formatted": "456 Hollywood Blvd\nHollywood, CA 91608 USA"}
  ],
  "phoneNumbers": [{"value": "555-555-5555", "type": "work"}, {"value": "555-555-4444", "type": "mobile", "display": "mobile"}],
  "ims": [{"value": "someaimhandle", "type": "aim"}],
  "photos": [{"value": "https://photos.example.com/profilephoto/72930000000Ccne/F", "type": "photo"},
    {"value": "https://photos.example.com/profilephoto/72930000000Ccne/T", "type": "thumbnail"}],
  "userType": "Employee",
  "title": "Tour Guide",
  "preferredLanguage": "en-US",
  "locale": "en-US",
  "timezone": "America/Los_Angeles",
  "active": true,
  "entitlements": [{"value": "vault:admin", "type": "app", "primary": true, "display": "Vault admin"}],
  "roles": [{"value": "guide", "type": "job", "display": "Guide"}],
  "x509Certificates": [{"value": "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"}],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "employeeNumber": "701984", "costCenter": "4130", "organization": "Universal Studios",
    "division": "Theme Park", "department": "Tour Operations",
    "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
  }
}`

// TestGenericRoundTripsEveryAttribute: a generic account stores and
// returns every RFC 7643 User attribute exactly as sent, on POST, GET and
// after a PUT of what it read.
func TestGenericRoundTripsEveryAttribute(t *testing.T) {
	m := newMulti(t)
	_, token := m.account(t, store.IdPGeneric)
	var sent map[string]any
	require.NoError(t, json.Unmarshal([]byte(fullUser), &sent))
	check := func(what, body string) map[string]any {
		t.Helper()
		var got map[string]any
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		for k, v := range sent {
			if k == "schemas" {
				continue
			}
			assert.Equal(t, v, got[k], "%s: %s comes back as sent", what, k)
		}
		return got
	}
	status, _, body := send(t, m.base, token, http.MethodPost, "/Users", fullUser)
	require.Equal(t, http.StatusCreated, status, body)
	id := check("POST", body)["id"].(string)
	_, _, body = send(t, m.base, token, http.MethodGet, "/Users/"+id, "")
	got := check("GET", body)
	status, _, body = send(t, m.base, token, http.MethodPut, "/Users/"+id, mustJSON(t, got))
	require.Equal(t, http.StatusOK, status, body)
	check("PUT of the GET body", body)
}

// A generic account provisions a user with only a userName (the RFC
// suites' minimal create); it is not invited (no address).
func TestGenericUserWithoutEmail(t *testing.T) {
	m := newMulti(t)
	_, token := m.account(t, store.IdPGeneric)
	status, _, body := send(t, m.base, token, http.MethodPost, "/Users",
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"rfc-suite-user"}`)
	require.Equal(t, http.StatusCreated, status, body)
	assert.Contains(t, body, `"userName":"rfc-suite-user"`)
	assert.Contains(t, body, `"active":true`)
	// Okta accounts still require one.
	_, okta := m.account(t, store.IdPOkta)
	status, _, body = send(t, m.base, okta, http.MethodPost, "/Users",
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"rfc-suite-user"}`)
	assert.Equal(t, http.StatusBadRequest, status, body)
	_, _, schemas := send(t, m.base, token, http.MethodGet, "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", "")
	assert.Contains(t, schemas, `"name":"x509Certificates"`, "the generic preset lists every attribute it keeps")
}

// A generic account may remove every email of a user (RFC 7644 section
// 3.5.2.2: the attribute becomes unassigned); an Okta account, whose
// mapping requires one, still refuses it. (The public compliance suite
// github.com/scim2/test-suite, requirement RFC7644-3.5.2.2-L2151, sends
// this PATCH.)
func TestGenericRemoveAllEmails(t *testing.T) {
	m := newMulti(t)
	for _, tc := range []struct {
		idp  string
		want int
	}{{store.IdPGeneric, http.StatusOK}, {store.IdPOkta, http.StatusBadRequest}} {
		_, token := m.account(t, tc.idp)
		status, _, body := send(t, m.base, token, http.MethodPost, "/Users",
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"two.mails@example.com",
			"emails":[{"value":"two.mails@example.com","type":"work","primary":true},{"value":"other@example.com","type":"home"}]}`)
		require.Equal(t, http.StatusCreated, status, body)
		var u struct{ ID string }
		require.NoError(t, json.Unmarshal([]byte(body), &u))
		status, _, body = send(t, m.base, token, http.MethodPatch, "/Users/"+u.ID,
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"emails"}]}`)
		assert.Equal(t, tc.want, status, "%s: %s", tc.idp, body)
		if tc.want == http.StatusOK {
			assert.NotContains(t, body, `"emails"`, "unassigned")
		}
	}
}

// Two values marked primary in one multi-valued attribute are refused on
// create (RFC 7643 section 2.4: at most one; github.com/scim2/test-suite
// RFC7643-2.4-L634 sends this create); a PATCH add keeps the last one
// primary, as RFC 7644 section 3.5.2.1 says.
func TestAtMostOnePrimary(t *testing.T) {
	m := newMulti(t)
	_, token := m.account(t, store.IdPGeneric)
	two := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"prim@example.com",
		"emails":[{"value":"a@example.com","type":"work","primary":true},{"value":"b@example.com","type":"home","primary":true}]}`
	status, _, body := send(t, m.base, token, http.MethodPost, "/Users", two)
	assert.Equal(t, http.StatusBadRequest, status, body)
	assert.Contains(t, body, "emails: 2 values are marked primary")
	status, _, body = send(t, m.base, token, http.MethodPost, "/Users",
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"prim@example.com",
		"emails":[{"value":"a@example.com","type":"work","primary":true}]}`)
	require.Equal(t, http.StatusCreated, status, body)
	var u struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(body), &u))
	status, _, body = send(t, m.base, token, http.MethodPatch, "/Users/"+u.ID,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"phoneNumbers","value":[{"value":"1","primary":true},{"value":"2","primary":true}]}]}`)
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `"phoneNumbers":[{"primary":false,"value":"1"},{"primary":true,"value":"2"}]`)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
