package scimtest

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
)

// FlowAccount is the account Serve sets up, and FlowDomain the email domain
// it allows: what the recorded flows expect.
const (
	FlowAccount = "acme"
	FlowDomain  = "example.com"
)

// Serve sets st up the way the recorded flows expect and serves it: it
// stores account FlowAccount (provisioning on, FlowDomain allowed) with a
// new token, mounts a scim.Handler on st with the preset mapping of idp
// ("okta", "entra" or "generic"; opts come after it) on an httptest server
// closed when the test ends, and returns the SCIM base URL and the token.
// It is how an adapter's tests replay the flows through the adapter:
//
//	scimtest.ReplayFlows(t, "testdata", func(t *testing.T, idp string) (string, string) {
//		return scimtest.Serve(t, newStore(t), idp)
//	})
func Serve(t testing.TB, st store.Store, idp string, opts ...scim.Option) (base, token string) {
	t.Helper()
	ctx := context.Background()
	if _, err := st.CreateAccount(ctx, store.Account{ID: FlowAccount, ProvisioningEnabled: true, AllowedDomains: []string{FlowDomain}}); err != nil {
		t.Fatalf("scimtest: create account: %v", err)
	}
	secret, hash, err := linking.NewToken()
	if err != nil {
		t.Fatalf("scimtest: new token: %v", err)
	}
	if _, err := st.AddToken(ctx, FlowAccount, store.Token{Hash: hash}); err != nil {
		t.Fatalf("scimtest: add token: %v", err)
	}
	table, ok := mapping.Preset(idp)
	if !ok {
		t.Fatalf("scimtest: no preset mapping for IdP %q (want one of %q)", idp, mapping.PresetNames)
	}
	m, err := mapping.New(table)
	if err != nil {
		t.Fatalf("scimtest: mapping: %v", err)
	}
	h, err := scim.New(linking.New(st, nil),
		append([]scim.Option{scim.WithMapper(m), scim.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
	if err != nil {
		t.Fatalf("scimtest: handler: %v", err)
	}
	srv := httptest.NewServer(http.StripPrefix("/scim/v2", h))
	t.Cleanup(srv.Close)
	return srv.URL + "/scim/v2", secret
}

// ReplayFlows replays every recorded Okta and Entra ID flow under dir
// (dir/okta/flows/*.json and dir/entra/flows/*.json, the layout of the
// repository's testdata), then the generic SCIM clients' flows
// (dir/generic/flows/*.json) when there are any, each in its own subtest
// named "idp/file", against the base URL and token serve returns for that
// IdP ("okta", "entra" or "generic"). It fails the test when Okta or Entra
// has no flows there (a wrong dir must not pass silently). A serve that
// copies the whole testdata directory must therefore handle "generic" (as
// Serve does: mapping.Generic()); one that copied only the okta and entra
// directories replays just those.
func ReplayFlows(t *testing.T, dir string, serve func(t *testing.T, idp string) (base, token string)) {
	t.Helper()
	for _, idp := range []string{"okta", "entra", "generic"} {
		files, err := filepath.Glob(filepath.Join(dir, idp, "flows", "*.json"))
		if err != nil || len(files) == 0 && idp != "generic" {
			t.Fatalf("scimtest: no %s flows under %s (%v)", idp, dir, err)
		}
		for _, f := range files {
			t.Run(idp+"/"+filepath.Base(f), func(t *testing.T) {
				base, token := serve(t, idp)
				Replay(t, base, token, f)
			})
		}
	}
}
