package sqlstore_test

import (
	"context"
	"log/slog"
	"math"
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

// TestSCIMFlows replays every recorded Okta and Entra ID conversation
// (testdata/{okta,entra}/flows, the same files the scim package replays on
// memstore) through the SCIM handler on each database, so the SQL adapter
// is proven where it matters: under the IdPs' real request shapes.
func TestSCIMFlows(t *testing.T) {
	for _, idp := range []string{"okta", "entra"} {
		files, err := filepath.Glob(filepath.Join("..", "..", "testdata", idp, "flows", "*.json"))
		require.NoError(t, err)
		require.NotEmpty(t, files)
		for _, f := range files {
			t.Run(idp+"/"+filepath.Base(f), func(t *testing.T) {
				eachDatabase(t, func(t *testing.T, dsn string) {
					base, token := serveSCIM(t, open(t, dsn), idp)
					scimtest.Replay(t, base, token, f)
				})
			})
		}
	}
}

// serveSCIM mounts the handler on st for one provisioning-enabled account
// that allows example.com, and returns the base URL and a token.
func serveSCIM(t *testing.T, st store.Store, idp string, opts ...scim.Option) (base, token string) {
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
	h, err := scim.New(linking.New(st, nil), append([]scim.Option{scim.WithMapper(m), scim.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
	require.NoError(t, err)
	srv := httptest.NewServer(http.StripPrefix("/scim/v2", h))
	t.Cleanup(srv.Close)
	return srv.URL + "/scim/v2", secret
}

// TestConcurrentPatchesWithoutIfMatch: 640 PATCHes without If-Match on one
// user at once, on SQLite and (with SCIMKIT_TEST_POSTGRES) PostgreSQL: none
// answered 412, none lost.
func TestConcurrentPatchesWithoutIfMatch(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		st := open(t, dsn)
		base, token := serveSCIM(t, st, "okta", scim.WithRateLimit(math.Inf(1), 0))
		u, err := st.CreateUser(context.Background(), "acme", store.User{UserName: "busy@example.com", State: store.StateActive,
			Emails: []store.Email{{Value: "busy@example.com", Type: "work", Primary: true}}})
		require.NoError(t, err)
		scimtest.ConcurrentPatches(t, base, token, u.ID, 640)
	})
}

// TestConcurrentCreatesSameEmail: 32 creates with different userNames and
// one email at once (Entra's UPN and mail), on SQLite and (with
// SCIMKIT_TEST_POSTGRES) PostgreSQL: one 201, 31 409, one user.
func TestConcurrentCreatesSameEmail(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		base, token := serveSCIM(t, open(t, dsn), "entra", scim.WithRateLimit(math.Inf(1), 0))
		scimtest.ConcurrentCreatesSameEmail(t, base, token, "same.mail@example.com", 32)
	})
}
