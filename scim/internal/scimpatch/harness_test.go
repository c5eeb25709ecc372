package scimpatch_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/elimity-com/scim"
	"github.com/elimity-com/scim/schema"

	"github.com/scimkit/scimkit/scim/internal/scimpatch"
)

// parser reads PATCH request bodies as package scim does: decoded once
// with UseNumber, then ParseRequest with the User (core + enterprise) or
// Group schema.
type parser struct{}

func newParser(testing.TB) parser { return parser{} }

// userSchema is the scimpatch description of the User resource type as
// package scim configures it.
func userSchema() scimpatch.Schema {
	return scimpatch.NewSchema(schema.CoreUserSchema(), schema.ExtensionEnterpriseUser())
}

func schemaFor(endpoint string) scimpatch.Schema {
	if endpoint == "/Groups" {
		return scimpatch.NewSchema(schema.CoreGroupSchema())
	}
	return userSchema()
}

// patch parses body as a PATCH to endpoint ("/Users" or "/Groups") and
// returns 204 and the operations, or 400 and the error.
func (parser) patch(t testing.TB, endpoint string, body []byte) (int, string, []scim.PatchOperation) {
	t.Helper()
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return http.StatusBadRequest, err.Error(), nil
	}
	ops, err := scimpatch.ParseRequest(doc, schemaFor(endpoint))
	if err != nil {
		return http.StatusBadRequest, err.Error(), nil
	}
	return http.StatusNoContent, "", ops
}

// parse returns the operations of body for endpoint; it fails the test if
// the request is refused.
func (p parser) parse(t testing.TB, endpoint string, body []byte) []scim.PatchOperation {
	t.Helper()
	code, resp, ops := p.patch(t, endpoint, body)
	if code != http.StatusNoContent {
		t.Fatalf("PATCH refused: %d %s", code, resp)
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
