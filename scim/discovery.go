package scim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	elimity "github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"

	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/scim/internal/scimpatch"
)

// buildServer sets up the protocol library: the User resource type with the
// enterprise extension and the mapping's custom extensions, the Group
// resource type, and the handlers that connect them to the store.
func (h *Handler) buildServer() error {
	exts := []elimity.SchemaExtension{{Schema: schema.ExtensionEnterpriseUser()}}
	h.userExts = []schema.Schema{schema.ExtensionEnterpriseUser()}
	h.userSchemas = []string{userSchemaURN, schema.ExtensionEnterpriseUser().ID}
	for _, e := range h.mapper.Extensions() {
		s, err := extensionSchema(e)
		if err != nil {
			return err
		}
		exts = append(exts, elimity.SchemaExtension{Schema: s})
		h.userExts = append(h.userExts, s)
		h.userSchemas = append(h.userSchemas, s.ID)
	}
	h.userPatch = scimpatch.NewSchema(schema.CoreUserSchema(), h.userExts...)
	spc := &elimity.ServiceProviderConfig{
		MaxResults:       h.maxResults,
		SupportFiltering: true,
		SupportPatch:     true,
	}
	var opts []elimity.ServerOption
	if h.baseURL != "" {
		opts = append(opts, elimity.WithBaseURL(h.baseURL))
	}
	srv, err := elimity.NewServer(&elimity.ServerArgs{
		ServiceProviderConfig: spc,
		ResourceTypes: []elimity.ResourceType{
			{
				ID:               optional.NewString("User"),
				Name:             "User",
				Endpoint:         "/Users",
				Description:      optional.NewString("User Account"),
				Schema:           schema.CoreUserSchema(),
				SchemaExtensions: exts,
				Handler:          usersHandler{h},
			},
			{
				ID:          optional.NewString("Group"),
				Name:        "Group",
				Endpoint:    "/Groups",
				Description: optional.NewString("Group"),
				Schema:      schema.CoreGroupSchema(),
				Handler:     groupsHandler{h},
			},
		},
	}, opts...)
	if err != nil {
		return fmt.Errorf("scim: protocol server: %w", err)
	}
	h.server = srv
	return nil
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

// serveDiscovery answers /Schemas and /ResourceTypes (lists and single
// resources) from the protocol library's documents, fixed up: the library
// reports itemsPerPage as its page size rather than the number returned and
// gives the resources no meta. RFC 7644 section 4 wants filters on these
// endpoints refused with 403.
func (h *Handler) serveDiscovery(w http.ResponseWriter, r *http.Request, path string) {
	if r.URL.Query().Has("filter") {
		writeError(w, &Error{Status: http.StatusForbidden, Detail: "filtering is not supported on " + path + "; read the whole list"})
		return
	}
	bw := &bufferedWriter{header: w.Header()}
	h.server.ServeHTTP(bw, r)
	var doc map[string]any
	if bw.status != http.StatusOK || json.Unmarshal(bw.body.Bytes(), &doc) != nil {
		w.WriteHeader(max(bw.status, http.StatusOK))
		_, _ = w.Write(bw.body.Bytes())
		return
	}
	endpoint, resourceType := "Schemas", "Schema"
	if strings.HasPrefix(path, "/ResourceTypes") {
		endpoint, resourceType = "ResourceTypes", "ResourceType"
	}
	addMeta := func(res any) {
		if m, ok := res.(map[string]any); ok {
			id, _ := m["id"].(string)
			m["meta"] = map[string]any{"resourceType": resourceType, "location": h.endpointURL(endpoint + "/" + id)}
		}
	}
	if list, ok := doc["Resources"].([]any); ok {
		for _, res := range list {
			addMeta(res)
		}
		doc["itemsPerPage"] = len(list)
		doc["startIndex"] = 1
	} else {
		addMeta(doc)
	}
	writeJSON(w, http.StatusOK, doc)
}
