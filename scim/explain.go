package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"
)

// The protocol library answers bad resource and PATCH bodies with a few
// fixed, generic details ("A required value was missing, or ..."). An admin
// reading "Errors reported by remote server" in the IdP cannot act on
// those, so when the library gives one, explain finds what is actually
// wrong (which attribute, which operation, what was expected) and answers
// that instead. It runs only on that error path.

var genericDetails = map[string]bool{
	scimerrors.ScimErrorInvalidSyntax.Detail: true,
	scimerrors.ScimErrorInvalidValue.Detail:  true,
	scimerrors.ScimErrorInvalidPath.Detail:   true,
	scimerrors.ScimErrorMutability.Detail:    true,
	scimerrors.ScimErrorNoTarget.Detail:      true,
}

// serveLibrary passes the request to the protocol library and replaces a
// generic 400 with a specific one.
func (h *Handler) serveLibrary(w http.ResponseWriter, r *http.Request, body []byte) {
	bw := &bufferedWriter{header: w.Header()}
	h.server.ServeHTTP(bw, r)
	if bw.status == http.StatusNoContent {
		w.Header().Del("Content-Type") // no body, no content type
	}
	if bw.status == http.StatusBadRequest && r.Method != http.MethodDelete {
		var e struct{ Detail string }
		if json.Unmarshal(bw.body.Bytes(), &e) == nil && genericDetails[e.Detail] {
			users := strings.HasPrefix(r.URL.Path, "/Users")
			var better *Error
			if r.Method == http.MethodPatch {
				better = h.explainPatch(users, body)
			} else {
				better = h.explainResource(users, body)
			}
			if better != nil {
				writeError(w, better)
				return
			}
		}
	}
	if bw.status == 0 {
		bw.status = http.StatusOK
	}
	w.WriteHeader(bw.status)
	_, _ = w.Write(bw.body.Bytes())
}

type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// resourceSchemas returns the core schema (with the common attributes) and
// the extensions of the endpoint.
func (h *Handler) resourceSchemas(users bool) (schema.Schema, []schema.Schema) {
	core, exts := schema.CoreGroupSchema(), []schema.Schema(nil)
	if users {
		core, exts = schema.CoreUserSchema(), h.userExts
	}
	core.Attributes = append(append([]schema.CoreAttribute{}, core.Attributes...), schema.CommonAttributes()...)
	return core, exts
}

func decodeBody(body []byte) (any, *Error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errBadRequest("invalidSyntax", "the request needs a JSON body")
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, errBadRequest("invalidSyntax", fmt.Sprintf("the request body is not valid JSON: %s (at byte %d)", se.Error(), se.Offset))
		}
		return nil, errBadRequest("invalidSyntax", "the request body is not valid JSON: it ends too early")
	}
	return v, nil
}

// explainResource explains why a POST or PUT body was refused.
func (h *Handler) explainResource(users bool, body []byte) *Error {
	v, e := decodeBody(body)
	if e != nil {
		return e
	}
	res, ok := v.(map[string]any)
	if !ok {
		return errBadRequest("invalidSyntax", "the request body must be a JSON object holding the resource's attributes")
	}
	if e := duplicateKeys(res); e != nil {
		return e
	}
	core, exts := h.resourceSchemas(users)
	if !listsSchema(res["schemas"], core.ID) {
		return errBadRequest("invalidSyntax", fmt.Sprintf(`the resource must list its schema: "schemas": [%q]`, core.ID))
	}
	if e := checkAttributes(core.Attributes, res, ""); e != nil {
		return e
	}
	for _, ext := range exts {
		val, present := res[ext.ID]
		if !present || val == nil {
			continue
		}
		m, ok := val.(map[string]any)
		if !ok {
			return errBadRequest("invalidValue", fmt.Sprintf("%q must be an object holding the extension's attributes", ext.ID))
		}
		if e := checkAttributes(ext.Attributes, m, ext.ID+":"); e != nil {
			return e
		}
	}
	return nil
}

// duplicateKeys finds two keys of obj that differ only in letter case:
// attribute names are case-insensitive, so the resource is ambiguous.
func duplicateKeys(obj map[string]any) *Error {
	seen := make(map[string]string, len(obj))
	for k := range obj {
		f := strings.ToLower(k)
		if prev, ok := seen[f]; ok {
			a, b := min(prev, k), max(prev, k)
			return errBadRequest("invalidSyntax", fmt.Sprintf("attribute %q is given twice (as %q and %q); attribute names are case-insensitive", a, a, b))
		}
		seen[f] = k
	}
	return nil
}

func listsSchema(v any, id string) bool {
	list, _ := v.([]any)
	for _, s := range list {
		if s == id {
			return true
		}
	}
	return false
}

// checkAttributes checks the values of obj against attrs as the library
// does, saying which one is wrong.
func checkAttributes(attrs []schema.CoreAttribute, obj map[string]any, prefix string) *Error {
	for _, a := range attrs {
		var val any
		for k, v := range obj {
			if strings.EqualFold(k, a.Name()) {
				val = v
			}
		}
		if e := checkValue(a, val, prefix+a.Name()); e != nil {
			return e
		}
	}
	return nil
}

func checkValue(a schema.CoreAttribute, v any, name string) *Error {
	if v == nil {
		if a.Required() && a.Mutability() != "readOnly" {
			return errBadRequest("invalidValue", fmt.Sprintf("%q is required", name))
		}
		return nil
	}
	if a.Mutability() == "readOnly" {
		return nil
	}
	if !a.MultiValued() {
		return checkSingular(a, v, name)
	}
	switch list := v.(type) {
	case []any:
		for _, el := range list {
			if e := checkSingular(a, el, name); e != nil {
				return e
			}
		}
	case map[string]any:
		return checkSingular(a, list, name)
	default:
		return errBadRequest("invalidValue", fmt.Sprintf("%q must be a list, got %s", name, describe(v)))
	}
	return nil
}

func checkSingular(a schema.CoreAttribute, v any, name string) *Error {
	want := ""
	switch a.AttributeType() {
	case "string", "reference", "binary":
		if _, ok := v.(string); !ok {
			want = "a string"
		}
	case "dateTime":
		if _, ok := v.(string); !ok {
			want = "an RFC 3339 date-time string"
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			want = "true or false"
		}
	case "integer", "decimal":
		if _, ok := v.(json.Number); !ok {
			want = "a number"
		}
	case "complex":
		m, ok := v.(map[string]any)
		if !ok {
			want = "an object"
			break
		}
		return checkAttributes(a.SubAttributes(), m, name+".")
	}
	if want != "" {
		return errBadRequest("invalidValue", fmt.Sprintf("%q must be %s, got %s", name, want, describe(v)))
	}
	return nil
}

func describe(v any) string {
	switch v := v.(type) {
	case string:
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return fmt.Sprintf("%q", v)
	case bool:
		return fmt.Sprint(v)
	case json.Number:
		return "the number " + v.String()
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

const patchOpURN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

// explainPatch explains why a PATCH body was refused.
func (h *Handler) explainPatch(users bool, body []byte) *Error {
	v, e := decodeBody(body)
	if e != nil {
		return e
	}
	if _, ok := v.(map[string]any); !ok {
		return errBadRequest("invalidSyntax", `a PATCH body must be a JSON object: {"schemas": ["`+patchOpURN+`"], "Operations": [...]}`)
	}
	var req struct {
		Schemas    []string
		Operations []json.RawMessage
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return errBadRequest("invalidSyntax", `a PATCH body must be {"schemas": ["`+patchOpURN+`"], "Operations": [...]}`)
	}
	if len(req.Schemas) != 1 || req.Schemas[0] != patchOpURN {
		return errBadRequest("invalidValue", `a PATCH request must have "schemas": ["`+patchOpURN+`"]`)
	}
	if len(req.Operations) == 0 {
		return errBadRequest("invalidValue", `a PATCH request needs at least one operation in "Operations"`)
	}
	core, exts := h.resourceSchemas(users)
	resource := "Group"
	if users {
		resource = "User"
	}
	for i, raw := range req.Operations {
		n := i + 1
		var op struct {
			Op    string
			Path  string
			Value any
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&op); err != nil {
			return errBadRequest("invalidSyntax", fmt.Sprintf(`operation %d must be an object with "op", "path" and "value"`, n))
		}
		verb := strings.ToLower(op.Op)
		if verb != "add" && verb != "remove" && verb != "replace" {
			return errBadRequest("invalidValue", fmt.Sprintf(`operation %d: "op" must be add, remove or replace, got %q`, n, op.Op))
		}
		if op.Path == "" {
			if verb == "remove" {
				return errBadRequest("noTarget", fmt.Sprintf(`operation %d: remove needs a "path"`, n))
			}
			m, ok := op.Value.(map[string]any)
			if !ok {
				return errBadRequest("invalidValue", fmt.Sprintf(`operation %d: without a "path", "value" must be an object of attribute names and values`, n))
			}
			for key, val := range m {
				if strings.EqualFold(key, "id") {
					continue // Okta's group rename sends the id inside the value
				}
				if e := checkPatchTarget(core, exts, resource, key, val, true); e != nil {
					return inOperation(n, e)
				}
			}
			continue
		}
		if e := checkPatchTarget(core, exts, resource, op.Path, op.Value, verb != "remove"); e != nil {
			return inOperation(n, e)
		}
	}
	return nil
}

func inOperation(n int, e *Error) *Error {
	e.Detail = fmt.Sprintf("operation %d: %s", n, e.Detail)
	return e
}

// checkPatchTarget resolves one PATCH path (or pathless key) and checks
// its value.
func checkPatchTarget(core schema.Schema, exts []schema.Schema, resource string, path string, val any, needValue bool) *Error {
	for _, ext := range exts {
		if strings.EqualFold(path, ext.ID) {
			m, ok := val.(map[string]any)
			if !ok {
				return errBadRequest("invalidValue", fmt.Sprintf("%q must be an object holding the extension's attributes", path))
			}
			return checkAttributes(ext.Attributes, m, ext.ID+":")
		}
	}
	p, err := filter.ParsePath([]byte(path))
	if err != nil {
		return errBadRequest("invalidPath", fmt.Sprintf("%q is not a valid attribute path", path))
	}
	attrs := core.Attributes
	if uri := p.AttributePath.URI(); uri != "" && !strings.EqualFold(uri, core.ID) {
		attrs = nil
		for _, ext := range exts {
			if strings.EqualFold(uri, ext.ID) {
				attrs = ext.Attributes
			}
		}
	}
	a, ok := findAttr(attrs, p.AttributePath.AttributeName)
	if !ok {
		for _, ext := range exts {
			if _, inExt := findAttr(ext.Attributes, p.AttributePath.AttributeName); inExt && p.AttributePath.URI() == "" {
				return errBadRequest("invalidPath", fmt.Sprintf("%q is not an attribute of the %s resource; extension attributes need their schema URN, as %s:%s", path, resource, ext.ID, path))
			}
		}
		return errBadRequest("invalidPath", fmt.Sprintf("%q is not an attribute of the %s resource", path, resource))
	}
	if a.Mutability() == "readOnly" {
		return errBadRequest("mutability", fmt.Sprintf("%q is read-only", path))
	}
	sub := p.AttributePath.SubAttributeName()
	if sub == "" {
		sub = p.SubAttributeName()
	}
	if sub != "" {
		if a, ok = findAttr(a.SubAttributes(), sub); !ok {
			return errBadRequest("invalidPath", fmt.Sprintf("%q is not an attribute of the %s resource", path, resource))
		}
	}
	if !needValue {
		return nil
	}
	if val == nil {
		return errBadRequest("invalidValue", fmt.Sprintf(`%q needs a "value" (to clear an attribute, use "op": "remove")`, path))
	}
	if sub != "" || p.ValueExpression != nil || !a.MultiValued() {
		if a.MultiValued() && sub == "" {
			return checkSingular(a, val, path)
		}
		return checkSingularOrList(a, val, path)
	}
	return checkValue(a, val, path)
}

func checkSingularOrList(a schema.CoreAttribute, v any, name string) *Error {
	if list, ok := v.([]any); ok && a.MultiValued() {
		for _, el := range list {
			if e := checkSingular(a, el, name); e != nil {
				return e
			}
		}
		return nil
	}
	return checkSingular(a, v, name)
}

func findAttr(attrs []schema.CoreAttribute, name string) (schema.CoreAttribute, bool) {
	for _, a := range attrs {
		if strings.EqualFold(a.Name(), name) {
			return a, true
		}
	}
	return schema.CoreAttribute{}, false
}
