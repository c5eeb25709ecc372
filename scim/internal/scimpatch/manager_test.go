package scimpatch_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/scimkit/scimkit/scim/internal/scimpatch"
)

// TestManagerShapes: the shapes in which Entra ID sends the enterprise
// manager (a plain id, a one-element list, the path "manager" without its
// URN) all become {"value": id}, in resource bodies and PATCH requests.
func TestManagerShapes(t *testing.T) {
	const urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	const core = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com"`
	s := userSchema()
	manager := func(doc map[string]any) any {
		ext, _ := doc[urn].(map[string]any)
		return ext["manager"]
	}
	want := map[string]any{"value": "m"}
	for name, body := range map[string]string{
		"object already":       `{` + core + `,"` + urn + `":{"manager":{"value":"m"}}}`,
		"string in a resource": `{` + core + `,"` + urn + `":{"Manager":"m"}}`,
		"one-element id list":  `{` + core + `,"` + urn + `":{"manager":["m"]}}`,
		"one-element obj list": `{` + core + `,"` + urn + `":{"manager":[{"value":"m"}]}}`,
	} {
		var doc any
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatal(err)
		}
		attrs, err := s.Resource(doc)
		if err != nil || !reflect.DeepEqual(manager(attrs), want) {
			t.Errorf("%s: manager %v, %v; want %v", name, manager(attrs), err, want)
		}
	}
	p := newParser(t)
	for name, ops := range map[string]string{
		"string at the full path":           `[{"op":"Add","path":"` + urn + `:manager","value":"m"}]`,
		"bare path with a one-element list": `[{"op":"Add","path":"manager","value":[{"value":"m"}]}]`,
		"bare path with an id":              `[{"op":"replace","path":"manager","value":"m"}]`,
		"pathless URN key":                  `[{"op":"replace","value":{"` + urn + `:manager":"m"}}]`,
		"pathless extension object":         `[{"op":"replace","value":{"` + urn + `":{"manager":"m"}}}]`,
	} {
		out, changed, err := applyUser(t, p, patchBody(ops))
		if err != nil || !changed || !reflect.DeepEqual(manager(out), want) {
			t.Errorf("%s: manager %v, %v, %v; want %v", name, manager(out), changed, err, want)
		}
	}
	out, _, err := applyUser(t, p, patchBody(`[{"op":"replace","path":"displayName","value":"manager"}]`))
	if err != nil || out["displayName"] != "manager" || !reflect.DeepEqual(manager(out), manager(baseUser())) {
		t.Errorf("other paths untouched: %v, %v", out, err)
	}
}

// applyUser parses body and applies it to baseUser.
func applyUser(t *testing.T, p parser, body []byte) (map[string]any, bool, error) {
	t.Helper()
	out, changed, err := scimpatch.ApplyUser(baseUser(), p.parse(t, "/Users", body), userSchema())
	return out, changed, err
}
