package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

const contentType = "application/scim+json"

// maxRetryAfter caps the Retry-After of a 429, in seconds.
const maxRetryAfter = 3600

// Handler is the SCIM 2.0 service provider: an http.Handler serving
// /Users, /Groups and the discovery endpoints for every account of the
// host, each request authenticated by its bearer token. Mount it under the
// base URL with the prefix stripped:
//
//	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
//
// A Handler is safe for concurrent use.
type Handler struct {
	store      store.Store
	linking    *linking.Service
	log        *slog.Logger
	hooks      []func(context.Context, Event)
	activity   ActivityRecorder
	policies   []Policy
	maxBody    int64
	maxResults int
	baseURL    string
	clock      func() time.Time

	rate    rate.Limit
	burst   int
	limitMu sync.Mutex
	limits  map[string]*rate.Limiter

	auth authState // verified tokens, failure budgets (auth.go)

	// def is the profile of the default mapper (WithMapper), used for
	// accounts without an IdP; profiles holds one per registered name
	// (WithMappers and the presets), chosen by store.Account.IdP.
	def      *profile
	profiles map[string]*profile
}

// New returns a Handler for the accounts, users and groups of links (a
// linking.Service, which applies the account rules and holds the store).
// A Service without a Notifier issues no invites (its invitees wait,
// pending, for RunNotifier on a Service that has one): New logs a warning
// saying so. See the
// Option functions for what can be configured and the defaults. New starts
// no goroutines and does no I/O.
func New(links *linking.Service, opts ...Option) (*Handler, error) {
	if links == nil {
		return nil, errors.New("scim: New needs a linking.Service")
	}
	var c config
	for _, o := range opts {
		o(&c)
	}
	h := &Handler{
		store:      links.Store(),
		linking:    links,
		log:        c.logger,
		hooks:      c.hooks,
		activity:   c.activity,
		policies:   c.policies,
		maxBody:    c.maxBody,
		maxResults: c.maxResults,
		baseURL:    strings.TrimRight(c.baseURL, "/"),
		clock:      c.clock,
		burst:      c.burst,
		limits:     map[string]*rate.Limiter{},
	}
	if err := h.buildProfiles(c.mapper, c.mappers); err != nil {
		return nil, err
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	if h.maxResults <= 0 {
		h.maxResults = DefaultMaxResults
	}
	if h.clock == nil {
		h.clock = time.Now
	}
	switch {
	case c.perSecond == 0 && c.burst == 0:
		h.rate, h.burst = DefaultRate, DefaultBurst
	case math.IsInf(c.perSecond, 1):
		h.rate = rate.Inf
	case c.perSecond > 0 && c.burst >= 1:
		h.rate = rate.Limit(c.perSecond)
	default:
		return nil, fmt.Errorf("scim: WithRateLimit(%v, %d): the rate must be positive and the burst at least 1 (use math.Inf(1) to turn limiting off)", c.perSecond, c.burst)
	}
	h.auth = authState{ttl: c.tokenTTL, failRate: rate.Limit(c.failRate), failBurst: c.failBurst, strict: c.strictTokens,
		clientAddr: c.clientAddr, tokens: map[[32]byte]*authEntry{}, inflight: map[[32]byte]*verification{},
		fails: map[string]*rate.Limiter{}}
	if h.auth.ttl == 0 {
		h.auth.ttl = DefaultTokenCacheTTL
	}
	h.auth.delay, h.auth.held = c.failDelay, make(chan struct{}, maxHeld)
	if h.auth.delay == 0 {
		h.auth.delay = DefaultAuthFailureDelay
	}
	if h.auth.clientAddr == nil {
		h.auth.clientAddr = defaultClientAddr
	}
	switch {
	case c.failRate == 0 && c.failBurst == 0:
		h.auth.failRate, h.auth.failBurst = DefaultAuthFailureRate, DefaultAuthFailureBurst
	case math.IsInf(c.failRate, 1):
		h.auth.failRate = rate.Inf
	case c.failRate > 0 && c.failBurst >= 1:
	default:
		return nil, fmt.Errorf("scim: WithAuthFailureLimit(%v, %d): the rate must be positive and the burst at least 1 (use math.Inf(1) to turn the limit off)", c.failRate, c.failBurst)
	}
	links.OnAccessChange(h.auth.forgetAccount)
	if !links.Notifies() {
		h.log.Warn("scim: the linking.Service has no Notifier: invitees are stored with their invite pending; run RunNotifier on a Service that has one")
	}
	return h, nil
}

// ServeHTTP answers one SCIM request. The path is relative to the SCIM base
// URL: "/Users", "/Groups/42", "/ServiceProviderConfig".
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w}
	var (
		account, tokenID, path string
		body                   any
	)
	defer func() {
		if p := recover(); p != nil {
			h.log.ErrorContext(r.Context(), "scim: panic serving request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("panic", p))
			if !rec.wrote {
				writeError(rec, &apiError{Status: http.StatusInternalServerError, Detail: "internal server error; the service logged the cause, retry later"})
			}
		}
		if h.log.Enabled(r.Context(), slog.LevelDebug) {
			h.log.DebugContext(r.Context(), "scim request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", rec.status()), slog.String("account", account),
				slog.Duration("duration", time.Since(start)))
		}
		if h.activity != nil && account != "" {
			h.recordActivity(r, rec, start, account, tokenID, path, body)
		}
	}()
	rec.Header().Set("Content-Type", contentType)

	acct, tok, e := h.authenticate(r)
	if e != nil {
		if e.Status == http.StatusUnauthorized {
			rec.Header().Set("WWW-Authenticate", `Bearer realm="scim"`)
		}
		if e.hold {
			h.auth.hold(r.Context())
		}
		writeError(rec, e)
		return
	}
	account, tokenID = acct.ID, tok
	path = canonicalPath(strings.TrimSuffix(r.URL.Path, "/"))
	if e := h.allow(acct.ID); e != nil {
		writeError(rec, e)
		return
	}
	prof, e := h.profileOf(r.Context(), acct)
	if e != nil {
		writeError(rec, e)
		return
	}
	if !isDiscovery(path) {
		if err := h.linking.Enabled(acct); err != nil {
			writeError(rec, h.translate(r.Context(), err, "account"))
			return
		}
	}
	body, e = h.readBody(r)
	if e != nil {
		writeError(rec, e)
		return
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet // net/http sends the headers and drops the body
	}
	// The caller's request is never modified: the account travels in a
	// shallow copy (as http.StripPrefix copies before changing the path).
	// Every store write the request makes is the IdP's (store.Event.Actor).
	ctx := store.WithActor(withAccount(r.Context(), acct.ID), store.Actor{Kind: store.ActorIdP, ID: tokenID})
	h.route(rec, &request{r: r.WithContext(ctx), acct: acct, p: prof, method: method, path: path, body: body})
}

// request is one authenticated request as the handlers see it: the
// caller's *http.Request (read, never written), the account it
// authenticated as, and the body decoded once (nil when there is none).
type request struct {
	r      *http.Request
	acct   store.Account
	p      *profile // the mapping of the account's IdP
	method string   // HEAD is answered as GET
	path   string   // canonical, without a trailing slash
	body   any
}

func (q *request) ctx() context.Context { return q.r.Context() }

// endpoints are the first path segments this handler serves.
var endpoints = [...]string{"/Users", "/Groups", "/ServiceProviderConfig", "/Schemas", "/ResourceTypes", "/Bulk", "/Me"}

// canonicalPath spells the endpoint segment of path as the RFC does, so
// that "/users/42" reaches /Users.
func canonicalPath(path string) string {
	seg, rest := path, ""
	if i := strings.IndexByte(path[min(1, len(path)):], '/'); i >= 0 {
		seg, rest = path[:i+1], path[i+1:]
	}
	for _, ep := range endpoints {
		if seg != ep && strings.EqualFold(seg, ep) {
			return ep + rest
		}
	}
	return path
}

func isDiscovery(path string) bool {
	return path == "/ServiceProviderConfig" || path == "/Schemas" || path == "/ResourceTypes" ||
		strings.HasPrefix(path, "/Schemas/") || strings.HasPrefix(path, "/ResourceTypes/")
}

// route dispatches an authenticated request.
func (h *Handler) route(w http.ResponseWriter, q *request) {
	path := q.path
	switch path {
	case "/Users", "/Groups":
		switch q.method {
		case http.MethodGet:
			h.serveList(w, q, path == "/Users", h.listParamsFromQuery(q))
		case http.MethodPost:
			if path == "/Users" {
				h.createUser(w, q)
			} else {
				h.createGroup(w, q)
			}
		default:
			methodNotAllowed(w, "GET, HEAD, POST")
		}
		return
	case "/Users/.search", "/Groups/.search":
		if q.method != http.MethodPost {
			methodNotAllowed(w, "POST")
			return
		}
		h.serveSearch(w, q, path == "/Users/.search")
		return
	case "/ServiceProviderConfig":
		if q.method != http.MethodGet {
			methodNotAllowed(w, "GET, HEAD")
			return
		}
		h.serveServiceProviderConfig(w)
		return
	case "/Bulk", "/Me", "/.search", "":
		what := strings.TrimPrefix(path, "/")
		if what == "" {
			what = "queries against the base URL itself"
		}
		writeError(w, &apiError{Status: http.StatusNotImplemented, Detail: "this service provider does not support " + what + "; use /Users and /Groups, see /ServiceProviderConfig"})
		return
	}
	if rest, ok := strings.CutPrefix(path, "/Users/"); ok {
		h.routeResource(w, q, true, rest)
		return
	}
	if rest, ok := strings.CutPrefix(path, "/Groups/"); ok {
		h.routeResource(w, q, false, rest)
		return
	}
	if isDiscovery(path) {
		if q.method != http.MethodGet {
			methodNotAllowed(w, "GET, HEAD")
			return
		}
		h.serveDiscovery(w, q, path)
		return
	}
	for _, ep := range []string{"/Users", "/Groups", "/ServiceProviderConfig", "/Schemas", "/ResourceTypes"} {
		if i := strings.Index(path, ep); i > 0 && (len(path) == i+len(ep) || path[i+len(ep)] == '/') {
			// The host mounted the handler without stripping its prefix.
			writeError(w, &apiError{Status: http.StatusNotFound, Detail: fmt.Sprintf("no SCIM endpoint at %q: the handler must be mounted with its prefix stripped, as http.StripPrefix(%q, handler)", path, path[:i])})
			return
		}
	}
	writeError(w, &apiError{Status: http.StatusNotFound, Detail: fmt.Sprintf("no SCIM endpoint at %q; the endpoints are /Users, /Groups, /ServiceProviderConfig, /Schemas and /ResourceTypes under the base URL", path)})
}

// routeResource dispatches a request for one user or group.
func (h *Handler) routeResource(w http.ResponseWriter, q *request, users bool, id string) {
	if id == "" || strings.IndexByte(id, 0) >= 0 || !utf8.ValidString(id) {
		// No store holds such an id (and SQL stores refuse to look one
		// up).
		writeError(w, &apiError{Status: http.StatusNotFound, Detail: "no resource has that id"})
		return
	}
	switch {
	case q.method == http.MethodGet:
		h.serveGet(w, q, users, id)
	case q.method == http.MethodPut && users:
		h.replaceUser(w, q, id)
	case q.method == http.MethodPatch && users:
		h.patchUser(w, q, id)
	case q.method == http.MethodDelete && users:
		h.deleteUser(w, q, id)
	case q.method == http.MethodPut:
		h.replaceGroup(w, q, id)
	case q.method == http.MethodPatch:
		h.patchGroup(w, q, id)
	case q.method == http.MethodDelete:
		h.deleteGroup(w, q, id)
	default:
		methodNotAllowed(w, "GET, HEAD, PUT, PATCH, DELETE")
	}
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeError(w, &apiError{Status: http.StatusMethodNotAllowed, Detail: "method not allowed here; allowed: " + allow})
}

// allow applies the account's token bucket.
func (h *Handler) allow(account string) *apiError {
	if h.rate == rate.Inf {
		return nil
	}
	h.limitMu.Lock()
	lim, ok := h.limits[account]
	if !ok {
		lim = rate.NewLimiter(h.rate, h.burst)
		h.limits[account] = lim
	}
	h.limitMu.Unlock()
	now := h.clock()
	res := lim.ReserveN(now, 1)
	if !res.OK() {
		return h.tooMany(1)
	}
	delay := res.DelayFrom(now)
	if delay == 0 {
		return nil
	}
	res.CancelAt(now)
	return h.tooMany(delay)
}

func (h *Handler) tooMany(delay time.Duration) *apiError {
	secs := min(max(int(math.Ceil(delay.Seconds())), 1), maxRetryAfter)
	return &apiError{Status: http.StatusTooManyRequests, Detail: "too many requests for this account; retry after " + strconv.Itoa(secs) + " seconds", retryAfter: secs}
}

// readBody reads the request body up to the cap, refusing larger ones
// before anything is parsed, and decodes it once (numbers kept exact as
// json.Number). An empty body is nil.
func (h *Handler) readBody(r *http.Request) (any, *apiError) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > h.maxBody {
		return nil, tooLarge(h.maxBody)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, h.maxBody+1))
	if err != nil {
		return nil, errBadRequest("invalidSyntax", "the request body could not be read")
	}
	if int64(len(body)) > h.maxBody {
		return nil, tooLarge(h.maxBody)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	return decodeBody(body)
}

// decodeBody decodes exactly one JSON value, keeping numbers exact.
func decodeBody(body []byte) (any, *apiError) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, errBadRequest("invalidSyntax", fmt.Sprintf("the request body is not valid JSON: %s (at byte %d)", se.Error(), se.Offset))
		}
		return nil, errBadRequest("invalidSyntax", "the request body is not valid JSON: it ends too early")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errBadRequest("invalidSyntax", "the request body has more after its JSON value; send exactly one JSON object")
	}
	return v, nil
}

// needBody returns the decoded body of a request that must have one.
func needBody(q *request) (any, *apiError) {
	if q.body == nil {
		return nil, errBadRequest("invalidSyntax", "the request needs a JSON body")
	}
	return q.body, nil
}

func tooLarge(limit int64) *apiError {
	return &apiError{Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("the request body is larger than the limit of %d bytes", limit)}
}

// recorder remembers whether and what the handler wrote, for the request
// log and for panic recovery.
type recorder struct {
	http.ResponseWriter
	code  int
	wrote bool
	// err is the SCIM error answered, resID the id of the resource
	// answered (for the activity log).
	err            *apiError
	resID, resName string
}

func (w *recorder) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if !w.wrote {
		w.code, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

func (w *recorder) status() int {
	if !w.wrote {
		return http.StatusOK
	}
	return w.code
}

type accountKey struct{}

func withAccount(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, accountKey{}, id)
}

// AccountID returns the account a request handled by Handler was
// authenticated as, for hooks and host middleware. ok is false outside
// such a request.
func AccountID(ctx context.Context) (id string, ok bool) {
	id, ok = ctx.Value(accountKey{}).(string)
	return id, ok
}
