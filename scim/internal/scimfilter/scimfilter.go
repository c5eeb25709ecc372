package scimfilter

import (
	"strconv"
	"strings"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimkit/scimkit/store"
)

// Kind is the resource type a filter applies to; it decides which
// attributes may be named.
type Kind int

// The resource kinds. The zero Kind is invalid: every call with it fails.
const (
	Users Kind = iota + 1
	Groups
)

// String returns "User" or "Group", the SCIM resource type name.
func (k Kind) String() string {
	switch k {
	case Users:
		return "User"
	case Groups:
		return "Group"
	default:
		return "Kind(" + strconv.Itoa(int(k)) + ")"
	}
}

// MaxLength is the longest filter, in bytes after trimming surrounding
// white space, that Parse and ParseSimple accept. IdP lookups are a few
// dozen bytes; the cap bounds the parser's work on hostile input.
const MaxLength = 4096

// MaxDepth is the deepest nesting of parentheses (including not(...)) that
// Parse accepts. IdPs nest at most a level or two; the filter-parser's
// cost grows faster than linearly with depth (about 90 ms for 2,000 levels
// against 15 ms for a flat filter of the same length).
const MaxDepth = 16

// Error reports a filter that cannot be used: a syntax error, an attribute
// the store cannot filter on, an operator that does not fit the attribute's
// type, or a value of the wrong type. Detail is a short sentence meant for
// an administrator; the SCIM layer sends it as the detail of a 400
// invalidFilter error.
type Error struct {
	Detail string
}

// Error returns the detail, prefixed with the package name.
func (e *Error) Error() string { return "scimfilter: " + e.Detail }

// newError returns an *Error whose detail is parts joined.
func newError(parts ...string) *Error { return &Error{Detail: strings.Join(parts, "")} }

// Parse parses raw, a SCIM filter (RFC 7644 section 3.4.2.2), with the
// filter-parser that github.com/elimity-com/scim uses, and converts it with
// FromExpression. Surrounding white space is trimmed first, as elimity does.
//
// Besides the RFC grammar it accepts a sub-attribute after a value path in a
// comparison, emails[type eq "work"].value eq "a@x.com", which Entra ID
// sends and the filter-parser rejects; it means the same as
// emails[type eq "work" and value eq "a@x.com"].
//
// Every error is a *Error.
func Parse(raw string, k Kind) (store.Filter, error) {
	s := strings.TrimSpace(raw)
	if err := checkKind(k); err != nil {
		return nil, err
	}
	if s == "" {
		return nil, newError("the filter is empty; write for example ", example(k))
	}
	if len(s) > MaxLength {
		return nil, newError("the filter is longer than ", strconv.Itoa(MaxLength), " bytes")
	}
	if depth(s) > MaxDepth {
		return nil, newError("the filter nests parentheses more than ", strconv.Itoa(MaxDepth), " levels deep")
	}
	e, ok := parseFilter(lenient(s))
	if !ok {
		return nil, syntaxError(s, k)
	}
	return FromExpression(e, k)
}

// depth returns the deepest nesting of parentheses in s outside string
// values.
func depth(s string) int {
	var (
		d, deepest        int
		inString, escaped bool
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '(':
			d++
			deepest = max(deepest, d)
		case c == ')':
			d--
		}
	}
	return deepest
}

func checkKind(k Kind) *Error {
	if k != Users && k != Groups {
		return newError("filtering ", k.String(), " resources is not supported")
	}
	return nil
}

func example(k Kind) string {
	if k == Groups {
		return `displayName eq "Engineering"`
	}
	return `userName eq "someone@example.com"`
}

// syntaxError explains why s did not parse, as well as a cheap scan can
// tell; the filter-parser's own messages name grammar internals.
func syntaxError(s string, k Kind) *Error {
	q := quoteShort(s)
	var (
		inString, escaped bool
		parens, brackets  int
		single            bool
		ws                bool
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
		switch c {
		case '"':
			inString = true
		case '\'':
			single = true
		case '(':
			parens++
		case ')':
			parens--
		case '[':
			brackets++
		case ']':
			brackets--
		case '\t', '\n', '\r', '\v', '\f':
			ws = true
		}
	}
	hint := ""
	switch {
	case inString:
		hint = "a string value is not closed with a double quote"
	case single:
		hint = "string values must be written in double quotes, not single quotes"
	case parens != 0:
		hint = "its parentheses are not balanced"
	case brackets != 0:
		hint = "its square brackets are not balanced"
	case ws:
		hint = "separate attribute, operator and value with spaces only (no tabs or line breaks)"
	default:
		hint = firstTermHint(s)
	}
	return newError(q, " is not a valid SCIM filter: ", hint, "; for example ", example(k))
}

// firstTermHint looks at the first "attribute operator value" of s for the
// usual mistakes.
func firstTermHint(s string) string {
	const general = "write attribute, operator and value separated by spaces, strings in double quotes, terms joined with and/or"
	f := strings.Fields(s)
	if len(f) < 2 || strings.ContainsAny(f[0], `()[]"`) || strings.EqualFold(f[0], "not") {
		return general
	}
	op := strings.ToLower(f[1])
	if _, ok := storeOp(filter.CompareOperator(op)); !ok {
		return strconv.Quote(f[1]) + " is not a SCIM operator; use eq, ne, co, sw, ew, gt, ge, lt, le or pr"
	}
	if op == "pr" {
		return general
	}
	if len(f) < 3 {
		return "the operator " + op + " needs a value after it"
	}
	v := strings.ToLower(f[2])
	switch {
	case v[0] == '"', v == "true", v == "false", v == "null", v[0] == '-', '0' <= v[0] && v[0] <= '9':
		return general
	}
	return "string values must be written in double quotes, as in " + f[0] + " " + op + ` "` + strings.Trim(f[2], `'`) + `"`
}

// quoteShort quotes s for an error detail, shortened to 100 bytes.
func quoteShort(s string) string {
	const max = 100
	if len(s) > max {
		cut := max
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut] + "...")
	}
	return strconv.Quote(s)
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
