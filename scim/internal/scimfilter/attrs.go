package scimfilter

import (
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

// attrAt returns the i-th attribute kind k may filter on, and false past
// the last one. It is a switch rather than a package-level table so that
// the package holds no globals and lookups allocate nothing.
//
// The order is the order of the supported-attribute list in error details.
func attrAt(k Kind, i int) (attr, bool) {
	if k == Groups {
		switch i {
		case 0:
			return attr{path: "id", canon: store.AttrID}, true
		case 1:
			return attr{path: "externalId", canon: store.AttrExternalID}, true
		case 2:
			return attr{path: "displayName", canon: store.AttrDisplayName}, true
		case 3:
			return attr{path: "members", canon: store.AttrMembers, typ: tMulti}, true
		case 4:
			return attr{path: "members.value", canon: store.AttrMemberValue}, true
		case 5:
			return attr{path: "meta.created", canon: store.AttrCreated, typ: tTime}, true
		case 6:
			return attr{path: "meta.lastModified", canon: store.AttrLastModified, typ: tTime}, true
		}
		return attr{}, false
	}
	switch i {
	case 0:
		return attr{path: "id", canon: store.AttrID}, true
	case 1:
		return attr{path: "externalId", canon: store.AttrExternalID}, true
	case 2:
		return attr{path: "userName", canon: store.AttrUserName}, true
	case 3:
		return attr{path: "displayName", canon: store.AttrDisplayName}, true
	case 4:
		return attr{path: "name.givenName", canon: store.AttrGivenName}, true
	case 5:
		return attr{path: "name.familyName", canon: store.AttrFamilyName}, true
	case 6:
		return attr{path: "name.formatted", canon: store.AttrFormattedName}, true
	case 7:
		return attr{path: "name.middleName", canon: store.AttrMiddleName}, true
	case 8:
		return attr{path: "nickName", canon: store.AttrNickName}, true
	case 9:
		return attr{path: "title", canon: store.AttrTitle}, true
	case 10:
		return attr{path: "userType", canon: store.AttrUserType}, true
	case 11:
		return attr{path: "locale", canon: store.AttrLocale}, true
	case 12:
		return attr{path: "preferredLanguage", canon: store.AttrPreferredLanguage}, true
	case 13:
		return attr{path: "timezone", canon: store.AttrTimezone}, true
	case 14:
		return attr{path: "active", canon: store.AttrActive, typ: tBool}, true
	case 15:
		return attr{path: "emails", canon: store.AttrEmails, typ: tMulti}, true
	case 16:
		return attr{path: "emails.value", canon: store.AttrEmailValue}, true
	case 17:
		return attr{path: "emails.type", canon: store.AttrEmailType}, true
	case 18:
		return attr{path: "emails.primary", canon: store.AttrEmailPrimary, typ: tBool}, true
	case 19:
		return attr{path: "meta.created", canon: store.AttrCreated, typ: tTime}, true
	case 20:
		return attr{path: "meta.lastModified", canon: store.AttrLastModified, typ: tTime}, true
	case 21:
		return attr{path: "employeeNumber", canon: store.AttrEmployeeNumber, ext: true}, true
	case 22:
		return attr{path: "costCenter", canon: store.AttrCostCenter, ext: true}, true
	case 23:
		return attr{path: "organization", canon: store.AttrOrganization, ext: true}, true
	case 24:
		return attr{path: "division", canon: store.AttrDivision, ext: true}, true
	case 25:
		return attr{path: "department", canon: store.AttrDepartment, ext: true}, true
	case 26:
		return attr{path: "manager.value", canon: store.AttrManagerID, ext: true}, true
	}
	return attr{}, false
}

// subAt returns the i-th sub-attribute a value path on the multi-valued
// attribute multi (store.AttrEmails or store.AttrMembers) may name, and
// false past the last one. Inside a value path the store expects the bare
// sub-attribute name.
func subAt(multi string, i int) (attr, bool) {
	switch {
	case multi == store.AttrEmails && i == 0, multi == store.AttrMembers && i == 0:
		return attr{path: "value", canon: "value"}, true
	case multi == store.AttrEmails && i == 1:
		return attr{path: "type", canon: "type"}, true
	case multi == store.AttrEmails && i == 2:
		return attr{path: "primary", canon: "primary", typ: tBool}, true
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
