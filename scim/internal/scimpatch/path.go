package scimpatch

import (
	"strings"

	"github.com/scim2/filter-parser/v2"
)

// parsePath parses a PATCH path as filter.ParsePath does, answering the
// shapes IdPs send on every request without the general parser (which
// costs thousands of allocations per path): attr, attr.sub, a schema URN
// before either, and attr[sub eq "value"] with an optional .sub after it.
// Anything else goes to filter.ParsePath.
func parsePath(s string) (filter.Path, error) {
	if p, ok := simplePath(s); ok {
		return p, nil
	}
	return filter.ParsePath([]byte(s))
}

func simplePath(s string) (filter.Path, bool) {
	var p filter.Path
	head, tail := s, ""
	if i := strings.IndexByte(s, '['); i >= 0 {
		head, tail = s[:i], s[i:]
	}
	ap, ok := simpleAttrPath(head)
	if !ok {
		return p, false
	}
	p.AttributePath = ap
	if tail == "" {
		return p, true
	}
	if ap.SubAttribute != nil {
		return p, false // emails.value[...] is not a path
	}
	// [sub eq "value"] and an optional .sub
	end := strings.IndexByte(tail, ']')
	if end < 0 {
		return p, false
	}
	expr, after := tail[1:end], tail[end+1:]
	sub, rest, ok := strings.Cut(expr, " ")
	if !ok || !attrName(sub) {
		return p, false
	}
	op, value, ok := strings.Cut(rest, " ")
	if !ok || !strings.EqualFold(op, "eq") || len(value) < 2 || value[0] != '"' || value[len(value)-1] != '"' {
		return p, false
	}
	value = value[1 : len(value)-1]
	for i := 0; i < len(value); i++ {
		if c := value[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == ']' {
			return p, false // escapes, control and non-ASCII characters: the parser decides
		}
	}
	p.ValueExpression = &filter.AttributeExpression{
		AttributePath: filter.AttributePath{AttributeName: sub},
		Operator:      filter.EQ,
		CompareValue:  value,
	}
	if after != "" {
		name, ok := strings.CutPrefix(after, ".")
		if !ok || !attrName(name) {
			return p, false
		}
		p.SubAttribute = &name
	}
	return p, true
}

// simpleAttrPath parses [urn:...:]attr[.sub] without a value filter.
func simpleAttrPath(s string) (filter.AttributePath, bool) {
	var ap filter.AttributePath
	if len(s) > 4 && strings.EqualFold(s[:4], "urn:") {
		i := strings.LastIndexByte(s, ':')
		uri := s[:i]
		if !strings.HasPrefix(uri, "urn:ietf:params:scim:") {
			return ap, false // the parser's URN grammar is stricter than this scan: leave others to it
		}
		for _, seg := range strings.Split(uri, ":") {
			if !urnSegment(seg) {
				return ap, false
			}
		}
		ap.URIPrefix = &uri
		s = s[i+1:]
	}
	name, sub, hasSub := strings.Cut(s, ".")
	if !attrName(name) || hasSub && !attrName(sub) {
		return ap, false
	}
	ap.AttributeName = name
	if hasSub {
		ap.SubAttribute = &sub
	}
	return ap, true
}

// attrName reports whether s is an ATTRNAME of RFC 7644 (ALPHA *(ALPHA /
// DIGIT / "-" / "_")).
func attrName(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// urnSegment reports whether s is a non-empty run of letters, digits, '.',
// '-' and '_' that starts with a letter or digit.
func urnSegment(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z' || s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
