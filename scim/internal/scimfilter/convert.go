package scimfilter

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimkit/scimkit/store"
)

// FromExpression converts e, a filter parsed by
// github.com/scim2/filter-parser/v2 (for example the one elimity's
// ListRequestParams.FilterValidator.GetFilter returns), into a store.Filter
// for resources of kind k.
//
// Attribute names and schema URIs match case-insensitively and come out as
// the store.Attr* constants; chains of the same logical operator are
// flattened into one store.And or store.Or. String values have their JSON
// escapes decoded (the filter-parser keeps them as written), booleans
// accept true/false and the strings "true"/"false" in any case, and
// meta.created/meta.lastModified take RFC 3339 date-times, which become
// time.Time values in UTC. A value path with its filter, such as
// emails[type eq "work" and value eq "a@x.com"], becomes a store.ValuePath
// whose comparisons name bare sub-attributes ("type", "value").
//
// Every error is a *Error whose Detail an administrator can act on.
func FromExpression(e filter.Expression, k Kind) (store.Filter, error) {
	if err := checkKind(k); err != nil {
		return nil, err
	}
	f, err := converter{kind: k}.expr(e)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// converter converts one expression tree. Inside a value path, multi is the
// canonical name of the multi-valued attribute (store.AttrEmails) and
// multiPath its SCIM path, and attribute paths name its sub-attributes.
type converter struct {
	kind             Kind
	multi, multiPath string
}

func (c converter) expr(e filter.Expression) (store.Filter, *Error) {
	switch e := e.(type) {
	case *filter.AttributeExpression:
		if e != nil {
			return c.attrExp(e)
		}
	case *filter.LogicalExpression:
		if e != nil {
			return c.logical(e)
		}
	case *filter.NotExpression:
		if e != nil {
			f, err := c.expr(e.Expression)
			if err != nil {
				return nil, err
			}
			return store.Not{Filter: f}, nil
		}
	case *filter.ValuePath:
		if e != nil {
			return c.valuePath(e)
		}
	}
	return nil, newError("the filter has an empty or unknown expression")
}

func (c converter) logical(e *filter.LogicalExpression) (store.Filter, *Error) {
	op := filter.LogicalOperator(strings.ToLower(string(e.Operator)))
	if op != filter.AND && op != filter.OR {
		return nil, newError(strconv.Quote(string(e.Operator)), " is not a logical operator; use and, or")
	}
	var fs []store.Filter
	if err := c.collect(e, op, &fs); err != nil {
		return nil, err
	}
	if op == filter.AND {
		return store.And{Filters: fs}, nil
	}
	return store.Or{Filters: fs}, nil
}

// collect appends the operands of the op-chain rooted at e to fs, so that
// a and (b and c) and d gives one list of four.
func (c converter) collect(e filter.Expression, op filter.LogicalOperator, fs *[]store.Filter) *Error {
	if l, ok := e.(*filter.LogicalExpression); ok && l != nil &&
		filter.LogicalOperator(strings.ToLower(string(l.Operator))) == op {
		if err := c.collect(l.Left, op, fs); err != nil {
			return err
		}
		return c.collect(l.Right, op, fs)
	}
	f, err := c.expr(e)
	if err != nil {
		return err
	}
	*fs = append(*fs, f)
	return nil
}

func (c converter) attrExp(e *filter.AttributeExpression) (store.Filter, *Error) {
	a, name, err := c.resolve(&e.AttributePath)
	if err != nil {
		return nil, err
	}
	return compare(a, name, e.Operator, valueOf(e.CompareValue))
}

// resolve finds the attribute p names and the name to use for it in error
// details.
func (c converter) resolve(p *filter.AttributePath) (attr, string, *Error) {
	if c.multi != "" {
		if p.URIPrefix == nil && p.SubAttribute == nil {
			if a, ok := lookupSub(c.multi, p.AttributeName); ok {
				return a, c.multiPath + "." + a.path, nil
			}
		}
		return attr{}, "", newError("filtering on ", strconv.Quote(c.multiPath+"."+p.String()),
			" is not supported; inside ", c.multiPath, "[...] compare one of ", subNames(c.multi))
	}
	scope := scopeOf(p.URI(), c.kind)
	if scope == scopeUnknown {
		return attr{}, "", newError("the schema ", strconv.Quote(p.URI()), " in ", strconv.Quote(p.String()),
			" is not supported; name attributes without a prefix, or with ", schemaURIs(c.kind))
	}
	a, ok := lookup(c.kind, scope, p.AttributeName, p.SubAttributeName())
	if !ok {
		return attr{}, "", newError("filtering on ", strconv.Quote(p.String()),
			" is not supported; supported attributes are ", supported(c.kind))
	}
	return a, a.path, nil
}

func schemaURIs(k Kind) string {
	if k == Groups {
		return groupURN
	}
	return userURN + " or " + store.EnterpriseURN
}

func (c converter) valuePath(e *filter.ValuePath) (store.Filter, *Error) {
	p := &e.AttributePath
	if c.multi != "" {
		return nil, newError("value paths cannot be nested, as in ", strconv.Quote(c.multiPath+"["+p.String()+"[...]]"))
	}
	a, _, err := c.resolve(p)
	if err != nil {
		return nil, err
	}
	if a.typ != tMulti {
		return nil, newError("a value filter in square brackets needs a multi-valued attribute (",
			multiNames(c.kind), "), not ", strconv.Quote(p.String()))
	}
	inner, err := converter{kind: c.kind, multi: a.canon, multiPath: a.path}.expr(e.ValueFilter)
	if err != nil {
		return nil, err
	}
	return store.ValuePath{Attr: a.canon, Filter: inner}, nil
}

func multiNames(k Kind) string {
	if k == Groups {
		return "members"
	}
	return "emails"
}

// value is a compare value as the filter-parser gives it: a string (the
// text between the quotes, escapes undecoded), a bool, or anything else
// (null, numbers) in other. It exists so that ParseSimple can hand a
// string to compare without boxing it in an interface first.
type value struct {
	kind  valueKind
	s     string
	b     bool
	other any
}

type valueKind uint8

const (
	vOther valueKind = iota
	vString
	vBool
)

func valueOf(v any) value {
	switch v := v.(type) {
	case string:
		return value{kind: vString, s: v}
	case bool:
		return value{kind: vBool, b: v}
	}
	return value{other: v}
}

// show renders v as the filter would have written it, for error details.
func (v value) show() string {
	switch v.kind {
	case vString:
		return quoteShort(v.s)
	case vBool:
		return strconv.FormatBool(v.b)
	}
	return showValue(v.other)
}

// compare builds the comparison of attribute a (called name in errors)
// with the operator and value as the filter-parser gives them. Both
// FromExpression and ParseSimple build every comparison here, which is what
// keeps their results identical.
func compare(a attr, name string, op filter.CompareOperator, v value) (store.Filter, *Error) {
	o, ok := storeOp(op)
	if !ok {
		return nil, newError(strconv.Quote(string(op)), " is not a SCIM comparison operator; use eq, ne, co, sw, ew, gt, ge, lt, le or pr")
	}
	if a.typ == tMulti {
		if o != store.OpPr {
			return nil, newError(strconv.Quote(name), " is multi-valued and can only be tested with pr; compare a sub-attribute instead, as in ",
				name, `.value eq "..." or `, name, `[value eq "..."]`)
		}
		return store.Compare{Attr: a.canon, Op: o}, nil
	}
	if o == store.OpPr {
		return store.Compare{Attr: a.canon, Op: o}, nil
	}
	switch a.typ {
	case tBool:
		if o != store.OpEq && o != store.OpNe {
			return nil, newError("operator ", string(o), " cannot be used with the boolean attribute ", strconv.Quote(name), "; use eq, ne or pr")
		}
		switch v.kind {
		case vBool:
			return store.Compare{Attr: a.canon, Op: o, Value: v.b}, nil
		case vString:
			if s, ok := unescape(v.s); ok {
				switch {
				case strings.EqualFold(s, "true"):
					return store.Compare{Attr: a.canon, Op: o, Value: true}, nil
				case strings.EqualFold(s, "false"):
					return store.Compare{Attr: a.canon, Op: o, Value: false}, nil
				}
			}
		}
		return nil, newError(strconv.Quote(name), " needs true or false, got ", v.show())
	case tTime:
		switch o {
		case store.OpCo, store.OpSw, store.OpEw:
			return nil, newError("operator ", string(o), " cannot be used with the date-time attribute ", strconv.Quote(name),
				"; use eq, ne, gt, ge, lt, le or pr")
		}
		if v.kind == vString {
			if s, ok := unescape(v.s); ok {
				if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
					return store.Compare{Attr: a.canon, Op: o, Value: t.UTC()}, nil
				}
			}
		}
		return nil, newError(strconv.Quote(name), " needs an RFC 3339 date-time such as \"2026-01-02T15:04:05Z\", got ", v.show())
	default:
		if v.kind != vString {
			return nil, newError(strconv.Quote(name), " needs a string value in double quotes, got ", v.show())
		}
		s, ok := unescape(v.s)
		if !ok {
			return nil, newError("the value compared with ", strconv.Quote(name), " is not valid UTF-8 text")
		}
		return store.Compare{Attr: a.canon, Op: o, Value: s}, nil
	}
}

// storeOp maps a filter-parser operator, in any case, to a store.Op.
func storeOp(op filter.CompareOperator) (store.Op, bool) {
	switch strings.ToLower(string(op)) {
	case "eq":
		return store.OpEq, true
	case "ne":
		return store.OpNe, true
	case "co":
		return store.OpCo, true
	case "sw":
		return store.OpSw, true
	case "ew":
		return store.OpEw, true
	case "pr":
		return store.OpPr, true
	case "gt":
		return store.OpGt, true
	case "ge":
		return store.OpGe, true
	case "lt":
		return store.OpLt, true
	case "le":
		return store.OpLe, true
	}
	return "", false
}

// showValue renders a compare value as the filter would have written it,
// for error details.
func showValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return quoteShort(v)
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case json.Number:
		return string(v)
	default:
		return "a value of an unsupported type"
	}
}

// unescape decodes the JSON escapes of s, the text between the quotes of a
// filter string as the filter-parser returns it (it validates the escapes
// but does not decode them). It reports false if s is not valid UTF-8 or
// holds a malformed escape. A lone UTF-16 surrogate becomes U+FFFD, as in
// encoding/json. Without escapes s is returned as is, without allocating.
func unescape(s string) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s, true
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", false
		}
		switch s[i+1] {
		case '"', '\\', '/':
			b = append(b, s[i+1])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(s, i+2)
			if !ok {
				return "", false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(s, i+2); ok && i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						b = utf8.AppendRune(b, dec)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			return "", false
		}
		i += 2
	}
	return string(b), true
}

// hex4 decodes the four hex digits at s[i:i+4].
func hex4(s string, i int) (rune, bool) {
	if i < 0 || i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
