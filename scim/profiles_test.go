package scim_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/scim/scimtest"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// multi is one handler serving several accounts of one store, each with
// its own IdP.
type multi struct {
	st    *memstore.Store
	links *linking.Service
	h     *scim.Handler
	base  string
	n     int
}

func newMulti(t *testing.T, opts ...scim.Option) *multi {
	t.Helper()
	m := &multi{st: memstore.New()}
	m.links = linking.New(m.st, nil, linking.WithIdPs("okta", "entra", "generic", "acme-hr"))
	var err error
	m.h, err = scim.New(m.links, append([]scim.Option{scim.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", m.h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	m.base = srv.URL + "/scim/v2"
	return m
}

// account turns provisioning on for a fresh account with the IdP chosen
// through linking, as a host's admin UI does, and returns its token.
func (m *multi) account(t *testing.T, idp string) (id, token string) {
	t.Helper()
	ctx := context.Background()
	m.n++
	id = fmt.Sprintf("acct-%d", m.n)
	admin := linking.Member{ID: "admin", Role: linking.RoleOwner}
	require.NoError(t, m.links.SetAllowedDomains(ctx, id, admin, []string{"example.com"}))
	token, err := m.links.EnableProvisioning(ctx, id, admin, "IdP", linking.ForIdP(idp))
	require.NoError(t, err)
	return id, token
}

// TestGoldenFlowsPerAccountIdP: one handler, no WithMapper; Okta accounts
// and Entra accounts each pass their IdP's recorded flows with their own
// mapping (the Entra flows need the enterprise fields and phone numbers
// the Okta table does not map).
func TestGoldenFlowsPerAccountIdP(t *testing.T) {
	m := newMulti(t)
	scimtest.ReplayFlows(t, filepath.Join("..", "testdata"), func(t *testing.T, idp string) (string, string) {
		_, token := m.account(t, idp)
		return m.base, token
	})
}

// An Entra account stores the enterprise department; an Okta account on
// the same handler does not map it, so it is not stored.
func TestMappingFollowsAccount(t *testing.T) {
	m := newMulti(t)
	body := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"userName":"%s","emails":[{"value":"%s","type":"work","primary":true}],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"}}`
	ctx := context.Background()
	for _, tc := range []struct {
		idp  string
		want string
	}{{store.IdPEntra, "Sales"}, {store.IdPOkta, ""}} {
		id, token := m.account(t, tc.idp)
		email := tc.idp + "@example.com"
		status, _, resp := send(t, m.base, token, http.MethodPost, "/Users", fmt.Sprintf(body, email, email))
		require.Equal(t, http.StatusCreated, status, resp)
		page, err := m.st.ListUsers(ctx, id, store.Query{Count: 1})
		require.NoError(t, err)
		require.Len(t, page.Users, 1)
		assert.Equal(t, tc.want, page.Users[0].Enterprise.Department, tc.idp)
	}

	// Changing the account's IdP changes the mapping of its next request.
	id, token := m.account(t, store.IdPOkta)
	require.NoError(t, m.links.SetIdP(ctx, id, linking.Member{ID: "admin", Role: linking.RoleOwner}, store.IdPEntra))
	status, _, resp := send(t, m.base, token, http.MethodPost, "/Users", fmt.Sprintf(body, "switched@example.com", "switched@example.com"))
	require.Equal(t, http.StatusCreated, status, resp)
	page, err := m.st.ListUsers(ctx, id, store.Query{Count: 1})
	require.NoError(t, err)
	assert.Equal(t, "Sales", page.Users[0].Enterprise.Department, "the Entra mapping applies after SetIdP")
}

// A host-registered mapper is chosen by name; an account whose IdP names
// no mapper gets a clear 500 and nothing is stored.
func TestRegisteredMapperAndUnknownIdP(t *testing.T) {
	table := mapping.Okta()
	table.Rows = append(table.Rows, mapping.Row{SCIM: "title", Field: mapping.FieldTitle})
	hr, err := mapping.New(table)
	require.NoError(t, err)
	m := newMulti(t, scim.WithMappers(map[string]*mapping.Mapper{"ACME-HR": hr}))
	assert.Equal(t, []string{"acme-hr", "entra", "generic", "okta"}, m.h.Mappers())

	id, token := m.account(t, "acme-hr")
	status, _, resp := send(t, m.base, token, http.MethodPost, "/Users",
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"t@example.com","title":"Boss","emails":[{"value":"t@example.com","type":"work"}]}`)
	require.Equal(t, http.StatusCreated, status, resp)
	assert.Contains(t, resp, `"title":"Boss"`)

	ctx := context.Background()
	a, err := m.st.GetAccount(ctx, id)
	require.NoError(t, err)
	a.IdP = "onelogin" // written behind linking's back
	_, err = m.st.UpdateAccount(ctx, a)
	require.NoError(t, err)
	m.h.ForgetAccount(id)
	status, _, resp = send(t, m.base, token, http.MethodPost, "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u@example.com","emails":[{"value":"u@example.com"}]}`)
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Contains(t, resp, `identity provider \"onelogin\" is not configured`)
	page, err := m.st.ListUsers(ctx, id, store.Query{})
	require.NoError(t, err)
	assert.Equal(t, 1, page.Total, "nothing stored")
}

func send(t *testing.T, base, token, method, path, body string) (int, http.Header, string) {
	t.Helper()
	e := &env{base: base, token: token}
	if body == "" {
		return e.do(t, method, path, "")
	}
	return e.do(t, method, path, strings.TrimSpace(body))
}
