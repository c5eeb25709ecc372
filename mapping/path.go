package mapping

import (
	"strconv"
	"strings"

	"github.com/scimkit/scimkit/store"
)

// CoreUserURN is the schema URN of the SCIM core User resource.
const CoreUserURN = "urn:ietf:params:scim:schemas:core:2.0:User"

// attrDef describes one attribute of a schema the mapper knows.
type attrDef struct {
	name  string // canonical spelling
	typ   string // a Type* constant, or "complex"
	multi bool
	owned bool // owned by the SCIM layer: not mappable
	subs  []attrDef
}

const typeComplex = "complex"

// coreUserAttrs returns the attributes of the core User resource
// (RFC 7643 section 4.1) plus the common attributes.
func coreUserAttrs() []attrDef {
	s := func(name string) attrDef { return attrDef{name: name, typ: TypeString} }
	plural := func(name string) attrDef {
		return attrDef{name: name, typ: typeComplex, multi: true, subs: []attrDef{
			s("value"), s("display"), s("type"), {name: "primary", typ: TypeBoolean},
		}}
	}
	return []attrDef{
		{name: "id", typ: TypeString, owned: true},
		{name: "meta", typ: typeComplex, owned: true},
		{name: "schemas", typ: TypeString, multi: true, owned: true},
		{name: "active", typ: TypeBoolean, owned: true},
		{name: "password", typ: TypeString, owned: true},
		{name: "groups", typ: typeComplex, multi: true, owned: true},
		s("externalId"),
		s("userName"),
		{name: "name", typ: typeComplex, subs: []attrDef{
			s("formatted"), s("familyName"), s("givenName"), s("middleName"),
			s("honorificPrefix"), s("honorificSuffix"),
		}},
		s("displayName"),
		s("nickName"),
		{name: "profileUrl", typ: TypeReference},
		s("title"),
		s("userType"),
		s("preferredLanguage"),
		s("locale"),
		s("timezone"),
		plural("emails"),
		plural("phoneNumbers"),
		plural("ims"),
		plural("photos"),
		{name: "addresses", typ: typeComplex, multi: true, subs: []attrDef{
			s("formatted"), s("streetAddress"), s("locality"), s("region"),
			s("postalCode"), s("country"), s("type"), {name: "primary", typ: TypeBoolean},
		}},
		plural("entitlements"),
		plural("roles"),
		plural("x509Certificates"),
	}
}

// enterpriseAttrs returns the attributes of the enterprise User extension
// (RFC 7643 section 4.3).
func enterpriseAttrs() []attrDef {
	s := func(name string) attrDef { return attrDef{name: name, typ: TypeString} }
	return []attrDef{
		s("employeeNumber"), s("costCenter"), s("organization"), s("division"), s("department"),
		{name: "manager", typ: typeComplex, subs: []attrDef{
			s("value"), {name: "$ref", typ: TypeReference}, s("displayName"),
		}},
	}
}

func findAttr(defs []attrDef, name string) (attrDef, bool) {
	for _, d := range defs {
		if strings.EqualFold(d.name, name) {
			return d, true
		}
	}
	return attrDef{}, false
}

// path is a compiled SCIM attribute path.
type path struct {
	urn  string // extension URN holding the attribute; "" for core
	attr string // top-level attribute, canonical spelling
	sub  string // sub-attribute; "" if none

	filtered bool   // attr is multi-valued; sub is read from the matching element
	fAttr    string // filter sub-attribute
	fIsBool  bool
	fBool    bool
	fStr     string

	typ   string // leaf type
	multi bool   // the leaf is a list (multi-valued extension attribute)
	canon string // canonical rendering, used in messages
}

// schemaSet is what path parsing resolves against.
type schemaSet struct {
	core       []attrDef
	enterprise []attrDef
	exts       []Extension
}

// parsePath compiles a row's SCIM path. The error is a Problem text.
func (ss *schemaSet) parsePath(raw string) (path, string) {
	if raw == "" {
		return path{}, "SCIM path is empty"
	}
	if strings.TrimSpace(raw) != raw {
		return path{}, "SCIM path has leading or trailing spaces"
	}
	var p path
	defs := ss.core
	rest := raw
	if hasURNPrefix(raw, CoreUserURN) {
		// A fully qualified core attribute: core attributes live at the
		// top level of the resource, so the URN only selects the schema.
		rest = raw[len(CoreUserURN)+1:]
	} else if len(raw) > 4 && strings.EqualFold(raw[:4], "urn:") {
		urn, defsFor, ok := ss.splitURN(raw)
		if !ok {
			if strings.EqualFold(raw, store.EnterpriseURN) || strings.EqualFold(raw, CoreUserURN) || ss.isExtension(raw) {
				return path{}, "SCIM path names a schema, not an attribute: append \":\" and the attribute name"
			}
			return path{}, "unknown schema URN in SCIM path (declare custom schemas in Table.Extensions)"
		}
		p.urn = urn
		defs = defsFor
		rest = raw[len(urn)+1:]
	}
	// rest: attr ( "[" filter "]" )? ( "." sub )?
	name := rest
	var filter, sub string
	hasFilter, hasSub := false, false
	if i := strings.IndexByte(rest, '['); i >= 0 {
		j := strings.LastIndexByte(rest, ']')
		if j < i {
			return path{}, "SCIM path has an unclosed filter"
		}
		name, filter, hasFilter = rest[:i], rest[i+1:j], true
		after := rest[j+1:]
		if after != "" {
			if after[0] != '.' {
				return path{}, "SCIM path has text after the filter that is not .subAttribute"
			}
			sub, hasSub = after[1:], true
		}
	} else if i := strings.IndexByte(rest, '.'); i >= 0 {
		name, sub, hasSub = rest[:i], rest[i+1:], true
	}
	def, ok := findAttr(defs, name)
	if !ok {
		where := "core User"
		switch {
		case p.urn == store.EnterpriseURN:
			where = "enterprise User extension"
		case p.urn != "":
			where = "extension " + p.urn
		}
		return path{}, "unknown SCIM attribute " + strconv.Quote(name) + " (not in the " + where + " schema)"
	}
	if def.owned {
		return path{}, "SCIM attribute " + strconv.Quote(def.name) + " is owned by the SCIM layer and cannot be mapped"
	}
	p.attr = def.name
	p.typ = def.typ
	p.multi = def.multi && def.typ != typeComplex
	switch {
	case def.typ != typeComplex:
		if hasFilter || hasSub {
			return path{}, "SCIM attribute " + strconv.Quote(def.name) + " has no sub-attributes"
		}
	case !hasFilter && !hasSub:
		// The whole complex value (every element of a multi-valued one),
		// as sent: only an extra field can hold it (checked by New).
		p.multi = def.multi
	case def.multi:
		if !hasFilter {
			return path{}, "SCIM attribute " + strconv.Quote(def.name) +
				" is multi-valued: select one element with a filter, as in " + def.name + "[type eq \"work\"].value, or map the whole attribute to an extra field"
		}
		if !hasSub {
			return path{}, "SCIM path must name a sub-attribute after the filter, as in " + def.name + "[...].value"
		}
		if msg := p.parseFilter(filter, def); msg != "" {
			return path{}, msg
		}
	default: // single-valued complex
		if hasFilter {
			return path{}, "SCIM attribute " + strconv.Quote(def.name) + " is not multi-valued; it takes no filter"
		}
		if !hasSub {
			return path{}, "SCIM attribute " + strconv.Quote(def.name) + " is complex: name a sub-attribute, as in " +
				def.name + "." + def.subs[0].name
		}
	}
	if hasSub {
		sd, ok := findAttr(def.subs, sub)
		if !ok {
			return path{}, "unknown sub-attribute " + strconv.Quote(sub) + " of " + strconv.Quote(def.name)
		}
		if p.filtered && sd.name == p.fAttr {
			return path{}, "SCIM path reads the sub-attribute its filter compares"
		}
		p.sub = sd.name
		p.typ = sd.typ
	}
	p.canon = p.render()
	return p, ""
}

// splitURN finds the known schema whose URN prefixes raw followed by ":".
func (ss *schemaSet) splitURN(raw string) (string, []attrDef, bool) {
	if hasURNPrefix(raw, store.EnterpriseURN) {
		return store.EnterpriseURN, ss.enterprise, true
	}
	best := -1
	for i, e := range ss.exts {
		if hasURNPrefix(raw, e.URN) && (best < 0 || len(e.URN) > len(ss.exts[best].URN)) {
			best = i
		}
	}
	if best < 0 {
		return "", nil, false
	}
	e := ss.exts[best]
	defs := make([]attrDef, len(e.Attributes))
	for i, a := range e.Attributes {
		defs[i] = attrDef{name: a.Name, typ: a.Type, multi: a.MultiValued}
	}
	return e.URN, defs, true
}

func (ss *schemaSet) isExtension(raw string) bool {
	for _, e := range ss.exts {
		if strings.EqualFold(e.URN, raw) {
			return true
		}
	}
	return false
}

func hasURNPrefix(raw, urn string) bool {
	return len(raw) > len(urn)+1 && raw[len(urn)] == ':' && strings.EqualFold(raw[:len(urn)], urn)
}

// parseFilter parses `sub eq "string"` or `sub eq true|false`.
func (p *path) parseFilter(f string, def attrDef) string {
	const shape = "SCIM path filter must be one eq comparison, as in [type eq \"work\"] or [primary eq true]"
	f = strings.TrimSpace(f)
	attr, rest, ok := strings.Cut(f, " ")
	if !ok {
		return shape
	}
	op, v, ok := strings.Cut(strings.TrimLeft(rest, " "), " ")
	v = strings.TrimSpace(v)
	if !ok || !strings.EqualFold(op, "eq") || v == "" {
		return shape
	}
	sd, ok := findAttr(def.subs, attr)
	if !ok {
		return "filter names unknown sub-attribute " + strconv.Quote(attr) + " of " + strconv.Quote(def.name)
	}
	p.filtered = true
	p.fAttr = sd.name
	if sd.typ == TypeBoolean {
		b, ok := truth(v)
		if !ok {
			return "filter on boolean " + strconv.Quote(sd.name) + " must compare with true or false"
		}
		p.fIsBool, p.fBool = true, b
		return ""
	}
	if v[0] != '"' {
		return "filter on " + strconv.Quote(sd.name) + " must compare with a quoted string"
	}
	s, err := strconv.Unquote(v)
	if err != nil {
		return shape
	}
	p.fStr = s
	return ""
}

func (p *path) render() string {
	var b strings.Builder
	if p.urn != "" {
		b.WriteString(p.urn)
		b.WriteByte(':')
	}
	b.WriteString(p.attr)
	if p.filtered {
		b.WriteByte('[')
		b.WriteString(p.fAttr)
		b.WriteString(" eq ")
		if p.fIsBool {
			b.WriteString(strconv.FormatBool(p.fBool))
		} else {
			b.WriteString(strconv.Quote(p.fStr))
		}
		b.WriteByte(']')
	}
	if p.sub != "" {
		b.WriteByte('.')
		b.WriteString(p.sub)
	}
	return b.String()
}

// lookup returns m[key], falling back to a case-insensitive match (SCIM
// attribute names are case-insensitive). A nil value counts as absent.
func lookup(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// truth interprets a SCIM boolean, accepting Entra's "True"/"False".
func truth(v any) (bool, bool) {
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		switch {
		case strings.EqualFold(v, "true"):
			return true, true
		case strings.EqualFold(v, "false"):
			return false, true
		}
	}
	return false, false
}

func (p *path) matches(elem map[string]any) bool {
	v := lookup(elem, p.fAttr)
	if p.fIsBool {
		b, ok := truth(v)
		return ok && b == p.fBool
	}
	s, ok := v.(string)
	return ok && strings.EqualFold(s, p.fStr)
}

// read returns the value at p in a resource, and for filtered paths the
// element it came from. Absent and null both read as nil.
func (p *path) read(attrs map[string]any) (any, map[string]any) {
	m := attrs
	if p.urn != "" {
		ext, _ := lookup(attrs, p.urn).(map[string]any)
		if ext == nil {
			return nil, nil
		}
		m = ext
	}
	top := lookup(m, p.attr)
	if p.sub == "" || top == nil {
		return top, nil
	}
	if p.filtered {
		switch t := top.(type) {
		case []any:
			// Of several matching elements the one marked primary wins
			// (RFC 7643 section 2.4), else the first.
			var first map[string]any
			for _, e := range t {
				em, ok := e.(map[string]any)
				if !ok || !p.matches(em) {
					continue
				}
				if primary, _ := truth(lookup(em, "primary")); primary {
					return lookup(em, p.sub), em
				}
				if first == nil {
					first = em
				}
			}
			if first != nil {
				return lookup(first, p.sub), first
			}
		case map[string]any: // a multi-valued attribute sent as one object
			if p.matches(t) {
				return lookup(t, p.sub), t
			}
		}
		return nil, nil
	}
	switch t := top.(type) {
	case map[string]any:
		return lookup(t, p.sub), nil
	case string: // manager sent as its id (seen from Entra)
		if p.sub == "value" {
			return t, nil
		}
	case []any: // manager sent as a one-element list (Entra PATCH add)
		if len(t) == 1 {
			if em, ok := t[0].(map[string]any); ok {
				return lookup(em, p.sub), nil
			}
		}
	}
	return nil, nil
}

// write puts v at p in an outgoing resource, creating containers as
// needed, and returns the element written for filtered paths.
func (p *path) write(out map[string]any, v any) map[string]any {
	m := out
	if p.urn != "" {
		m = child(out, p.urn)
	}
	if p.sub == "" {
		m[p.attr] = v
		return nil
	}
	if !p.filtered {
		child(m, p.attr)[p.sub] = v
		return nil
	}
	list, _ := m[p.attr].([]any)
	for _, e := range list {
		if em, ok := e.(map[string]any); ok && p.matches(em) {
			em[p.sub] = v
			return em
		}
	}
	em := make(map[string]any, 3)
	if p.fIsBool {
		em[p.fAttr] = p.fBool
	} else {
		em[p.fAttr] = p.fStr
	}
	em[p.sub] = v
	m[p.attr] = append(list, em)
	return em
}

func child(m map[string]any, key string) map[string]any {
	if c, ok := m[key].(map[string]any); ok {
		return c
	}
	c := make(map[string]any, 4)
	m[key] = c
	return c
}
