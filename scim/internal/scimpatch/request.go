package scimpatch

import (
	"strings"

	"github.com/elimity-com/scim"
)

// patchOpURN is the schema of a PATCH request body.
const patchOpURN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

// ParseRequest reads the decoded body of a PATCH request (as encoding/json
// decodes it with UseNumber) into operations for ApplyUser or ApplyGroup:
// the envelope ("schemas": [patchOpURN] and at least one operation, keys
// in any letter case), each operation's "op" (add, remove or replace, any
// case; returned lower-cased), its "path" (parsed; a path that is an
// extension's URN becomes a pathless operation holding that extension's
// object) and its "value" (as sent, less an "id" key of an object value,
// which Okta sends to name the resource: ApplyUser and ApplyGroup check values
// against the schema). An add or replace with a path needs a value; a
// remove needs a path. Errors name the operation at fault.
func ParseRequest(body any, s Schema) ([]scim.PatchOperation, *Error) {
	req, ok := body.(map[string]any)
	if !ok {
		return nil, newError(ScimTypeInvalidSyntax, `a PATCH body must be a JSON object: {"schemas": [%q], "Operations": [...]}`, patchOpURN)
	}
	schemas, _ := get(req, "schemas")
	if list, _ := schemas.([]any); len(list) != 1 || list[0] != patchOpURN {
		return nil, newError(ScimTypeInvalidValue, `a PATCH request must have "schemas": [%q]`, patchOpURN)
	}
	rawOps, _ := get(req, "Operations")
	list, ok := rawOps.([]any)
	if rawOps != nil && !ok {
		return nil, newError(ScimTypeInvalidSyntax, `a PATCH body must be {"schemas": [%q], "Operations": [...]}`, patchOpURN)
	}
	if len(list) == 0 {
		return nil, newError(ScimTypeInvalidValue, `a PATCH request needs at least one operation in "Operations"`)
	}
	ops := make([]scim.PatchOperation, 0, len(list))
	for i, raw := range list {
		op, err := parseOperation(raw, s)
		if err != nil {
			return nil, inOp(err, i)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func parseOperation(raw any, s Schema) (scim.PatchOperation, *Error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return scim.PatchOperation{}, newError(ScimTypeInvalidSyntax, `an operation must be an object with "op", "path" and "value"`)
	}
	rawOp, _ := get(m, "op")
	verb, ok := rawOp.(string)
	kind := strings.ToLower(verb)
	if !ok || kind != scim.PatchOperationAdd && kind != scim.PatchOperationRemove && kind != scim.PatchOperationReplace {
		return scim.PatchOperation{}, newError(ScimTypeInvalidValue, `"op" must be add, remove or replace, got %s`, describe(rawOp))
	}
	rawPath, _ := get(m, "path")
	path, ok := rawPath.(string)
	if rawPath != nil && !ok {
		return scim.PatchOperation{}, newError(ScimTypeInvalidSyntax, `"path" must be a string, got %s`, describe(rawPath))
	}
	value, _ := get(m, "value")
	if obj, isObj := value.(map[string]any); isObj {
		// Okta sends the resource's id inside object values (a group
		// rename): it names the resource, it does not change it.
		for k := range obj {
			if strings.EqualFold(k, "id") {
				delete(obj, k)
			}
		}
	}
	op := scim.PatchOperation{Op: kind, Value: value}
	path = strings.TrimSpace(path)
	switch {
	case path == "" && kind == scim.PatchOperationRemove:
		return op, newError(ScimTypeNoTarget, `remove needs a "path" naming what to remove`)
	case path == "":
		if _, isObj := value.(map[string]any); !isObj {
			return op, newError(ScimTypeInvalidValue, `without a "path", "value" must be an object of attribute names and values, got %s`, describe(value))
		}
		return op, nil
	case value == nil && kind != scim.PatchOperationRemove:
		return op, newError(ScimTypeInvalidValue, `%q needs a "value" (to clear an attribute, use "op": "remove")`, path)
	}
	if ext := s.container(path); ext != nil && !ext.core && kind != scim.PatchOperationRemove {
		op.Value = map[string]any{ext.urn: value}
		return op, nil
	}
	p, err := parsePath(path)
	if err != nil {
		return op, newError(ScimTypeInvalidPath, "%q is not a valid attribute path", path)
	}
	op.Path = &p
	return op, nil
}
