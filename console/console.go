package console

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Session is who is looking at the console: the account and the acting
// member, as the host's own login knows them.
type Session struct {
	// AccountID is the account whose provisioning the console shows.
	AccountID string
	// Member is the acting member; only owners and administrators
	// (Member.CanAdminister) change anything.
	Member linking.Member
	// Name is how the member is shown (in the header and the activity
	// log); Member.ID if empty.
	Name string
}

// ErrNoSession is what a Resolve function returns for a request without a
// logged-in member; the console answers 401 (the host normally redirects
// to its login page before the console is reached).
var ErrNoSession = errors.New("console: not logged in")

// Config configures a Handler.
type Config struct {
	// Links is the account rules and the store (required).
	Links *linking.Service
	// Resolve tells the console who is asking (required). scimkit never
	// authenticates admins itself: the host mounts the Handler behind its
	// own login and resolves the request to the account and the member
	// from its session. Return ErrNoSession (or any error) to refuse.
	Resolve func(r *http.Request) (Session, error)
	// SCIMBaseURL returns the SCIM base URL the IdP is given (no trailing
	// slash), e.g. "https://app.example.com/scim/v2". nil derives it from
	// the request: its scheme and host followed by "/scim/v2".
	SCIMBaseURL func(r *http.Request) string
	// Stylesheet, when set, is the URL of the stylesheet the pages link
	// instead of the default one (served at static/console.css).
	Stylesheet string
	// ProductName names the host in the pages ("Acme"); default "your
	// app".
	ProductName string
	// Logger receives internal errors (never shown to the admin); default
	// slog.Default().
	Logger *slog.Logger
	// Clock is the time source; default time.Now.
	Clock func() time.Time
}

// Handler is the admin console: server-rendered pages and a JSON API
// (under api/) over the same operations. Mount it with its prefix
// stripped, behind the host's login:
//
//	mux.Handle("/settings/provisioning/", http.StripPrefix("/settings/provisioning", consoleHandler))
//
// Every state-changing request passes the standard library's
// cross-origin protection (http.CrossOriginProtection): a POST, PUT or
// DELETE that a browser marks as coming from another origin is refused
// with 403.
type Handler struct {
	cfg   Config
	st    store.Store
	log   store.ActivityLog // nil when the store keeps none
	tmpl  map[string]*template.Template
	mux   *http.ServeMux
	cop   *http.CrossOriginProtection
	now   func() time.Time
	lg    *slog.Logger
	flash flashes
}

// New returns the console for cfg.
func New(cfg Config) (*Handler, error) {
	if cfg.Links == nil || cfg.Resolve == nil {
		return nil, errors.New("console: Config.Links and Config.Resolve are required")
	}
	h := &Handler{cfg: cfg, st: cfg.Links.Store(), now: cfg.Clock, lg: cfg.Logger}
	if h.now == nil {
		h.now = time.Now
	}
	if h.lg == nil {
		h.lg = slog.Default()
	}
	if h.cfg.ProductName == "" {
		h.cfg.ProductName = "your app"
	}
	h.log, _ = h.st.(store.ActivityLog)
	h.flash = flashes{m: map[string]flash{}}
	if err := h.parseTemplates(); err != nil {
		return nil, err
	}
	h.cop = http.NewCrossOriginProtection()
	h.cop.SetDenyHandler(http.HandlerFunc(h.crossOrigin))
	h.routes()
	return h, nil
}

// ServeHTTP serves the console.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	h.cop.Handler(h.mux).ServeHTTP(w, r)
}

func (h *Handler) crossOrigin(w http.ResponseWriter, r *http.Request) {
	if isAPI(r) {
		writeJSONError(w, http.StatusForbidden, "cross_origin", "cross-origin request refused: send it from the console's own origin")
		return
	}
	h.errorPage(w, r, http.StatusForbidden, "Request refused",
		"This form was sent from another site, so it was not applied. Open the provisioning settings and try again from there.")
}

func (h *Handler) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))

	page := func(pattern string, fn func(w http.ResponseWriter, r *http.Request, s Session)) {
		m.HandleFunc(pattern, h.withSession(fn))
	}
	page("GET /{$}", h.overview)
	page("POST /setup", h.postSetup)
	page("GET /setup/token", h.showToken)
	page("POST /sync", h.postSync)
	page("POST /idp", h.postIdP)
	page("GET /tokens", h.tokensPage)
	page("POST /tokens", h.postToken)
	page("POST /tokens/{id}/revoke", h.postRevoke)
	page("GET /domains", h.domainsPage)
	page("POST /domains", h.postDomains)
	page("GET /groups", h.groupsPage)
	page("POST /groups/{id}/managed", h.postManaged)
	page("GET /members", h.membersPage)
	page("POST /members/{id}/resend", h.postResend)
	page("GET /activity", h.activityPage)

	page("GET /api/setup", h.apiGetSetup)
	page("POST /api/setup", h.apiPostSetup)
	page("PUT /api/sync", h.apiPutSync)
	page("PUT /api/idp", h.apiPutIdP)
	page("GET /api/tokens", h.apiGetTokens)
	page("POST /api/tokens", h.apiPostToken)
	page("DELETE /api/tokens/{id}", h.apiDeleteToken)
	page("GET /api/domains", h.apiGetDomains)
	page("PUT /api/domains", h.apiPutDomains)
	page("GET /api/groups", h.apiGetGroups)
	page("PUT /api/groups/{id}", h.apiPutGroup)
	page("GET /api/members", h.apiGetMembers)
	page("POST /api/members/{id}/resend", h.apiPostResend)
	page("GET /api/activity", h.apiGetActivity)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if isAPI(r) {
			writeJSONError(w, http.StatusNotFound, "not_found", "no such console API endpoint")
			return
		}
		h.errorPage(w, r, http.StatusNotFound, "Page not found", "There is no such page in the provisioning settings.")
	})
	h.mux = m
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// withSession resolves the session and refuses requests without one.
func (h *Handler) withSession(fn func(w http.ResponseWriter, r *http.Request, s Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := h.cfg.Resolve(r)
		if err != nil || s.AccountID == "" {
			if isAPI(r) {
				writeJSONError(w, http.StatusUnauthorized, "not_logged_in", "log in to manage provisioning")
				return
			}
			h.errorPage(w, r, http.StatusUnauthorized, "Please log in", "Log in to "+h.cfg.ProductName+" to manage provisioning.")
			return
		}
		if s.Name == "" {
			s.Name = s.Member.ID
		}
		w.Header().Set("Cache-Control", "no-store")
		fn(w, r, s)
	}
}

// mustAdmin refuses (403 page or JSON) a member who may not change
// anything, saying who can. It reports whether the caller may go on.
func (h *Handler) mustAdmin(w http.ResponseWriter, r *http.Request, s Session) bool {
	if s.Member.CanAdminister() {
		return true
	}
	const msg = "Only an owner or administrator of the account can change the provisioning settings. Ask one of them to make this change."
	if isAPI(r) {
		writeJSONError(w, http.StatusForbidden, "not_authorized", msg)
	} else {
		h.errorPage(w, r, http.StatusForbidden, "Owners and administrators only", msg)
	}
	return false
}

// recordAdmin writes one admin action to the activity log, at once (they
// are rare, and the admin expects to see them on the next page).
func (h *Handler) recordAdmin(ctx context.Context, r *http.Request, s Session, action string, err error) {
	if h.log == nil {
		return
	}
	e := store.ActivityEntry{
		AccountID: s.AccountID, Time: h.now(), Kind: store.ActivityAdmin, Method: r.Method, Path: r.URL.Path,
		Status: http.StatusOK, ActorID: s.Member.ID, Name: s.Name, Action: action, Count: 1,
		UserAgent: truncate(r.UserAgent(), 256),
	}
	if err != nil {
		e.Status, e.Detail = statusOf(err), userMessage(err)
	}
	if werr := h.log.AppendActivity(context.WithoutCancel(ctx), []store.ActivityEntry{e}); werr != nil {
		h.lg.Error("console: record admin action", slog.Any("error", werr))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// statusOf maps an error of the setup API to an HTTP status.
func statusOf(err error) int {
	var le *linking.Error
	switch {
	case errors.Is(err, linking.ErrNotAuthorized):
		return http.StatusForbidden
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.As(err, &le), errors.Is(err, errBadInput):
		return http.StatusBadRequest
	case errors.Is(err, linking.ErrNoNotifier):
		return http.StatusConflict
	default:
		return http.StatusInternalServerError
	}
}

var errBadInput = errors.New("console: bad input")

type inputError struct{ msg string }

func (e inputError) Error() string { return e.msg }
func (e inputError) Unwrap() error { return errBadInput }

// userMessage is what the admin may read about err: the rule's sentence
// for a refusal, a fixed sentence otherwise (never internal error text).
func userMessage(err error) string {
	var le *linking.Error
	var ie inputError
	switch {
	case errors.As(err, &le):
		return le.Detail
	case errors.As(err, &ie):
		return ie.msg
	case errors.Is(err, linking.ErrNotAuthorized):
		return "Only an owner or administrator of the account can do this."
	case errors.Is(err, store.ErrNotFound):
		return "It no longer exists; reload the page."
	case errors.Is(err, linking.ErrNoNotifier):
		return "This server does not send invites itself; the invite could not be sent."
	default:
		return "Something went wrong on our side; it was logged. Try again in a moment."
	}
}

// flash is a one-time message carried across a redirect (the token shown
// once). It lives in this process only: behind several replicas, route an
// admin's requests to one (sticky sessions), or the token page reports
// the token as already shown and the admin mints another.
type flash struct {
	account, member string
	token, idp      string
	expires         time.Time
}

type flashes struct {
	mu sync.Mutex
	m  map[string]flash
}

func (f *flashes) put(v flash) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, old := range f.m {
		if time.Now().After(old.expires) {
			delete(f.m, k)
		}
	}
	f.m[id] = v
	return id
}

// take returns the flash once, to the member it was made for.
func (f *flashes) take(id string, s Session) (flash, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.m[id]
	if !ok || v.account != s.AccountID || v.member != s.Member.ID || time.Now().After(v.expires) {
		return flash{}, false
	}
	delete(f.m, id)
	return v, true
}

func (h *Handler) baseURL(r *http.Request) string {
	if h.cfg.SCIMBaseURL != nil {
		return strings.TrimRight(h.cfg.SCIMBaseURL(r), "/")
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s/scim/v2", scheme, r.Host)
}
