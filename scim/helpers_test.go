package scim_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

const testAccount = "acme"

// env is one account on a memstore behind a real HTTP server.
type env struct {
	st      *memstore.Store
	h       *scim.Handler
	srv     *httptest.Server
	base    string
	token   string
	mu      sync.Mutex // guards events and invites: handlers run concurrently
	events  []scim.Event
	invites []string
	links   *linking.Service
}

// sentInvites runs the notifier's delivery pass (what RunNotifier does in a
// host) and returns the invites sent so far.
func (e *env) sentInvites(t *testing.T) []string {
	t.Helper()
	_, err := e.links.DeliverPending(context.Background())
	require.NoError(t, err)
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.invites)
}

type notifier struct{ e *env }

func (n notifier) SendInvite(_ context.Context, _ string, u store.User) error {
	n.e.mu.Lock()
	defer n.e.mu.Unlock()
	n.e.invites = append(n.e.invites, u.PrimaryEmail())
	return nil
}
func (n notifier) SendReminder(context.Context, string, store.User) error { return nil }

// newEnv builds the account (provisioning on, example.com allowed) and the
// handler with the preset of idp ("okta" or "entra").
func newEnv(t *testing.T, idp string, opts ...scim.Option) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{st: memstore.New()}
	_, err := e.st.CreateAccount(ctx, store.Account{ID: testAccount, ProvisioningEnabled: true, AllowedDomains: []string{"example.com"}})
	require.NoError(t, err)
	secret, hash, err := linking.NewToken()
	require.NoError(t, err)
	_, err = e.st.AddToken(ctx, testAccount, store.Token{Hash: hash, Label: "test"})
	require.NoError(t, err)
	e.token = secret

	table, ok := mapping.Preset(idp)
	require.True(t, ok, "no preset for %q", idp)
	m, err := mapping.New(table)
	require.NoError(t, err)
	base := []scim.Option{
		scim.WithMapper(m),
		scim.WithHook(func(_ context.Context, ev scim.Event) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.events = append(e.events, ev)
		}),
	}
	e.links = linking.New(e.st, notifier{e})
	e.h, err = scim.New(e.links, append(base, opts...)...)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", e.h))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.base = e.srv.URL + "/scim/v2"
	return e
}

// do sends one request with the account's token and returns status,
// headers and body.
func (e *env) do(t *testing.T, method, path, body string, headers ...string) (int, http.Header, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.base+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+e.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(b)
}
