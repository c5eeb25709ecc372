package hostadapter_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/scim/scimtest"
	"github.com/scimkit/scimkit/store"
)

// TestGoldenFlows replays every recorded Okta and Entra ID conversation
// (testdata/{okta,entra}/flows, as the scim package and sqlstore replay
// them) through the SCIM handler on the adapter: the host's own tables
// under the IdPs' real request shapes.
func TestGoldenFlows(t *testing.T) {
	for _, idp := range []string{"okta", "entra"} {
		files, err := filepath.Glob(filepath.Join("..", "..", "testdata", idp, "flows", "*.json"))
		require.NoError(t, err)
		require.NotEmpty(t, files)
		for _, f := range files {
			t.Run(idp+"/"+filepath.Base(f), func(t *testing.T) {
				base, token := serveSCIM(t, open(t, fresh(t)), idp)
				scimtest.Replay(t, base, token, f)
			})
		}
	}
}

// serveSCIM mounts the handler on st for one provisioning-enabled account
// that allows example.com, and returns the base URL and a token.
func serveSCIM(t *testing.T, st store.Store, idp string) (base, token string) {
	t.Helper()
	ctx := context.Background()
	_, err := st.CreateAccount(ctx, store.Account{ID: "acme", ProvisioningEnabled: true, AllowedDomains: []string{"example.com"}})
	require.NoError(t, err)
	secret, hash, err := linking.NewToken()
	require.NoError(t, err)
	_, err = st.AddToken(ctx, "acme", store.Token{Hash: hash})
	require.NoError(t, err)
	table := mapping.Okta()
	if idp == "entra" {
		table = mapping.Entra()
	}
	m, err := mapping.New(table)
	require.NoError(t, err)
	h, err := scim.New(linking.New(st, nil), scim.WithMapper(m), scim.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	srv := httptest.NewServer(http.StripPrefix("/scim/v2", h))
	t.Cleanup(srv.Close)
	return srv.URL + "/scim/v2", secret
}
