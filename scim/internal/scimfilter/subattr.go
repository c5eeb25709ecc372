package scimfilter

import (
	"strings"

	"github.com/scim2/filter-parser/v2"
)

// subMarker is the schema URI that rewriteSubAttrs writes in place of the
// "." of a "].sub" so that the filter-parser accepts the filter.
const subMarker = "x-scimkit-valuepath-subattr"

// parseFilter parses s with the filter-parser. A filter with a
// sub-attribute after a value path ("].sub" outside string values), which
// the filter-parser's grammar has no room for, is parsed after rewriting
// every "].sub" as "] and x-scimkit-valuepath-subattr:sub"; in the
// resulting tree the marked comparison directly follows its value path in
// an and-chain, and is moved into the value path's filter:
//
//	emails[type eq "work"].value eq "x"
//	-> emails[type eq "work"] and <marker>:value eq "x"
//	-> emails[type eq "work" and value eq "x"]
//
// It reports false when s (or its rewrite) does not parse into that shape.
func parseFilter(s string) (filter.Expression, bool) {
	rewritten, ok := rewriteSubAttrs(s)
	if !ok {
		e, err := filter.ParseFilter([]byte(s))
		return e, err == nil
	}
	e, err := filter.ParseFilter([]byte(rewritten))
	if err != nil {
		return nil, false
	}
	return mergeSubAttrs(e)
}

// rewriteSubAttrs returns s with each "].sub" outside string values
// rewritten for parseFilter, and false if there is none (or if s spells the
// marker itself, which then cannot be told apart).
func rewriteSubAttrs(s string) (string, bool) {
	var (
		b                 strings.Builder
		inString, escaped bool
		last              int
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString = true
		case c == ']' && i+1 < len(s) && s[i+1] == '.':
			b.WriteString(s[last : i+1])
			b.WriteString(" and " + subMarker + ":")
			last = i + 2
			i++
		}
	}
	if last == 0 || strings.Contains(strings.ToLower(s), subMarker) {
		return "", false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// mergeSubAttrs moves each marked comparison into the value path before it.
func mergeSubAttrs(e filter.Expression) (filter.Expression, bool) {
	switch e := e.(type) {
	case *filter.AttributeExpression:
		return e, !marked(e)
	case *filter.ValuePath:
		return e, e.AttributePath.URI() != subMarker
	case *filter.NotExpression:
		inner, ok := mergeSubAttrs(e.Expression)
		return &filter.NotExpression{Expression: inner}, ok
	case *filter.LogicalExpression:
		if e.Operator != filter.AND {
			l, okL := mergeSubAttrs(e.Left)
			r, okR := mergeSubAttrs(e.Right)
			return &filter.LogicalExpression{Left: l, Right: r, Operator: e.Operator}, okL && okR
		}
		var chain []filter.Expression
		andChain(e, &chain)
		out := chain[:0]
		for _, x := range chain {
			if a, ok := x.(*filter.AttributeExpression); ok && marked(a) {
				if len(out) == 0 || a.AttributePath.SubAttribute != nil {
					return nil, false
				}
				vp, ok := out[len(out)-1].(*filter.ValuePath)
				if !ok {
					return nil, false
				}
				out[len(out)-1] = &filter.ValuePath{
					AttributePath: vp.AttributePath,
					ValueFilter: &filter.LogicalExpression{
						Left: vp.ValueFilter,
						Right: &filter.AttributeExpression{
							AttributePath: filter.AttributePath{AttributeName: a.AttributePath.AttributeName},
							Operator:      a.Operator,
							CompareValue:  a.CompareValue,
						},
						Operator: filter.AND,
					},
				}
				continue
			}
			m, ok := mergeSubAttrs(x)
			if !ok {
				return nil, false
			}
			out = append(out, m)
		}
		r := out[0]
		for _, x := range out[1:] {
			r = &filter.LogicalExpression{Left: r, Right: x, Operator: filter.AND}
		}
		return r, true
	}
	return e, true
}

func marked(a *filter.AttributeExpression) bool { return a.AttributePath.URI() == subMarker }

// andChain appends the operands of the and-chain rooted at e, in order.
func andChain(e filter.Expression, chain *[]filter.Expression) {
	if l, ok := e.(*filter.LogicalExpression); ok && l.Operator == filter.AND {
		andChain(l.Left, chain)
		andChain(l.Right, chain)
		return
	}
	*chain = append(*chain, e)
}
