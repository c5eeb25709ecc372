package scimpatch

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// deepCopy copies the JSON-like value v (maps and slices; scalars are
// shared, being immutable).
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopy(e)
		}
		return out
	case []map[string]any: // as a host might build a multi-valued attribute
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopy(e)
		}
		return out
	default:
		return v
	}
}

// equal reports whether the JSON-like values a and b are the same: maps
// with the same keys and equal values, slices with equal elements in the
// same order, numbers with the same value whatever their Go type. Strings
// compare case-exactly.
func equal(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case string:
		bs, ok := b.(string)
		return ok && a == bs
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok || !equal(av, bv) {
				return false
			}
		}
		return true
	case []any:
		bl, ok := b.([]any)
		if !ok || len(a) != len(bl) {
			return false
		}
		for i := range a {
			if !equal(a[i], bl[i]) {
				return false
			}
		}
		return true
	}
	af, aok := number(a)
	bf, bok := number(b)
	return aok && bok && af == bf
}

// number returns v as a float64 if it is a number of any Go type that JSON
// decoding or elimity produces.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// parseBool accepts a JSON boolean or the strings "true" and "false" in any
// case (Entra ID sends "True" and "False").
func parseBool(v any) (bool, bool) {
	switch b := v.(type) {
	case bool:
		return b, true
	case string:
		switch {
		case strings.EqualFold(b, "true"):
			return true, true
		case strings.EqualFold(b, "false"):
			return false, true
		}
	}
	return false, false
}

// convert checks that v is a single value of attribute a's type and returns
// it in canonical form: bool for booleans (string booleans converted),
// int64 for integers, float64 for decimals, and for complex values a new map
// keyed in schema case holding only writable known sub-attributes. Unknown
// and read-only sub-attributes are dropped, as elimity drops them; null
// sub-attributes are left out. path names the target in error details.
func convert(a *attribute, v any, path string) (any, *Error) {
	switch a.typ {
	case typeBoolean:
		b, ok := parseBool(v)
		if !ok {
			return nil, newError(ScimTypeInvalidValue, "%q must be true or false, got %s", path, describe(v))
		}
		return b, nil
	case typeComplex:
		m, ok := v.(map[string]any)
		if !ok && !a.multi && a.value != nil {
			// A single-valued complex attribute with a "value" (manager)
			// given as that value alone, or as a one-element list: the
			// shapes Entra ID sends for the enterprise manager.
			switch sv := v.(type) {
			case string:
				m, ok = map[string]any{a.value.name: sv}, true
			case []any:
				if len(sv) == 1 {
					if s, isStr := sv[0].(string); isStr {
						m, ok = map[string]any{a.value.name: s}, true
					} else {
						m, ok = sv[0].(map[string]any)
					}
				}
			}
		}
		if !ok {
			return nil, newError(ScimTypeInvalidValue, "%q must be an object, got %s", path, describe(v))
		}
		out := make(map[string]any, len(m))
		for k, sv := range m {
			sub := a.sub(k)
			if sub == nil || sub.mutability == mutReadOnly || sv == nil {
				continue
			}
			if _, dup := out[sub.name]; dup {
				return nil, newError(ScimTypeInvalidSyntax, "%q has sub-attribute %q more than once", path, sub.name)
			}
			c, err := convert(sub, sv, path+"."+sub.name)
			if err != nil {
				return nil, err
			}
			out[sub.name] = c
		}
		return out, nil
	case typeInteger:
		f, ok := number(v)
		if !ok || f != math.Trunc(f) {
			return nil, newError(ScimTypeInvalidValue, "%q must be an integer, got %s", path, describe(v))
		}
		if n, isNum := v.(json.Number); isNum {
			if i, err := n.Int64(); err == nil {
				return i, nil
			}
		}
		if i, isInt := v.(int64); isInt {
			return i, nil
		}
		return int64(f), nil
	case typeDecimal:
		f, ok := number(v)
		if !ok {
			return nil, newError(ScimTypeInvalidValue, "%q must be a number, got %s", path, describe(v))
		}
		return f, nil
	default: // string, reference, dateTime, binary
		s, ok := v.(string)
		if !ok {
			return nil, newError(ScimTypeInvalidValue, "%q must be a string, got %s", path, describe(v))
		}
		return s, nil
	}
}

// describe names v for error details: a short quoted string, the
// number, true or false, or the kind of JSON value.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return strconv.Quote(v)
	case bool:
		return strconv.FormatBool(v)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case json.Number:
		return "the number " + v.String()
	}
	if f, ok := number(v); ok {
		return "the number " + strconv.FormatFloat(f, 'g', -1, 64)
	}
	return "an unsupported value"
}

// findKey returns the key of m that equals name case-insensitively,
// preferring the exact spelling, and whether there is one.
func findKey(m map[string]any, name string) (string, bool) {
	if _, ok := m[name]; ok {
		return name, true
	}
	for k := range m {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

// get returns m's value for name, matched case-insensitively.
func get(m map[string]any, name string) (any, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	k, ok := findKey(m, name)
	if !ok {
		return nil, false
	}
	return m[k], true
}

// set stores v in m under name (schema case), removing any other spelling
// of the same key.
func set(m map[string]any, name string, v any) {
	if k, ok := findKey(m, name); ok && k != name {
		delete(m, k)
	}
	m[name] = v
}

// del removes name from m, whatever its spelling, and reports whether it
// was there.
func del(m map[string]any, name string) bool {
	k, ok := findKey(m, name)
	if ok {
		delete(m, k)
	}
	return ok
}
