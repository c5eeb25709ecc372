package scim_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
)

// snapshot renders everything the account holds, versions included, so a
// test can prove a refused request changed nothing.
func (e *env) snapshot(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	users, err := e.st.ListUsers(ctx, testAccount, store.Query{Count: 1000})
	require.NoError(t, err)
	for _, u := range users.Users {
		j, _ := json.Marshal(u)
		b.Write(j)
		b.WriteByte('\n')
	}
	groups, err := e.st.ListGroups(ctx, testAccount, store.Query{Count: 1000})
	require.NoError(t, err)
	for _, g := range groups.Groups {
		m, err := e.st.Members(ctx, testAccount, g.ID)
		require.NoError(t, err)
		j, _ := json.Marshal(struct {
			G store.Group
			M []string
		}{g, m})
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

// scimError decodes and checks a SCIM error body.
func scimError(t *testing.T, status int, h http.Header, body string) (scimType, detail string) {
	t.Helper()
	assert.Equal(t, "application/scim+json", h.Get("Content-Type"), "errors are SCIM JSON too")
	var e struct {
		Schemas  []string `json:"schemas"`
		Status   string   `json:"status"`
		ScimType string   `json:"scimType"`
		Detail   string   `json:"detail"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &e), "error body must be JSON: %s", body)
	assert.Equal(t, []string{"urn:ietf:params:scim:api:messages:2.0:Error"}, e.Schemas)
	assert.Equal(t, fmt.Sprint(status), e.Status, "status is a string equal to the HTTP status")
	assert.NotEmpty(t, e.Detail, "every error has a detail an admin can act on")
	for _, leak := range []string{"store:", "runtime", "goroutine", "elimity", ".go:", "%!"} {
		assert.NotContains(t, e.Detail, leak, "internal text must not reach the client")
	}
	return e.ScimType, e.Detail
}

const oktaUser = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s","name":{"givenName":"A","familyName":"B"},"emails":[{"primary":true,"value":"%s","type":"work"}],"externalId":"%s","active":true}`

func createUser(t *testing.T, e *env, email string) string {
	t.Helper()
	status, _, body := e.do(t, "POST", "/Users", fmt.Sprintf(oktaUser, email, email, "ext-"+email))
	require.Equal(t, http.StatusCreated, status, body)
	var r struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(body), &r))
	return r.ID
}

func createGroup(t *testing.T, e *env, name string, members ...string) string {
	t.Helper()
	ms := make([]string, len(members))
	for i, m := range members {
		ms[i] = fmt.Sprintf(`{"value":%q}`, m)
	}
	status, _, body := e.do(t, "POST", "/Groups", fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":%q,"members":[%s]}`, name, strings.Join(ms, ",")))
	require.Equal(t, http.StatusCreated, status, body)
	var r struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(body), &r))
	return r.ID
}

func patchBody(ops string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + ops + `]}`
}

func TestBadInputChangesNothing(t *testing.T) {
	e := newEnv(t, "okta")
	uid := createUser(t, e, "a@example.com")
	other := createUser(t, e, "b@example.com")
	gid := createGroup(t, e, "Eng", uid)

	tests := []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		scimType                 string
	}{
		{"malformed JSON", "POST", "/Users", `{"userName": "x@example.com",`, nil, 400, "invalidSyntax"},
		{"not an object", "POST", "/Users", `["x"]`, nil, 400, "invalidSyntax"},
		{"userName of the wrong type", "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":42}`, nil, 400, "invalidValue"},
		{"no userName", "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"name":{"givenName":"A"}}`, nil, 400, "invalidValue"},
		{"public mail domain", "POST", "/Users", fmt.Sprintf(oktaUser, "x@gmail.com", "x@gmail.com", "g1"), nil, 400, "invalidValue"},
		{"domain not allowed", "POST", "/Users", fmt.Sprintf(oktaUser, "x@other.org", "x@other.org", "o1"), nil, 400, "invalidValue"},
		{"duplicate userName", "POST", "/Users", fmt.Sprintf(oktaUser, "A@example.com", "a2@example.com", "dup"), nil, 409, "uniqueness"},
		{"duplicate group", "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"eng"}`, nil, 409, "uniqueness"},
		{"group with unknown member", "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"New","members":[{"value":"nope"}]}`, nil, 400, "invalidValue"},
		{"unknown op", "PATCH", "/Users/" + uid, patchBody(`{"op":"move","path":"userName","value":"z"}`), nil, 400, ""},
		{"no operations", "PATCH", "/Users/" + uid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}`, nil, 400, "invalidValue"},
		{"wrong PatchOp schema", "PATCH", "/Users/" + uid, `{"schemas":["x"],"Operations":[{"op":"replace","path":"userName","value":"z@example.com"}]}`, nil, 400, "invalidValue"},
		{"unknown path", "PATCH", "/Users/" + uid, patchBody(`{"op":"replace","path":"shoeSize","value":"9"}`), nil, 400, "invalidPath"},
		{"bad boolean", "PATCH", "/Users/" + uid, patchBody(`{"op":"replace","path":"active","value":"maybe"}`), nil, 400, "invalidValue"},
		{"read-only groups", "PATCH", "/Users/" + uid, patchBody(`{"op":"add","path":"groups","value":[{"value":"` + gid + `"}]}`), nil, 400, "mutability"},
		{"all or nothing", "PATCH", "/Users/" + uid, patchBody(`{"op":"replace","path":"displayName","value":"Changed"},{"op":"replace","path":"active","value":"maybe"}`), nil, 400, "invalidValue"},
		{"email to a public domain", "PATCH", "/Users/" + uid, patchBody(`{"op":"replace","path":"emails[type eq \"work\"].value","value":"a@gmail.com"}`), nil, 400, "invalidValue"},
		{"rename onto a taken userName", "PATCH", "/Users/" + other, patchBody(`{"op":"replace","path":"userName","value":"a@example.com"}`), nil, 409, "uniqueness"},
		{"unknown member add", "PATCH", "/Groups/" + gid, patchBody(`{"op":"add","path":"members","value":[{"value":"ghost"}]}`), nil, 400, "invalidValue"},
		{"member add plus unknown member", "PATCH", "/Groups/" + gid, patchBody(`{"op":"add","path":"members","value":[{"value":"` + other + `"}]},{"op":"add","path":"members","value":[{"value":"ghost"}]}`), nil, 400, "invalidValue"},
		{"empty group name", "PATCH", "/Groups/" + gid, patchBody(`{"op":"replace","path":"displayName","value":""}`), nil, 400, ""},
		{"unsupported filter attribute", "GET", "/Users?filter=addresses.country%20eq%20%22NL%22", "", nil, 400, "invalidFilter"},
		{"unknown filter operator", "GET", "/Users?filter=userName%20xx%20%22a%22", "", nil, 400, "invalidFilter"},
		{"unparsable filter", "GET", "/Users?filter=userName%20eq", "", nil, 400, "invalidFilter"},
		{"bad startIndex", "GET", "/Users?startIndex=abc", "", nil, 400, "invalidValue"},
		{"bad count", "GET", "/Groups?count=x", "", nil, 400, "invalidValue"},
		{"stale If-Match on PUT", "PUT", "/Users/" + uid, fmt.Sprintf(oktaUser, "a@example.com", "a@example.com", "ext-a"), []string{"If-Match", `W/"99"`}, 412, ""},
		{"stale If-Match on PATCH", "PATCH", "/Users/" + uid, patchBody(`{"op":"replace","value":{"active":false}}`), []string{"If-Match", `W/"99"`}, 412, ""},
		{"stale If-Match on DELETE", "DELETE", "/Users/" + uid, "", []string{"If-Match", `W/"99"`}, 412, ""},
		{"stale If-Match on group PATCH", "PATCH", "/Groups/" + gid, patchBody(`{"op":"replace","path":"displayName","value":"X"}`), []string{"If-Match", `W/"99"`}, 412, ""},
		{"stale If-Match on group DELETE", "DELETE", "/Groups/" + gid, "", []string{"If-Match", `W/"99"`}, 412, ""},
		{"unknown user", "PATCH", "/Users/nope", patchBody(`{"op":"replace","value":{"active":false}}`), nil, 404, ""},
		{"unknown group", "DELETE", "/Groups/nope", "", nil, 404, ""},
		{"wrong token", "DELETE", "/Users/" + uid, "", []string{"Authorization", "Bearer scimkit_wrong"}, 401, ""},
		{"basic auth", "DELETE", "/Users/" + uid, "", []string{"Authorization", "Basic YTpi"}, 401, ""},
		{"method not allowed", "DELETE", "/Users", "", nil, 405, ""},
		{"unknown endpoint", "GET", "/Widgets", "", nil, 404, ""},
		{"bulk", "POST", "/Bulk", `{}`, nil, 501, ""},
		{"oversized body", "POST", "/Users", `{"userName":"` + strings.Repeat("x", 2<<20) + `"}`, nil, 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.snapshot(t)
			status, h, body := e.do(t, tt.method, tt.path, tt.body, tt.headers...)
			require.Equal(t, tt.status, status, body)
			scimType, _ := scimError(t, status, h, body)
			if tt.scimType != "" {
				assert.Equal(t, tt.scimType, scimType)
			}
			if status == http.StatusUnauthorized {
				assert.Equal(t, `Bearer realm="scim"`, h.Get("WWW-Authenticate"))
			}
			assert.Equal(t, before, e.snapshot(t), "a refused request must change nothing")
		})
	}
}

func TestErrorDetailsAreActionable(t *testing.T) {
	e := newEnv(t, "okta")
	status, h, body := e.do(t, "POST", "/Users", fmt.Sprintf(oktaUser, "x@gmail.com", "x@gmail.com", "g1"))
	_, detail := scimError(t, status, h, body)
	assert.Contains(t, detail, "gmail.com", "the detail names the domain")

	status, h, body = e.do(t, "POST", "/Users", fmt.Sprintf(oktaUser, "x@other.org", "x@other.org", "o1"))
	_, detail = scimError(t, status, h, body)
	assert.Contains(t, detail, "other.org")
	assert.Contains(t, strings.ToLower(detail), "allowed", "the detail says to add the domain to the allowed list")

	createUser(t, e, "dup@example.com")
	status, h, body = e.do(t, "POST", "/Users", fmt.Sprintf(oktaUser, "dup@example.com", "dup@example.com", "x2"))
	_, detail = scimError(t, status, h, body)
	assert.Contains(t, detail, "dup@example.com")
}

// TestLibraryErrorsAreExplained checks that the protocol library's generic
// refusals reach the admin with the attribute or operation at fault.
func TestLibraryErrorsAreExplained(t *testing.T) {
	e := newEnv(t, "okta")
	uid := createUser(t, e, "a@example.com")
	gid := createGroup(t, e, "Eng")
	const core = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]`
	patch := func(ops string) string { return patchBody(ops) }
	tests := []struct {
		name, method, path, body string
		scimType, detail         string
	}{
		{"truncated JSON", "POST", "/Users", `{"userName": "x",`, "invalidSyntax", "not valid JSON"},
		{"bad JSON character", "POST", "/Users", `{"userName": x}`, "invalidSyntax", "not valid JSON"},
		{"no schemas", "POST", "/Users", `{"userName":"b@example.com"}`, "invalidSyntax", `"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]`},
		{"wrong type", "POST", "/Users", `{` + core + `,"userName":42}`, "invalidValue", `"userName" must be a string, got the number 42`},
		{"missing userName", "POST", "/Users", `{` + core + `,"name":{"givenName":"A"}}`, "invalidValue", `"userName" is required`},
		{"list expected", "POST", "/Users", `{` + core + `,"userName":"b@example.com","emails":"b@example.com"}`, "invalidValue", `"emails" must be a list`},
		{"sub-attribute type", "POST", "/Users", `{` + core + `,"userName":"b@example.com","name":{"givenName":7}}`, "invalidValue", `"name.givenName" must be a string`},
		{"boolean", "POST", "/Users", `{` + core + `,"userName":"b@example.com","active":"yes"}`, "invalidValue", `"active" must be true or false, got "yes"`},
		{"group members", "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":"x"}`, "invalidValue", `"members" must be a list`},
		{"unknown op", "PATCH", "/Users/" + uid, patch(`{"op":"move","path":"userName","value":"z"}`), "invalidValue", `operation 1: "op" must be add, remove or replace, got "move"`},
		{"unknown path", "PATCH", "/Users/" + uid, patch(`{"op":"replace","path":"title","value":"x"},{"op":"replace","path":"shoeSize","value":"9"}`), "invalidPath", `operation 2: "shoeSize" is not an attribute of the User resource`},
		{"bare extension attribute", "PATCH", "/Users/" + uid, patch(`{"op":"replace","value":{"employeeNumber":"1"}}`), "invalidPath", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"},
		{"bad boolean in PATCH", "PATCH", "/Users/" + uid, patch(`{"op":"replace","path":"active","value":"maybe"}`), "invalidValue", `operation 1: "active" must be true or false`},
		{"null value", "PATCH", "/Users/" + uid, patch(`{"op":"replace","path":"title","value":null}`), "invalidValue", `"op": "remove"`},
		{"read-only", "PATCH", "/Users/" + uid, patch(`{"op":"replace","path":"meta","value":{}}`), "mutability", `"meta" is read-only`},
		{"remove without path", "PATCH", "/Users/" + uid, patch(`{"op":"remove"}`), "", `remove needs a "path"`},
		{"no operations", "PATCH", "/Users/" + uid, patch(``), "invalidValue", `at least one operation`},
		{"duplicate keys", "POST", "/Users", `{` + core + `,"userName":"b@example.com","USERNAME":"c@example.com"}`, "invalidSyntax", "given twice"},
		{"group id path", "PATCH", "/Groups/" + gid, patch(`{"op":"replace","path":"id","value":"x"}`), "mutability", `"id" is read-only`},
		{"PatchOp schema", "PATCH", "/Users/" + uid, `{"Operations":[{"op":"replace","path":"title","value":"x"}]}`, "invalidValue", patchOpURNForTest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := e.do(t, tt.method, tt.path, tt.body)
			require.Equal(t, http.StatusBadRequest, status, body)
			scimType, detail := scimError(t, status, h, body)
			if tt.scimType != "" {
				assert.Equal(t, tt.scimType, scimType)
			}
			assert.Contains(t, detail, tt.detail)
		})
	}
}

const patchOpURNForTest = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

func TestTrailingDataAfterJSONIsRefused(t *testing.T) {
	e := newEnv(t, "okta")
	before := e.snapshot(t)
	status, h, body := e.do(t, "POST", "/Users", fmt.Sprintf(oktaUser, "a@example.com", "a@example.com", "x")+` trailing`)
	require.Equal(t, http.StatusBadRequest, status, body)
	scimType, _ := scimError(t, status, h, body)
	assert.Equal(t, "invalidSyntax", scimType)
	assert.Equal(t, before, e.snapshot(t))
}
