package main

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"sync"

	"github.com/scimkit/scimkit/console"
	"github.com/scimkit/scimkit/linking"
)

// devLogin is the example server's development login for the admin
// console: a one-time link logs the viewer in as the account's owner (a
// real host mounts the console behind its own login instead). The link's
// code works once; the session it starts lives in a cookie until the
// server stops.
type devLogin struct {
	account string

	mu       sync.Mutex
	code     string // "" once used
	sessions map[string]bool
}

const devCookie = "scimkit_example_session"

func newDevLogin(account string) *devLogin {
	return &devLogin{account: account, code: randomHex(16), sessions: map[string]bool{}}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// owner is who the development login logs in as.
var owner = linking.Member{ID: "example-owner", Role: linking.RoleOwner}

// resolve is the console's Config.Resolve: the session cookie -> the
// account and its owner.
func (d *devLogin) resolve(r *http.Request) (console.Session, error) {
	c, err := r.Cookie(devCookie)
	if err != nil {
		return console.Session{}, console.ErrNoSession
	}
	d.mu.Lock()
	ok := d.sessions[c.Value]
	d.mu.Unlock()
	if !ok {
		return console.Session{}, console.ErrNoSession
	}
	return console.Session{AccountID: d.account, Member: owner, Name: "Example Owner"}, nil
}

// wrap handles ?login=CODE in front of the console: the first use of the
// code starts a session and redirects to the console without the code.
func (d *devLogin) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := r.URL.Query().Get("login")
		if code == "" {
			next.ServeHTTP(w, r)
			return
		}
		d.mu.Lock()
		valid := d.code != "" && subtle.ConstantTimeCompare([]byte(code), []byte(d.code)) == 1
		var session string
		if valid {
			d.code = ""
			session = randomHex(16)
			d.sessions[session] = true
		}
		d.mu.Unlock()
		if !valid {
			http.Error(w, "This login link was already used (it works once). Restart the example server for a new one.", http.StatusForbidden)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: devCookie, Value: session, Path: "/admin/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, "/admin/", http.StatusSeeOther)
	})
}
