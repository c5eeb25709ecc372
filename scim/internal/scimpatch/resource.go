package scimpatch

import "strings"

// Resource validates the decoded body of a POST or PUT (doc, as
// encoding/json decodes with UseNumber) against s and returns the
// resource's attributes in canonical form, the one pass every resource body
// goes through before it is used:
//
//   - doc must be an object listing the core schema in "schemas";
//   - keys match attribute names case-insensitively (two spellings of one
//     attribute are invalidSyntax) and come out in schema case; extension
//     attributes live in an object under the extension's URN;
//   - values are checked and converted as for PATCH values (see the
//     package documentation): Entra's string booleans become booleans,
//     numbers become int64 or float64, complex values keep only their
//     known writable sub-attributes, a manager given as a plain id or a
//     one-element list becomes {"value": id};
//   - a multi-valued attribute must be a list (a single object is taken as
//     a list of one);
//   - required attributes must be present and not null;
//   - unknown attributes are dropped, and so are read-only ones (id, meta,
//     groups) and write-only ones (password: accepted, never kept);
//     schemas is checked and dropped.
//
// Errors are *Error values naming the attribute at fault.
func (s Schema) Resource(doc any) (map[string]any, *Error) {
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, newError(ScimTypeInvalidSyntax, "the request body must be a JSON object holding the resource's attributes")
	}
	if s.core == nil {
		return nil, newError(ScimTypeInvalidSyntax, "this resource type has no schema")
	}
	if k, ok := findKey(obj, "schemas"); !ok || !listsSchema(obj[k], s.core.urn) {
		return nil, newError(ScimTypeInvalidSyntax, `the resource must list its schema: "schemas": [%q]`, s.core.urn)
	}
	out := make(map[string]any, len(obj))
	if err := s.attributes(s.core, obj, "", out); err != nil {
		return nil, err
	}
	for _, ext := range s.exts {
		k, ok := findKey(obj, ext.urn)
		if !ok || obj[k] == nil {
			continue
		}
		m, ok := obj[k].(map[string]any)
		if !ok {
			return nil, newError(ScimTypeInvalidValue, "%q must be an object holding the extension's attributes, got %s", ext.urn, describe(obj[k]))
		}
		inner := make(map[string]any, len(m))
		if err := s.attributes(ext, m, ext.urn+":", inner); err != nil {
			return nil, err
		}
		out[ext.urn] = inner
	}
	return out, nil
}

// attributes checks and converts the attributes of c found in obj into
// out; prefix qualifies names in error details.
func (s Schema) attributes(c *container, obj map[string]any, prefix string, out map[string]any) *Error {
	seen := make(map[string]string, len(obj))
	for k, v := range obj {
		a := c.attr(k)
		if a == nil {
			continue // unknown attributes (and extension URN keys) are not this container's
		}
		if prev, dup := seen[a.name]; dup {
			x, y := min(prev, k), max(prev, k)
			return newError(ScimTypeInvalidSyntax, "attribute %q is given twice (as %q and %q); attribute names are case-insensitive", x, x, y)
		}
		seen[a.name] = k
		if v == nil || a.mutability == mutReadOnly || a.mutability == mutWriteOnly {
			continue
		}
		name := prefix + a.name
		var conv any
		var err *Error
		if a.multi {
			conv, err = resourceList(a, v, name)
		} else {
			conv, err = convert(a, v, name)
		}
		if err != nil {
			return err
		}
		out[a.name] = conv
	}
	for _, a := range c.attrs {
		if a.required && a.mutability != mutReadOnly {
			if v, ok := out[a.name]; !ok || v == nil {
				return newError(ScimTypeInvalidValue, "%q is required", prefix+a.name)
			}
		}
	}
	return nil
}

// resourceList converts the value of a multi-valued attribute in a
// resource body: a list, or one object taken as a list of one.
func resourceList(a *attribute, v any, name string) (any, *Error) {
	list, ok := v.([]any)
	if !ok {
		if _, isObj := v.(map[string]any); !isObj || a.typ != typeComplex {
			return nil, newError(ScimTypeInvalidValue, "%q must be a list, got %s", name, describe(v))
		}
		list = []any{v}
	}
	out := make([]any, 0, len(list))
	for _, e := range list {
		if e == nil {
			continue
		}
		c, err := convert(a, e, name)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func listsSchema(v any, urn string) bool {
	list, _ := v.([]any)
	for _, s := range list {
		if str, ok := s.(string); ok && strings.EqualFold(str, urn) {
			return true
		}
	}
	return false
}
