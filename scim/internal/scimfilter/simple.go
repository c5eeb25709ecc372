package scimfilter

import (
	"strings"
	"unicode/utf8"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimkit/scimkit/store"
)

// ParseSimple is the fast path for the filters identity providers send on
// every lookup. It recognises, without the filter-parser and without
// allocating beyond the result, one or more terms joined by "and":
//
//	attrPath op "string"        userName eq "a@x.com", externalId eq "00u1"
//	attrPath op true|false      active eq true
//	attrPath pr                 emails pr
//	multi[sub op value]         emails[type eq "work"], members[value eq "u1"]
//	multi[sub op v and sub op v]
//	multi[sub op value].sub op value
//	                            emails[type eq "work"].value eq "a@x.com"
//
// where op is any comparison operator. Names, operators, and, true and false
// match in any case; schema URIs must be spelled exactly (as elimity
// requires); terms are separated by single or repeated spaces.
//
// When ok is true, f is exactly what Parse returns for raw, and elimity's
// validator accepts raw too, unless it has a sub-attribute after a value
// path, a form elimity cannot parse. ParseSimple returns ok false for every
// filter outside these shapes, for every filter that Parse would reject (a
// number or null value, an unsupported attribute, an operator that does
// not fit the attribute's type, an unparsable date-time), and for filters
// comparing both core and enterprise extension attributes, which elimity
// rejects; the general path answers those.
func ParseSimple(raw string, k Kind) (f store.Filter, ok bool) {
	s := lenient(strings.TrimSpace(raw))
	if k != Users && k != Groups || s == "" || len(s) > MaxLength {
		return nil, false
	}
	p := simple{s: s, k: k}
	var buf [4]store.Filter
	terms := buf[:0]
	for {
		f, ok := p.term()
		if !ok {
			return nil, false
		}
		terms = append(terms, f)
		if p.i == len(s) {
			break
		}
		if p.spaces() == 0 || !p.word("and") || p.spaces() == 0 {
			return nil, false
		}
	}
	if p.core && p.ext {
		// elimity validates a filter against the core schema, then against
		// each extension, as a whole: it rejects a filter that compares
		// both core and enterprise attributes. Leave those to it.
		return nil, false
	}
	if len(terms) == 1 {
		return terms[0], true
	}
	return store.And{Filters: append([]store.Filter(nil), terms...)}, true
}

// simple is the state of ParseSimple: the trimmed filter and the position
// of the next byte.
type simple struct {
	s string
	i int
	k Kind
	// core and ext record whether a comparison of a core or an enterprise
	// extension attribute was seen (value paths count as neither).
	core, ext bool
}

// spaces skips spaces (only U+0020, as the grammar allows) and returns how
// many.
func (p *simple) spaces() int {
	n := 0
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
		n++
	}
	return n
}

// word consumes w (lower-case ASCII letters) in any case.
func (p *simple) word(w string) bool {
	if len(p.s)-p.i < len(w) {
		return false
	}
	for j := 0; j < len(w); j++ {
		if p.s[p.i+j]|0x20 != w[j] {
			return false
		}
	}
	p.i += len(w)
	return true
}

// term parses one top-level term: an attribute expression or a value path,
// optionally followed by .sub and an attribute expression.
func (p *simple) term() (store.Filter, bool) {
	start := p.i
	for p.i < len(p.s) && isPathByte(p.s[p.i]) {
		p.i++
	}
	a, ok := p.attrPath(p.s[start:p.i])
	if !ok {
		return nil, false
	}
	if p.i < len(p.s) && p.s[p.i] == '[' {
		if a.typ != tMulti {
			return nil, false
		}
		p.i++
		return p.valuePath(a)
	}
	p.core, p.ext = p.core || !a.ext, p.ext || a.ext
	return p.attrExp(a, a.path)
}

// attrPath resolves a top-level attribute path. It accepts only the shapes
// [URI ":"] name ["." sub] in which the filter-parser splits the path the
// same way, with URI exactly one of the schema URIs kind k allows.
func (p *simple) attrPath(tok string) (attr, bool) {
	uri, rest := "", tok
	if c := strings.LastIndexByte(tok, ':'); c >= 0 {
		uri, rest = tok[:c], tok[c+1:]
		switch {
		case p.k == Users && (uri == userURN || uri == store.EnterpriseURN):
		case p.k == Groups && uri == groupURN:
		default:
			return attr{}, false
		}
	}
	name, sub := rest, ""
	if d := strings.IndexByte(rest, '.'); d >= 0 {
		name, sub = rest[:d], rest[d+1:]
		if !isName(sub) {
			return attr{}, false
		}
	}
	if !isName(name) {
		return attr{}, false
	}
	return lookup(p.k, scopeOf(uri, p.k), name, sub)
}

// valuePath parses the rest of multi[...] after the "[".
func (p *simple) valuePath(m attr) (store.Filter, bool) {
	var buf [3]store.Filter
	fs := buf[:0]
	p.spaces()
	for {
		f, ok := p.subExp(m)
		if !ok {
			return nil, false
		}
		fs = append(fs, f)
		n := p.spaces()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			break
		}
		// The filter-parser allows two comparisons, joined by "and" or
		// "or", in a value filter; only "and" is a fast shape.
		if len(fs) == 2 || n == 0 || !p.word("and") || p.spaces() == 0 {
			return nil, false
		}
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		f, ok := p.subExp(m)
		if !ok {
			return nil, false
		}
		fs = append(fs, f)
	}
	var inner store.Filter
	if len(fs) == 1 {
		inner = fs[0]
	} else {
		inner = store.And{Filters: append([]store.Filter(nil), fs...)}
	}
	return store.ValuePath{Attr: m.canon, Filter: inner}, true
}

// subExp parses a comparison of a sub-attribute of the multi-valued m.
func (p *simple) subExp(m attr) (store.Filter, bool) {
	start := p.i
	for p.i < len(p.s) && isPathByte(p.s[p.i]) {
		p.i++
	}
	tok := p.s[start:p.i]
	if !isName(tok) {
		return nil, false
	}
	a, ok := lookupSub(m.canon, tok)
	if !ok {
		return nil, false
	}
	return p.attrExp(a, "")
}

// attrExp parses SP+ "pr" or SP+ op SP+ value after the attribute path of
// a, and builds the comparison with compare, exactly as FromExpression
// does. name is only used by compare for error details, which ParseSimple
// discards.
func (p *simple) attrExp(a attr, name string) (store.Filter, bool) {
	if p.spaces() == 0 || len(p.s)-p.i < 2 {
		return nil, false
	}
	op := filter.CompareOperator(p.s[p.i : p.i+2])
	p.i += 2
	var v value
	if op[0]|0x20 == 'p' && op[1]|0x20 == 'r' {
		op = filter.PR
	} else {
		if p.spaces() == 0 {
			return nil, false
		}
		var ok bool
		if v, ok = p.value(); !ok {
			return nil, false
		}
	}
	f, err := compare(a, name, op, v)
	if err != nil {
		return nil, false
	}
	return f, true
}

// value parses a JSON string (accepting exactly the characters and escapes
// the filter-parser accepts) or true/false. Numbers and null are left to
// the general path, which rejects them for every supported attribute.
func (p *simple) value() (value, bool) {
	if p.i >= len(p.s) {
		return value{}, false
	}
	switch p.s[p.i] | 0x20 {
	case 't':
		return value{kind: vBool, b: true}, p.word("true")
	case 'f':
		return value{kind: vBool, b: false}, p.word("false")
	}
	if p.s[p.i] != '"' {
		return value{}, false
	}
	start := p.i + 1
	for j := start; j < len(p.s); {
		c := p.s[j]
		switch {
		case c == '"':
			p.i = j + 1
			// The filter-parser returns the text between the quotes with
			// its escapes; compare decodes them, as for FromExpression.
			return value{kind: vString, s: p.s[start:j]}, true
		case c == '\\':
			if j+1 >= len(p.s) {
				return value{}, false
			}
			switch p.s[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				// Hex digits in either case, as in JSON.
				if j+6 > len(p.s) || !isHex(p.s[j+2]) || !isHex(p.s[j+3]) ||
					!isHex(p.s[j+4]) || !isHex(p.s[j+5]) {
					return value{}, false
				}
				j += 6
			default:
				return value{}, false
			}
		case c < 0x20:
			return value{}, false
		case c < utf8.RuneSelf:
			j++
		default:
			r, size := utf8.DecodeRuneInString(p.s[j:])
			if r == utf8.RuneError && size == 1 {
				return value{}, false
			}
			j += size
		}
	}
	return value{}, false
}

// isPathByte reports whether c may appear in an attribute path token.
func isPathByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == ':' || c == '-' || c == '_' || c == '$'
}

// isName reports whether s is an ATTRNAME of the grammar without the
// optional "$": ALPHA *(ALPHA / DIGIT / "-" / "_").
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alpha := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !alpha && (i == 0 || !('0' <= c && c <= '9' || c == '-' || c == '_')) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' || 'a' <= c && c <= 'f'
}
