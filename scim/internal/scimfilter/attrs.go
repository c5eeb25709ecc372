package scimfilter

import (
	"iter"
	"strings"

	"github.com/scimkit/scimkit/store"
)

// typ is the type of a filterable attribute, which decides the operators
// and values it accepts.
type typ uint8

const (
	tString typ = iota // every operator; string values
	tBool              // eq, ne, pr; true/false (or "true"/"false")
	tTime              // eq, ne, gt, ge, lt, le, pr; RFC 3339 strings
	tMulti             // multi-valued complex: pr, or a value path
)

// attr is one attribute a filter may name.
type attr struct {
	// path is the SCIM attribute path without schema URI ("name.givenName"),
	// matched case-insensitively.
	path string
	// canon is what the store.Filter carries: an Attr* constant, or the
	// sub-attribute name inside a value path.
	canon string
	typ   typ
	// ext marks enterprise extension attributes (users only).
	ext bool
}

const (
	userURN  = "urn:ietf:params:scim:schemas:core:2.0:User"
	groupURN = "urn:ietf:params:scim:schemas:core:2.0:Group"
)

// The attributes a filter may name, built once from the tables in package
// store (store.UserAttributes, store.GroupAttributes and their
// sub-attribute tables): every Filterable attribute that is not Internal,
// and after each multi-valued one its sub-attributes as "emails.value" and
// the like. The order is the order of the supported-attribute lists in
// error details. They are read-only after they are built, so lookups
// allocate nothing.
var (
	userAttrs  = buildAttrs(store.UserAttributes(), store.AttrEmails, store.EmailAttributes())
	groupAttrs = buildAttrs(store.GroupAttributes(), store.AttrMembers, store.MemberAttributes())
	emailSubs  = buildSubs(store.EmailAttributes())
	memberSubs = buildSubs(store.MemberAttributes())
)

func typOf(k store.Kind) typ {
	switch k {
	case store.KindBool:
		return tBool
	case store.KindTime:
		return tTime
	case store.KindMulti:
		return tMulti
	}
	return tString
}

func buildAttrs[R, S any](as iter.Seq[store.Attribute[R]], multi string, subs iter.Seq[store.Attribute[S]]) []attr {
	var out []attr
	for a := range as {
		if !a.Filterable || a.Internal {
			continue
		}
		path, ext := strings.CutPrefix(a.Name, store.EnterpriseURN+":")
		out = append(out, attr{path: path, canon: a.Name, typ: typOf(a.Kind), ext: ext})
		if a.Name == multi {
			for s := range subs {
				if s.Filterable {
					out = append(out, attr{path: multi + "." + s.Name, canon: multi + "." + s.Name, typ: typOf(s.Kind)})
				}
			}
		}
	}
	return out
}

func buildSubs[S any](subs iter.Seq[store.Attribute[S]]) []attr {
	var out []attr
	for s := range subs {
		if s.Filterable {
			out = append(out, attr{path: s.Name, canon: s.Name, typ: typOf(s.Kind)})
		}
	}
	return out
}

// attrAt returns the i-th attribute kind k may filter on, and false past
// the last one.
func attrAt(k Kind, i int) (attr, bool) {
	as := userAttrs
	if k == Groups {
		as = groupAttrs
	}
	if i < len(as) {
		return as[i], true
	}
	return attr{}, false
}

// subAt returns the i-th sub-attribute a value path on the multi-valued
// attribute multi (store.AttrEmails or store.AttrMembers) may name, and
// false past the last one. Inside a value path the store expects the bare
// sub-attribute name.
func subAt(multi string, i int) (attr, bool) {
	var subs []attr
	switch multi {
	case store.AttrEmails:
		subs = emailSubs
	case store.AttrMembers:
		subs = memberSubs
	}
	if i < len(subs) {
		return subs[i], true
	}
	return attr{}, false
}

// uriScope tells which attributes a schema URI prefix selects.
type uriScope uint8

const (
	scopeAll uriScope = iota // no URI: core, then extension
	scopeCore
	scopeExt
	scopeUnknown
)

// scopeOf classifies the URI prefix of an attribute path for kind k.
// Schema URIs are matched case-insensitively.
func scopeOf(uri string, k Kind) uriScope {
	switch {
	case uri == "":
		return scopeAll
	case k == Users && strings.EqualFold(uri, userURN), k == Groups && strings.EqualFold(uri, groupURN):
		return scopeCore
	case k == Users && strings.EqualFold(uri, store.EnterpriseURN):
		return scopeExt
	default:
		return scopeUnknown
	}
}

// lookup finds the attribute name[.sub] of kind k, case-insensitively,
// restricted to scope.
func lookup(k Kind, scope uriScope, name, sub string) (attr, bool) {
	if scope == scopeUnknown {
		return attr{}, false
	}
	for i := 0; ; i++ {
		a, ok := attrAt(k, i)
		if !ok {
			return attr{}, false
		}
		if (scope == scopeCore && a.ext) || (scope == scopeExt && !a.ext) {
			continue
		}
		if pathEqual(a.path, name, sub) {
			return a, true
		}
	}
}

// lookupSub finds the sub-attribute name of the multi-valued attribute
// multi, case-insensitively.
func lookupSub(multi, name string) (attr, bool) {
	for i := 0; ; i++ {
		a, ok := subAt(multi, i)
		if !ok {
			return attr{}, false
		}
		if len(a.path) == len(name) && strings.EqualFold(a.path, name) {
			return a, true
		}
	}
}

// pathEqual reports whether p equals name, or name + "." + sub when sub is
// not empty, ignoring case, without building the joined string.
func pathEqual(p, name, sub string) bool {
	if sub == "" {
		return len(p) == len(name) && strings.EqualFold(p, name)
	}
	return len(p) == len(name)+1+len(sub) &&
		strings.EqualFold(p[:len(name)], name) && p[len(name)] == '.' &&
		strings.EqualFold(p[len(name)+1:], sub)
}

// supported lists the attribute paths of kind k for error details.
func supported(k Kind) string {
	var core, ext []string
	for i := 0; ; i++ {
		a, ok := attrAt(k, i)
		if !ok {
			break
		}
		if a.ext {
			ext = append(ext, a.path)
		} else {
			core = append(core, a.path)
		}
	}
	s := strings.Join(core, ", ")
	if len(ext) > 0 {
		s += ", and the enterprise extension's " + strings.Join(ext, ", ") +
			" (with or without the prefix " + store.EnterpriseURN + ":)"
	}
	return s
}

// subNames lists the sub-attributes of multi for error details.
func subNames(multi string) string {
	var names []string
	for i := 0; ; i++ {
		a, ok := subAt(multi, i)
		if !ok {
			return strings.Join(names, ", ")
		}
		names = append(names, a.path)
	}
}
