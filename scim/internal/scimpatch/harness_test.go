package scimpatch_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"

	"github.com/scimkit/scimkit/scim/internal/scimpatch"
)

// recorder is an elimity ResourceHandler that only records the PATCH
// operations elimity hands it, so tests exercise the library's real parsing.
type recorder struct{ ops []scim.PatchOperation }

func (h *recorder) Create(*http.Request, scim.ResourceAttributes) (scim.Resource, error) {
	return scim.Resource{}, scimerrors.ScimErrorInternal
}

func (h *recorder) Get(*http.Request, string) (scim.Resource, error) {
	return scim.Resource{}, scimerrors.ScimErrorInternal
}

func (h *recorder) GetAll(*http.Request, scim.ListRequestParams) (scim.Page, error) {
	return scim.Page{}, scimerrors.ScimErrorInternal
}

func (h *recorder) Replace(*http.Request, string, scim.ResourceAttributes) (scim.Resource, error) {
	return scim.Resource{}, scimerrors.ScimErrorInternal
}

func (h *recorder) Delete(*http.Request, string) error { return scimerrors.ScimErrorInternal }

func (h *recorder) Patch(_ *http.Request, _ string, ops []scim.PatchOperation) (scim.Resource, error) {
	h.ops = ops
	return scim.Resource{}, nil // 204
}

// elimityServer is a real elimity server with the User (core + enterprise)
// and Group resource types, as package scim configures them.
type elimityServer struct {
	srv           scim.Server
	users, groups *recorder
}

func newElimityServer(t testing.TB) *elimityServer {
	t.Helper()
	e := &elimityServer{users: &recorder{}, groups: &recorder{}}
	srv, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{SupportPatch: true},
		ResourceTypes: []scim.ResourceType{
			{
				ID: optional.NewString("User"), Name: "User", Endpoint: "/Users",
				Schema:           schema.CoreUserSchema(),
				SchemaExtensions: []scim.SchemaExtension{{Schema: schema.ExtensionEnterpriseUser()}},
				Handler:          e.users,
			},
			{
				ID: optional.NewString("Group"), Name: "Group", Endpoint: "/Groups",
				Schema:  schema.CoreGroupSchema(),
				Handler: e.groups,
			},
		},
	})
	if err != nil {
		t.Fatalf("elimity NewServer: %v", err)
	}
	e.srv = srv
	return e
}

// patch sends body as a PATCH to endpoint ("/Users" or "/Groups") and returns
// the HTTP status and response body, and the operations the handler received
// (nil when elimity rejected the request).
func (e *elimityServer) patch(t testing.TB, endpoint string, body []byte) (int, string, []scim.PatchOperation) {
	t.Helper()
	rec := e.users
	if endpoint == "/Groups" {
		rec = e.groups
	}
	rec.ops = nil
	req := httptest.NewRequest(http.MethodPatch, endpoint+"/x1", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/scim+json")
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	return w.Code, w.Body.String(), rec.ops
}

// userSchema is the scimpatch description of the User resource type the
// elimity server above serves.
func userSchema() scimpatch.Schema {
	return scimpatch.NewSchema(schema.CoreUserSchema(), schema.ExtensionEnterpriseUser())
}

// parse runs body through NormalizeBooleans and the real elimity PATCH
// parsing for endpoint, and returns the operations elimity hands to the
// handler. It fails the test if elimity rejects the request.
func (e *elimityServer) parse(t testing.TB, endpoint string, body []byte) []scim.PatchOperation {
	t.Helper()
	s := userSchema()
	if endpoint == "/Groups" {
		s = scimpatch.NewSchema(schema.CoreGroupSchema())
	}
	body, _, err := scimpatch.NormalizeBooleans(body, s, true)
	if err != nil {
		t.Fatalf("NormalizeBooleans: %v", err)
	}
	code, resp, ops := e.patch(t, endpoint, body)
	if code != http.StatusNoContent {
		t.Fatalf("elimity rejected the PATCH: %d %s", code, resp)
	}
	return ops
}

// golden reads a request body from testdata.
func golden(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// patchBody wraps operations (a JSON array) into a PATCH request body.
func patchBody(ops string) []byte {
	return []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":` + ops + `}`)
}

// jsonString renders v as indented JSON for readable failure messages.
func jsonString(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}
