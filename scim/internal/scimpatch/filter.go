package scimpatch

import (
	"strings"

	"github.com/scim2/filter-parser/v2"
)

// checkFilter verifies that expr, a value filter on the multi-valued
// attribute a, uses only what matchFilter supports: comparisons eq, ne, co,
// sw, ew and pr on a's sub-attributes (or on "value" for a multi-valued
// simple attribute), combined with and, or and not.
func checkFilter(a *attribute, expr filter.Expression, path string) *Error {
	switch e := expr.(type) {
	case *filter.AttributeExpression:
		if e.AttributePath.URIPrefix != nil || e.AttributePath.SubAttribute != nil {
			return newError(ScimTypeInvalidFilter, "%q: filter attribute %q is not supported; name a sub-attribute of %q", path, e.AttributePath.String(), a.name)
		}
		if filterAttribute(a, e.AttributePath.AttributeName) == nil {
			return newError(ScimTypeInvalidFilter, "%q: %q has no sub-attribute %q", path, a.name, e.AttributePath.AttributeName)
		}
		switch e.Operator {
		case filter.EQ, filter.NE, filter.CO, filter.SW, filter.EW, filter.PR:
			return nil
		}
		return newError(ScimTypeInvalidFilter, "%q: operator %q is not supported in a PATCH path; use eq, ne, co, sw, ew or pr", path, string(e.Operator))
	case *filter.LogicalExpression:
		if err := checkFilter(a, e.Left, path); err != nil {
			return err
		}
		return checkFilter(a, e.Right, path)
	case *filter.NotExpression:
		return checkFilter(a, e.Expression, path)
	}
	return newError(ScimTypeInvalidFilter, "%q: this kind of value filter is not supported", path)
}

// filterAttribute returns the sub-attribute of a a filter names; for a
// multi-valued simple attribute it is the value itself, named "value".
func filterAttribute(a *attribute, name string) *attribute {
	if a.typ == typeComplex {
		return a.sub(name)
	}
	if strings.EqualFold(name, "value") {
		return &attribute{name: "value", typ: a.typ, caseExact: a.caseExact}
	}
	return nil
}

// matchFilter reports whether element elem of a matches expr, which
// checkFilter accepted. Strings compare case-insensitively unless the
// sub-attribute is caseExact; an absent boolean is false.
func matchFilter(a *attribute, elem any, expr filter.Expression) bool {
	switch e := expr.(type) {
	case *filter.AttributeExpression:
		sub := filterAttribute(a, e.AttributePath.AttributeName)
		var v any
		var present bool
		if a.typ == typeComplex {
			m, _ := elem.(map[string]any)
			v, present = get(m, sub.name)
		} else {
			v, present = elem, elem != nil
		}
		if v == nil {
			present = false
		}
		if sub.typ == typeBoolean && !present {
			v, present = false, true
		}
		return compare(sub, e.Operator, v, present, e.CompareValue)
	case *filter.LogicalExpression:
		if e.Operator == filter.AND {
			return matchFilter(a, elem, e.Left) && matchFilter(a, elem, e.Right)
		}
		return matchFilter(a, elem, e.Left) || matchFilter(a, elem, e.Right)
	case *filter.NotExpression:
		return !matchFilter(a, elem, e.Expression)
	}
	return false
}

func compare(sub *attribute, op filter.CompareOperator, v any, present bool, want any) bool {
	if op == filter.PR {
		switch x := v.(type) {
		case string:
			return x != ""
		case []any:
			return len(x) > 0
		case map[string]any:
			return len(x) > 0
		}
		return present
	}
	if op == filter.NE {
		return !compare(sub, filter.EQ, v, present, want)
	}
	if !present {
		return false
	}
	if sub.typ == typeBoolean {
		got, ok1 := parseBool(v)
		w, ok2 := parseBool(want)
		return ok1 && ok2 && op == filter.EQ && got == w
	}
	gs, ok1 := v.(string)
	ws, ok2 := want.(string)
	if !ok1 || !ok2 {
		return op == filter.EQ && equal(v, want)
	}
	if !sub.caseExact {
		gs, ws = strings.ToLower(gs), strings.ToLower(ws)
	}
	switch op {
	case filter.EQ:
		return gs == ws
	case filter.CO:
		return strings.Contains(gs, ws)
	case filter.SW:
		return strings.HasPrefix(gs, ws)
	case filter.EW:
		return strings.HasSuffix(gs, ws)
	}
	return false
}

// eqValues returns the sub-attribute values a filter pins down when it is
// one eq comparison or an and of eq comparisons on distinct sub-attributes
// of a complex attribute: emails[type eq "work"] gives {"type": "work"}. It
// reports false for any other filter (or, not, ne, ...), from which no new
// element can be derived.
func eqValues(a *attribute, expr filter.Expression, into map[string]any) bool {
	if a.typ != typeComplex {
		return false
	}
	switch e := expr.(type) {
	case *filter.AttributeExpression:
		if e.Operator != filter.EQ {
			return false
		}
		sub := a.sub(e.AttributePath.AttributeName)
		if sub == nil || sub.mutability == mutReadOnly {
			return false
		}
		v, err := convert(sub, e.CompareValue, a.name+"."+sub.name)
		if err != nil {
			return false
		}
		if old, dup := into[sub.name]; dup && !equal(old, v) {
			return false
		}
		into[sub.name] = v
		return true
	case *filter.LogicalExpression:
		return e.Operator == filter.AND && eqValues(a, e.Left, into) && eqValues(a, e.Right, into)
	}
	return false
}
