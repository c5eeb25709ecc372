package scim_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
)

// groupMembers reads the members of a group document.
func groupMembers(t *testing.T, body string) []map[string]any {
	t.Helper()
	var g struct{ Members []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(body), &g), body)
	return g.Members
}

// TestGroupSchemaIsWhatIsReturned: for each preset, the members
// sub-attributes /Schemas lists for Group are exactly the keys a member of
// a returned group carries: value, $ref and type everywhere, display only
// where the mapping returns it (generic), and then readOnly.
func TestGroupSchemaIsWhatIsReturned(t *testing.T) {
	m := newMulti(t)
	for _, idp := range []string{store.IdPOkta, store.IdPEntra, store.IdPGeneric} {
		t.Run(idp, func(t *testing.T) {
			_, token := m.account(t, idp)
			status, _, body := send(t, m.base, token, http.MethodGet, "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group", "")
			require.Equal(t, http.StatusOK, status, body)
			var s struct{ Attributes []schemaAttr }
			require.NoError(t, json.Unmarshal([]byte(body), &s))
			var listed []string
			for _, a := range s.Attributes {
				if a.Name != "members" {
					continue
				}
				for _, sa := range a.SubAttributes {
					listed = append(listed, sa.Name)
					if sa.Name == "display" {
						assert.Equal(t, "readOnly", sa.Mutability, "members.display is taken from the user")
					}
				}
			}
			user := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"m.%[1]s@example.com","displayName":"M %[1]s","name":{"givenName":"M","familyName":"%[1]s"},"emails":[{"value":"m.%[1]s@example.com","type":"work","primary":true}]}`, idp)
			status, _, body = send(t, m.base, token, http.MethodPost, "/Users", user)
			require.Equal(t, http.StatusCreated, status, body)
			var u struct{ ID string }
			require.NoError(t, json.Unmarshal([]byte(body), &u))
			status, _, body = send(t, m.base, token, http.MethodPost, "/Groups",
				fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[{"value":%q,"display":"whatever the client says"}]}`, u.ID))
			require.Equal(t, http.StatusCreated, status, body)
			ms := groupMembers(t, body)
			require.Len(t, ms, 1)
			var keys []string
			for k := range ms[0] {
				keys = append(keys, k)
			}
			assert.ElementsMatch(t, listed, keys, "a member carries exactly what /Schemas lists for members")
			if idp == store.IdPGeneric {
				assert.Equal(t, "M "+idp, ms[0]["display"], "display is the user's displayName, not the client's")
			} else {
				assert.NotContains(t, listed, "display", "%s does not return members.display, so does not list it", idp)
			}
		})
	}
}

// TestGenericMemberDisplay: a generic account's members carry their
// current displayName (else userName) on every read: GET, the list, PUT's
// answer and projections, and follow a rename of the user.
func TestGenericMemberDisplay(t *testing.T) {
	m := newMulti(t)
	_, token := m.account(t, store.IdPGeneric)
	create := func(body string) string {
		t.Helper()
		status, _, resp := send(t, m.base, token, http.MethodPost, "/Users", body)
		require.Equal(t, http.StatusCreated, status, resp)
		var u struct{ ID string }
		require.NoError(t, json.Unmarshal([]byte(resp), &u))
		return u.ID
	}
	named := create(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada","displayName":"Ada Lovelace"}`)
	bare := create(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Charles.Babbage"}`)
	status, _, body := send(t, m.base, token, http.MethodPost, "/Groups",
		fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engines","members":[{"value":%q},{"value":%q}]}`, bare, named))
	require.Equal(t, http.StatusCreated, status, body)
	var g struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(body), &g))
	displays := func(body string) []any {
		t.Helper()
		var out []any
		for _, m := range groupMembers(t, body) {
			out = append(out, m["display"])
		}
		return out
	}
	assert.Equal(t, []any{"Charles.Babbage", "Ada Lovelace"}, displays(body), "POST: displayName, else userName, in member order")

	status, _, body = send(t, m.base, token, http.MethodPatch, "/Users/"+named,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Countess of Lovelace"}]}`)
	require.Equal(t, http.StatusOK, status, body)
	_, _, body = send(t, m.base, token, http.MethodGet, "/Groups/"+g.ID, "")
	assert.Equal(t, []any{"Charles.Babbage", "Countess of Lovelace"}, displays(body), "GET: the display follows the user's rename")

	_, _, body = send(t, m.base, token, http.MethodGet, "/Groups/"+g.ID+"?attributes=members.display", "")
	assert.Equal(t, []any{"Charles.Babbage", "Countess of Lovelace"}, displays(body), "attributes=members.display")
	for _, m := range groupMembers(t, body) {
		assert.Equal(t, []string{"display"}, slices.Sorted(maps.Keys(m)), "only the projected sub-attribute")
	}

	_, _, body = send(t, m.base, token, http.MethodGet, "/Groups?filter="+`displayName%20eq%20%22Engines%22`, "")
	var list struct{ Resources []json.RawMessage }
	require.NoError(t, json.Unmarshal([]byte(body), &list), body)
	require.Len(t, list.Resources, 1)
	assert.Equal(t, []any{"Charles.Babbage", "Countess of Lovelace"}, displays(string(list.Resources[0])), "list")

	status, _, body = send(t, m.base, token, http.MethodPut, "/Groups/"+g.ID,
		fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engines","members":[{"value":%q,"display":"ignored"}]}`, named))
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, []any{"Countess of Lovelace"}, displays(body), "PUT answers with the stored member's display")
}
