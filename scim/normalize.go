package scim

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/scimkit/scimkit/store"
)

// normalizeManager rewrites the shapes in which Entra ID sends the
// enterprise extension's manager into the one the schema defines
// ({"value": "<id>"}), before the protocol library validates the body
// (which would refuse them):
//
//   - the manager's id as a plain string, in a resource body, in a PATCH
//     value whose path is ...:User:manager, or under that key in a pathless
//     PATCH value (seen from real tenants);
//   - a one-element list holding the manager object;
//   - a PATCH path "manager" without the extension URN (Microsoft's
//     provisioning tutorial), which is qualified.
//
// Bodies that do not mention "manager" are returned unchanged without
// being decoded.
func normalizeManager(body []byte, patch bool) ([]byte, bool) {
	if !containsFold(body, "manager") {
		return body, false
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		return body, false // the library answers invalid JSON
	}
	changed := false
	if !patch {
		changed = fixManagerIn(doc)
	} else {
		ops, _ := valueFold(doc, "Operations").([]any)
		for _, o := range ops {
			op, ok := o.(map[string]any)
			if !ok {
				continue
			}
			pathKey, path, _ := lookupFold(op, "path")
			p, _ := path.(string)
			switch {
			case strings.EqualFold(strings.TrimSpace(p), "manager") && pathKey != "":
				op[pathKey] = managerPath
				changed = true
				fallthrough
			case strings.EqualFold(strings.TrimSpace(p), managerPath):
				if k, v, ok := lookupFold(op, "value"); ok {
					if fixed, ok := fixManager(v); ok {
						op[k] = fixed
						changed = true
					}
				}
			case p == "":
				if v, ok := valueFold(op, "value").(map[string]any); ok {
					if fixManagerIn(v) {
						changed = true
					}
					if k, mv, ok := lookupFold(v, managerPath); ok {
						if fixed, ok := fixManager(mv); ok {
							v[k] = fixed
							changed = true
						}
					}
				}
			}
		}
	}
	if !changed {
		return body, false
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return body, false
	}
	return out, true
}

var managerPath = store.EnterpriseURN + ":manager"

// fixManagerIn fixes the manager inside a resource's (or a pathless
// PATCH value's) enterprise extension object.
func fixManagerIn(doc map[string]any) bool {
	ext, ok := valueFold(doc, store.EnterpriseURN).(map[string]any)
	if !ok {
		return false
	}
	k, v, found := lookupFold(ext, "manager")
	if !found {
		return false
	}
	fixed, ok := fixManager(v)
	if ok {
		ext[k] = fixed
	}
	return ok
}

// fixManager returns the schema form of a manager value, and whether it
// differed.
func fixManager(v any) (any, bool) {
	switch v := v.(type) {
	case string:
		return map[string]any{"value": v}, true
	case []any:
		if len(v) == 1 {
			if s, ok := v[0].(string); ok {
				return map[string]any{"value": s}, true
			}
			if m, ok := v[0].(map[string]any); ok {
				return m, true
			}
		}
	}
	return v, false
}

// valueFold is the value of key in m, matched case-insensitively (nil if
// absent).
func valueFold(m map[string]any, key string) any {
	_, v, _ := lookupFold(m, key)
	return v
}

// containsFold reports whether b contains the ASCII word s, in any letter
// case, without allocating.
func containsFold(b []byte, s string) bool {
	n := len(s)
	for i := 0; i+n <= len(b); i++ {
		if (b[i] | 0x20) != s[0] {
			continue
		}
		match := true
		for j := 1; j < n; j++ {
			if b[i+j]|0x20 != s[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
