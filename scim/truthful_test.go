package scim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
)

type schemaAttr struct {
	Name          string
	Type          string
	MultiValued   bool
	Required      bool
	Mutability    string
	Uniqueness    string
	SubAttributes []schemaAttr
}

// sample is a value of the attribute's type that the presets accept:
// strings are "work" for a type (the presets filter on it), an address for
// a value of emails, else a word.
func sample(a schemaAttr, parent string) any {
	switch a.Type {
	case "boolean":
		return true
	case "complex":
		m := map[string]any{}
		for _, s := range a.SubAttributes {
			if s.Mutability == "readOnly" {
				continue
			}
			m[s.Name] = sample(s, a.Name)
		}
		if a.MultiValued {
			return []any{m}
		}
		return m
	}
	var v any = "v-" + a.Name
	switch {
	case a.Name == "type":
		v = "work"
	case a.Name == "value" && parent == "emails":
		v = "Put.Back@example.com"
	case a.Name == "primary":
		v = true
	case a.Type == "reference":
		v = "https://example.com/" + a.Name
	case a.Type == "dateTime":
		v = "2026-01-02T03:04:05Z"
	}
	if a.MultiValued {
		return []any{v}
	}
	return v
}

// TestSchemasAreWhatIsStored: for each preset, every attribute /Schemas
// lists for User (core and enterprise) survives a PUT and a GET; emails
// are listed as required where the preset requires them (Okta, Entra).
func TestSchemasAreWhatIsStored(t *testing.T) {
	for _, idp := range []string{store.IdPOkta, store.IdPEntra, store.IdPGeneric} {
		t.Run(idp, func(t *testing.T) {
			e := newEnv(t, idp)
			id := createUser(t, e, "put.back@example.com")
			for _, urn := range []string{"urn:ietf:params:scim:schemas:core:2.0:User", store.EnterpriseURN} {
				status, _, body := e.do(t, "GET", "/Schemas/"+urn, "")
				if urn == store.EnterpriseURN && idp == store.IdPOkta {
					assert.Equal(t, http.StatusNotFound, status, "the Okta preset maps no enterprise attribute")
					continue
				}
				require.Equal(t, http.StatusOK, status, body)
				var s struct{ Attributes []schemaAttr }
				require.NoError(t, json.Unmarshal([]byte(body), &s))
				var names []string
				for _, a := range s.Attributes {
					names = append(names, a.Name)
				}
				t.Logf("%s %s: %v", idp, urn, names)
				require.NotEmpty(t, names)
				for _, a := range s.Attributes {
					for _, sa := range a.SubAttributes {
						// The handler fills in groups; no other readOnly
						// value is ever set, so none may be listed.
						assert.False(t, sa.Mutability == "readOnly" && a.Name != "groups",
							"%s: %s.%s is listed readOnly, but nothing ever returns it", idp, a.Name, sa.Name)
					}
					if a.Mutability == "readOnly" || a.Name == "userName" || a.Name == "active" {
						continue
					}
					if a.Name == "emails" {
						assert.Equal(t, idp != store.IdPGeneric, a.Required, "%s: emails are required by the Okta and Entra presets, optional in the generic one", idp)
					}
					put := map[string]any{
						"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User", store.EnterpriseURN},
						"userName": "put.back@example.com",
						"emails":   []any{map[string]any{"value": "Put.Back@example.com", "type": "work", "primary": true}},
					}
					val := sample(a, "")
					if urn == store.EnterpriseURN {
						put[urn] = map[string]any{a.Name: val}
					} else {
						put[a.Name] = val
					}
					b, _ := json.Marshal(put)
					status, _, resp := e.do(t, "PUT", "/Users/"+id, string(b))
					require.Equal(t, http.StatusOK, status, "%s %s: %s", idp, a.Name, resp)
					_, _, got := e.do(t, "GET", "/Users/"+id, "")
					var doc map[string]any
					require.NoError(t, json.Unmarshal([]byte(got), &doc))
					if urn == store.EnterpriseURN {
						doc, _ = doc[urn].(map[string]any)
					}
					assert.NotNil(t, doc[a.Name], "%s: /Schemas lists %s, so a PUT then GET returns it; got %s", idp, a.Name, got)
					if sa, ok := val.(map[string]any); ok && doc[a.Name] != nil {
						for k := range sa {
							assert.Contains(t, fmt.Sprint(doc[a.Name]), k, "%s: %s.%s is listed, so it is returned", idp, a.Name, k)
						}
					}
				}
			}
		})
	}
}

// Attributes the Okta preset does not store are not advertised.
func TestSchemasOmitWhatIsDropped(t *testing.T) {
	e := newEnv(t, store.IdPOkta)
	_, _, body := e.do(t, "GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", "")
	for _, dropped := range []string{`"nickName"`, `"addresses"`, `"title"`, `"formatted"`, `"x509Certificates"`, `"password"`} {
		assert.False(t, strings.Contains(body, `"name":`+dropped), "%s is dropped by the Okta preset, so not listed", dropped)
	}
	for _, kept := range []string{`"userName"`, `"emails"`, `"givenName"`, `"locale"`, `"displayName"`, `"groups"`, `"active"`} {
		assert.True(t, strings.Contains(body, `"name":`+kept), "%s is stored, so listed", kept)
	}
}
