package scimpatch

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/scim2/filter-parser/v2"
)

// NormalizeBooleans rewrites string booleans ("True", "false", any case) at
// boolean attributes of s into JSON booleans, so that elimity, which
// rejects them unless a process-wide switch is flipped, accepts what Entra
// ID sends ("active":"True"). body is a POST or PUT resource body (patch
// false) or a PATCH request body (patch true); in a PATCH body it rewrites
// the values of operations whose path targets a boolean (also inside
// complex and multi-valued values) and, for operations without path, the
// values under each key of the value object: plain keys ("active"), dotted
// sub-attribute paths ("emails.primary"), URN-qualified paths
// ("urn:...:User:department") and schema URN keys holding objects.
//
// It returns body itself and false when there is nothing to rewrite,
// including when body is not valid JSON (elimity then reports
// invalidSyntax). A body without any string that reads "true" or "false"
// in any case is recognised by a byte scan, without decoding. A rewritten
// body is re-encoded with encoding/json: key order is not kept, numbers
// are kept exactly. The error is reserved for a failure to re-encode.
func NormalizeBooleans(body []byte, s Schema, patch bool) ([]byte, bool, error) {
	if !hasStringBoolean(body) {
		return body, false, nil
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var doc any
	if err := d.Decode(&doc); err != nil || d.More() {
		return body, false, nil
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return body, false, nil
	}
	n := normalizer{s: s}
	if patch {
		n.patchBody(m)
	} else {
		n.object(s.core, m)
	}
	if !n.changed {
		return body, false, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(body))
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return body, false, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), true, nil
}

// hasStringBoolean reports whether body contains "true" or "false", with
// the quotes, in any case. It looks for the closing `e"` of such a word
// (rarer in JSON than quotes) and checks what precedes it.
func hasStringBoolean(body []byte) bool {
	for i := 5; i < len(body); i++ {
		if body[i] != '"' || body[i-1]|0x20 != 'e' {
			continue
		}
		if foldEq(body[i-5:i], "\"tru") ||
			i >= 6 && foldEq(body[i-6:i-1], "\"fals") {
			return true
		}
	}
	return false
}

// foldEq reports whether b equals w, a quote followed by a lower-case
// ASCII word, with the letters in any case.
func foldEq(b []byte, w string) bool {
	if b[0] != w[0] {
		return false
	}
	for i := 1; i < len(w); i++ {
		if b[i]|0x20 != w[i] {
			return false
		}
	}
	return true
}

type normalizer struct {
	s       Schema
	changed bool
}

// object rewrites the attributes of schema c in the resource object m;
// in the core object, extension URN keys hold the extensions' objects.
func (n *normalizer) object(c *container, m map[string]any) {
	for k, v := range m {
		if ext := n.s.container(k); ext != nil && c != nil && c.core {
			if inner, ok := v.(map[string]any); ok {
				n.object(ext, inner)
			}
			continue
		}
		if c == nil {
			continue
		}
		if a := c.attr(k); a != nil {
			m[k] = n.value(a, v)
		}
	}
}

// value rewrites v, a value of attribute a (a list or a single value if a
// is multi-valued).
func (n *normalizer) value(a *attribute, v any) any {
	if l, ok := v.([]any); ok && a.multi {
		for i, e := range l {
			l[i] = n.single(a, e)
		}
		return l
	}
	return n.single(a, v)
}

// single rewrites v, one value of attribute a.
func (n *normalizer) single(a *attribute, v any) any {
	switch a.typ {
	case typeBoolean:
		if s, ok := v.(string); ok {
			if b, ok := parseBool(s); ok {
				n.changed = true
				return b
			}
		}
	case typeComplex:
		if m, ok := v.(map[string]any); ok {
			for k, sv := range m {
				if sub := a.sub(k); sub != nil {
					m[k] = n.value(sub, sv)
				}
			}
		}
	}
	return v
}

// patchBody rewrites the values of a PATCH request's operations. Keys are
// matched case-insensitively, as elimity's decoding does.
func (n *normalizer) patchBody(m map[string]any) {
	ops, _ := get(m, "Operations")
	list, _ := ops.([]any)
	for _, e := range list {
		op, ok := e.(map[string]any)
		if !ok {
			continue
		}
		vk, ok := findKey(op, "value")
		if !ok {
			continue
		}
		p, _ := get(op, "path")
		if path, _ := p.(string); path != "" {
			op[vk] = n.path(path, op[vk])
			continue
		}
		if vm, ok := op[vk].(map[string]any); ok {
			for k, v := range vm {
				if c := n.s.container(k); c != nil {
					if inner, ok := v.(map[string]any); ok {
						for ik, iv := range inner {
							name, sub, _ := strings.Cut(ik, ".")
							if _, a, sa, err := n.s.resolve(c, ik, name, sub); err == nil {
								inner[ik] = n.target(a, sa, false, iv)
							}
						}
					}
					continue
				}
				vm[k] = n.path(k, v)
			}
		}
	}
}

// path rewrites v, the value of an operation whose target is path. Paths
// that do not resolve are left for elimity to reject.
func (n *normalizer) path(path string, v any) any {
	if strings.IndexByte(path, '[') < 0 {
		_, a, sub, err := n.s.resolveKey(path)
		if err != nil {
			return v
		}
		return n.target(a, sub, false, v)
	}
	p, err := filter.ParsePath([]byte(path))
	if err != nil {
		return v
	}
	c := n.s.core
	if uri := p.AttributePath.URI(); uri != "" {
		c = n.s.container(uri)
	}
	subName := p.AttributePath.SubAttributeName()
	if subName == "" {
		subName = p.SubAttributeName()
	}
	_, a, sub, rerr := n.s.resolve(c, path, p.AttributePath.AttributeName, subName)
	if rerr != nil {
		return v
	}
	return n.target(a, sub, p.ValueExpression != nil, v)
}

// target rewrites the value of an operation on attribute a, its
// sub-attribute sub (if not nil), with or without a value filter.
func (n *normalizer) target(a, sub *attribute, filtered bool, v any) any {
	switch {
	case sub != nil:
		return n.single(sub, v)
	case filtered:
		return n.single(a, v)
	default:
		return n.value(a, v)
	}
}
