package scim

import (
	"fmt"
	"strings"

	"github.com/scimkit/scimkit/store"
)

// handlerAttrs are the core User attributes the handler itself stores and
// returns whatever the mapping: userName (the store requires it), active
// (the lifecycle state) and groups (readOnly, from the memberships).
var handlerAttrs = map[string]bool{"username": true, "active": true, "groups": true}

// publishes reports whether /Schemas lists the schema urn for this
// profile: the core schemas always; the enterprise extension when the
// mapping maps one of its attributes; custom extensions always (the table
// declared them).
func (p *profile) publishes(urn string) bool {
	if urn == store.EnterpriseURN {
		return p.mapper.UsesEnterprise()
	}
	return true
}

// schemaDocs are the /Schemas documents of the profile: only what the
// mapping stores and returns, with required, caseExact and uniqueness as
// the handler and the store enforce them (see the package documentation,
// "Discovery"). Built per request: discovery is rare and the documents are
// then the caller's to annotate.
func (p *profile) schemaDocs() []map[string]any {
	var docs []map[string]any
	for _, s := range p.schemas {
		if !p.publishes(s.ID) {
			continue
		}
		doc := s.ToMap()
		switch s.ID {
		case userSchemaURN:
			doc["attributes"] = p.truthfulAttrs("", doc["attributes"], true)
		case store.EnterpriseURN:
			doc["attributes"] = p.truthfulAttrs(store.EnterpriseURN, doc["attributes"], false)
		case groupSchemaURN:
			doc["attributes"] = p.truthfulGroupAttrs(doc["attributes"])
		}
		docs = append(docs, doc)
	}
	return docs
}

// truthfulAttrs keeps the attributes (and sub-attributes) of one schema
// that the mapping writes into responses, marks those it requires, and
// states the uniqueness the store enforces.
func (p *profile) truthfulAttrs(urn string, raw any, core bool) []any {
	mapped := p.mapper.Attributes()
	var out []any
	for _, a := range asMaps(raw) {
		name, _ := a["name"].(string)
		keep := core && handlerAttrs[strings.ToLower(name)]
		whole, required := false, false
		subs := map[string]bool{}
		for _, m := range mapped {
			if m.URN != urn || !strings.EqualFold(m.Name, name) {
				continue
			}
			if m.Out {
				keep = true
				if m.Sub == "" {
					whole = true
				} else {
					subs[strings.ToLower(m.Sub)] = true
				}
			}
			required = required || m.Required
		}
		if !keep {
			continue
		}
		if required || core && strings.EqualFold(name, "userName") {
			a["required"] = true
		}
		if sa := asMaps(a["subAttributes"]); len(sa) > 0 && whole {
			// A whole attribute is stored as sent, and a readOnly
			// sub-attribute is never accepted from the client
			// (manager.displayName): it would never come back.
			var kept []any
			for _, s := range sa {
				if fmt.Sprint(s["mutability"]) != "readOnly" {
					kept = append(kept, s)
				}
			}
			a["subAttributes"] = kept
		} else if len(sa) > 0 {
			var kept []any
			for _, s := range sa {
				sn, _ := s["name"].(string)
				if !subs[strings.ToLower(sn)] && !(core && strings.EqualFold(name, "groups")) {
					continue
				}
				if core && strings.EqualFold(name, "emails") && strings.EqualFold(sn, "value") {
					s["uniqueness"] = "server" // one user per address in an account
					if required {
						s["required"] = true
					}
				}
				kept = append(kept, s)
			}
			a["subAttributes"] = kept
		}
		if core && strings.EqualFold(name, "userName") {
			a["uniqueness"], a["caseExact"] = "server", false
		}
		out = append(out, a)
	}
	return out
}

// truthfulGroupAttrs states members.display as the handler returns it:
// listed only when the profile returns it, and then readOnly (it is the
// member's current displayName, else its userName; a display sent by the
// client is ignored).
func (p *profile) truthfulGroupAttrs(raw any) []any {
	var out []any
	for _, a := range asMaps(raw) {
		if name, _ := a["name"].(string); strings.EqualFold(name, "members") {
			var kept []any
			for _, s := range asMaps(a["subAttributes"]) {
				if sn, _ := s["name"].(string); strings.EqualFold(sn, "display") {
					if !p.memberDisplay {
						continue
					}
					s["mutability"] = "readOnly"
					s["description"] = "The member's displayName, else its userName. READ-ONLY: taken from the user, never from the request."
				}
				kept = append(kept, s)
			}
			a["subAttributes"] = kept
		}
		out = append(out, a)
	}
	return out
}

// asMaps reads a list of attribute maps as elimity's ToMap gives it.
func asMaps(v any) []map[string]any {
	switch l := v.(type) {
	case []map[string]any:
		return l
	case []any:
		out := make([]map[string]any, 0, len(l))
		for _, e := range l {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}
