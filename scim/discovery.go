package scim

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"

	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/scim/internal/scimpatch"
)

// profile is everything that follows from one mapping: what requests are
// validated against, how users are mapped, and what /Schemas and
// /ResourceTypes publish. The handler builds one per registered mapper,
// once, in New; each request uses its account's.
type profile struct {
	name   string // the registry name ("" for the default)
	mapper *mapping.Mapper
	// mapsExternalID is whether the mapping table maps externalId itself;
	// if not, the handler keeps it (it is the IdP's link to the user).
	mapsExternalID bool
	// emailRequired is whether the mapping requires an email; if not,
	// users without one are provisioned (linking.EmailOptional).
	emailRequired bool
	// memberDisplay is whether group members carry their display names
	// (mapping.Table.MemberDisplay).
	memberDisplay bool

	userSchemas []string         // schema URNs a user resource lists
	users       scimpatch.Schema // User with its extensions: validation, PATCH
	groups      scimpatch.Schema // Group
	schemas     []schema.Schema  // what /Schemas publishes
}

// newProfile sets up what a handler validates against and publishes for
// mapper m: the User resource type with the enterprise extension and the
// mapping's custom extensions, and the Group resource type.
func newProfile(name string, m *mapping.Mapper) (*profile, error) {
	exts := []schema.Schema{schema.ExtensionEnterpriseUser()}
	for _, e := range m.Extensions() {
		s, err := extensionSchema(e)
		if err != nil {
			return nil, err
		}
		exts = append(exts, s)
	}
	p := &profile{name: name, mapper: m, userSchemas: []string{userSchemaURN}}
	p.mapsExternalID, _ = m.Maps("externalId")
	p.memberDisplay = m.MemberDisplay()
	p.emailRequired = true
	for _, a := range m.Attributes() {
		if a.URN == "" && a.Name == "emails" && a.In {
			p.emailRequired = a.Required
			if a.Required {
				break
			}
		}
	}
	for _, e := range exts {
		p.userSchemas = append(p.userSchemas, e.ID)
	}
	p.users = scimpatch.NewSchema(schema.CoreUserSchema(), exts...)
	p.groups = scimpatch.NewSchema(schema.CoreGroupSchema())
	p.schemas = append(append([]schema.Schema{schema.CoreUserSchema()}, exts...), schema.CoreGroupSchema())
	return p, nil
}

// extensionSchema turns a mapping extension (custom IdP attributes) into
// the protocol library's schema, so that its attributes are validated and
// listed under /Schemas.
func extensionSchema(e mapping.Extension) (schema.Schema, error) {
	s := schema.Schema{ID: e.URN, Name: optional.NewString(e.Name), Description: optional.NewString(e.Description)}
	for _, a := range e.Attributes {
		desc := optional.NewString(a.Description)
		var p schema.SimpleParams
		switch a.Type {
		case "", "string":
			p = schema.SimpleStringParams(schema.StringParams{Name: a.Name, MultiValued: a.MultiValued, Required: a.Required, Description: desc})
		case "boolean":
			p = schema.SimpleBooleanParams(schema.BooleanParams{Name: a.Name, MultiValued: a.MultiValued, Required: a.Required, Description: desc})
		case "integer":
			p = schema.SimpleNumberParams(schema.NumberParams{Name: a.Name, MultiValued: a.MultiValued, Required: a.Required, Description: desc, Type: schema.AttributeTypeInteger()})
		case "decimal":
			p = schema.SimpleNumberParams(schema.NumberParams{Name: a.Name, MultiValued: a.MultiValued, Required: a.Required, Description: desc, Type: schema.AttributeTypeDecimal()})
		case "dateTime":
			p = schema.SimpleDateTimeParams(schema.DateTimeParams{Name: a.Name, MultiValued: a.MultiValued, Required: a.Required, Description: desc})
		case "reference":
			p = schema.SimpleReferenceParams(schema.ReferenceParams{Name: a.Name, MultiValued: a.MultiValued, Required: a.Required, Description: desc, ReferenceTypes: []schema.AttributeReferenceType{"external"}})
		default:
			return schema.Schema{}, fmt.Errorf("scim: extension %s attribute %s: unsupported type %q", e.URN, a.Name, a.Type)
		}
		s.Attributes = append(s.Attributes, schema.SimpleCoreAttribute(p))
	}
	return s, nil
}

// serveServiceProviderConfig tells the truth about what this service
// provider supports (the protocol library's own answer always says that
// ETags are unsupported).
func (h *Handler) serveServiceProviderConfig(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]any{
		"schemas":          []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"},
		"documentationUri": "https://github.com/scimkit/scimkit",
		"patch":            map[string]any{"supported": true},
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": h.maxResults},
		"changePassword":   map[string]any{"supported": false},
		"sort":             map[string]any{"supported": false},
		"etag":             map[string]any{"supported": true},
		"authenticationSchemes": []any{map[string]any{
			"type":        "oauthbearertoken",
			"name":        "OAuth Bearer Token",
			"description": "Authentication with the account's provisioning bearer token in the Authorization header",
			"specUri":     "https://www.rfc-editor.org/info/rfc6750",
			"primary":     true,
		}},
		"meta": map[string]any{"resourceType": "ServiceProviderConfig", "location": h.endpointURL("ServiceProviderConfig")},
	})
}

// serveDiscovery answers /Schemas and /ResourceTypes, lists and single
// resources, from the schema definitions (each with its meta). RFC 7644
// section 4 wants filters on these endpoints refused with 403; paging
// parameters are ignored (there are a handful of resources).
func (h *Handler) serveDiscovery(w http.ResponseWriter, q *request, path string) {
	r := q.r
	if r.URL.Query().Has("filter") {
		writeError(w, &apiError{Status: http.StatusForbidden, Detail: "filtering is not supported on " + path + "; read the whole list"})
		return
	}
	var docs []map[string]any
	endpoint, resourceType := "Schemas", "Schema"
	if strings.HasPrefix(path, "/ResourceTypes") {
		endpoint, resourceType = "ResourceTypes", "ResourceType"
		docs = q.p.resourceTypeDocs()
	} else {
		docs = q.p.schemaDocs()
	}
	for _, d := range docs {
		id, _ := d["id"].(string)
		d["meta"] = map[string]any{"resourceType": resourceType, "location": h.endpointURL(endpoint + "/" + id)}
	}
	if id, one := strings.CutPrefix(path, "/"+endpoint+"/"); one {
		for _, d := range docs {
			if d["id"] == id {
				writeJSON(w, http.StatusOK, d)
				return
			}
		}
		writeError(w, &apiError{Status: http.StatusNotFound, Detail: fmt.Sprintf("no %s %q; GET /%s lists them", strings.ToLower(resourceType), id, endpoint)})
		return
	}
	resources := make([]any, len(docs))
	for i, d := range docs {
		resources[i] = d
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"schemas":      []string{listSchemaURN},
		"totalResults": len(resources),
		"itemsPerPage": len(resources),
		"startIndex":   1,
		"Resources":    resources,
	})
}

// resourceTypeDocs are the /ResourceTypes documents of RFC 7643 section 6.
func (p *profile) resourceTypeDocs() []map[string]any {
	var exts []any
	for _, urn := range p.userSchemas[1:] {
		if !p.publishes(urn) {
			continue
		}
		exts = append(exts, map[string]any{"schema": urn, "required": false})
	}
	return []map[string]any{
		{
			"schemas":          []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"},
			"id":               "User",
			"name":             "User",
			"description":      "User Account",
			"endpoint":         "/Users",
			"schema":           userSchemaURN,
			"schemaExtensions": exts,
		},
		{
			"schemas":          []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"},
			"id":               "Group",
			"name":             "Group",
			"description":      "Group",
			"endpoint":         "/Groups",
			"schema":           groupSchemaURN,
			"schemaExtensions": []any{},
		},
	}
}
