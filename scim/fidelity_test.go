package scim_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

const patchOp = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[`

// PATCH remove: a required attribute is a clear 400, a whole extension URN
// an accurate 400, an ordinary attribute a 200.
func TestPatchRemoveRules(t *testing.T) {
	e := newEnv(t, "entra")
	id := createUser(t, e, "probe@example.com")
	for _, tc := range []struct {
		op     string
		status int
		detail string
	}{
		{`{"op":"remove","path":"userName"}`, http.StatusBadRequest, `\"userName\" is required`},
		{`{"op":"remove","path":"emails"}`, http.StatusBadRequest, `\"emails\" is required by this account's attribute mapping`},
		{`{"op":"remove","path":"emails[type eq \"work\"]"}`, http.StatusBadRequest, `\"emails\" is required`},
		{`{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}`, http.StatusBadRequest,
			`names a whole schema extension, not an attribute; name its attributes one by one, as in urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter`},
		{`{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"}`, http.StatusOK, ""},
		{`{"op":"remove","path":"displayName"}`, http.StatusOK, ""},
	} {
		status, _, body := e.do(t, "PATCH", "/Users/"+id, patchOp+tc.op+`]}`)
		assert.Equal(t, tc.status, status, "%s: %s", tc.op, body)
		assert.Contains(t, body, tc.detail, tc.op)
	}
}

// attributes= and excludedAttributes= take value-filtered paths leniently,
// as the attribute they filter.
func TestProjectionTakesValueFilteredPaths(t *testing.T) {
	e := newEnv(t, "entra")
	id := createUser(t, e, "probe@example.com")
	_, _, body := e.do(t, "GET", "/Users/"+id+`?attributes=emails[type%20eq%20"work"],userName`, "")
	assert.Contains(t, body, `"emails":[`)
	assert.NotContains(t, body, `"displayName"`)
	_, _, body = e.do(t, "GET", "/Users/"+id+`?excludedAttributes=emails[type%20eq%20"work"].value`, "")
	assert.Contains(t, body, `"emails":[{"primary":true,"type":"work"}]`, "emails.value excluded")
	assert.Contains(t, body, `"displayName"`)
}
