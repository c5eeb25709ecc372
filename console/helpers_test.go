package console_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/activity"
	"github.com/scimkit/scimkit/console"
	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

const acct = "acme"

// world is a host: the SCIM API at /scim/v2/ and the console at /admin/,
// whose login is a "member" cookie naming one of the members below.
type world struct {
	st      *memstore.Store
	links   *linking.Service
	rec     *activity.Recorder
	srv     *httptest.Server
	invites *invites
}

var members = map[string]console.Session{
	"owner":  {AccountID: acct, Member: linking.Member{ID: "m-owner", Role: linking.RoleOwner}, Name: "Olivia Owner"},
	"admin":  {AccountID: acct, Member: linking.Member{ID: "m-admin", Role: linking.RoleAdmin}, Name: "Adam Admin"},
	"member": {AccountID: acct, Member: linking.Member{ID: "m-plain", Role: linking.RoleMember}, Name: "Mia Member"},
}

type invites struct {
	mu   sync.Mutex
	sent []string
}

func (n *invites) SendInvite(_ context.Context, _ string, u store.User) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, u.UserName)
	return nil
}
func (n *invites) SendReminder(context.Context, string, store.User) error { return nil }

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{st: memstore.New(), invites: &invites{}}
	_, err := w.st.CreateAccount(context.Background(), store.Account{ID: acct})
	require.NoError(t, err)
	w.links = linking.New(w.st, w.invites)
	w.rec, err = activity.New(w.st)
	require.NoError(t, err)
	t.Cleanup(func() { _ = w.rec.Close(context.Background()) })
	h, err := scim.New(w.links, scim.WithActivity(w.rec))
	require.NoError(t, err)
	c, err := console.New(console.Config{
		Links: w.links,
		Resolve: func(r *http.Request) (console.Session, error) {
			ck, err := r.Cookie("member")
			if err != nil {
				return console.Session{}, console.ErrNoSession
			}
			s, ok := members[ck.Value]
			if !ok {
				return console.Session{}, console.ErrNoSession
			}
			return s, nil
		},
		ProductName: "Acme",
	})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
	mux.Handle("/admin/", http.StripPrefix("/admin", c))
	// The test host's login: sets the member cookie, as a host's own
	// login would set its session.
	mux.HandleFunc("/login", func(rw http.ResponseWriter, r *http.Request) {
		http.SetCookie(rw, &http.Cookie{Name: "member", Value: r.URL.Query().Get("as"), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(rw, r, "/admin/", http.StatusSeeOther)
	})
	w.srv = httptest.NewServer(mux)
	t.Cleanup(w.srv.Close)
	return w
}

// page is one answer of the console.
type page struct {
	status int
	url    string
	body   string
}

// as sends a request as the member (following redirects, as a browser
// does, with the member's cookie) and extra headers.
func (w *world) as(t testing.TB, who, method, path string, form url.Values, headers ...string) page {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, w.srv.URL+path, body)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if who != "" {
		req.AddCookie(&http.Cookie{Name: "member", Value: who})
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{CheckRedirect: func(r *http.Request, via []*http.Request) error {
		if who != "" {
			r.AddCookie(&http.Cookie{Name: "member", Value: who})
		}
		return nil
	}}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return page{resp.StatusCode, resp.Request.URL.Path + "?" + resp.Request.URL.RawQuery, string(b)}
}

// api sends a JSON request as the member and decodes the answer.
func (w *world) api(t testing.TB, who, method, path string, in any, headers ...string) (int, map[string]any) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		require.NoError(t, err)
		body = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, w.srv.URL+path, body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: "member", Value: who})
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// scimReq sends one SCIM request with the token.
func (w *world) scimReq(t testing.TB, token, method, path, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, w.srv.URL+"/scim/v2"+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	req.Header.Set("User-Agent", "Okta SCIM Client 1.0.0")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var tokenRE = regexp.MustCompile(`id="token" readonly value="([^"]+)"`)

// tokenOf returns the token a token page shows, "" if none.
func tokenOf(body string) string {
	m := tokenRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func userJSON(email string) string {
	return `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"` + email + `","name":{"givenName":"A","familyName":"B"},"emails":[{"value":"` + email + `","primary":true,"type":"work"}],"active":true}`
}
