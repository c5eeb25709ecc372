package scim

import (
	"context"
	"crypto/subtle"
	"errors"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

// Authentication is built so that a flood of bad tokens costs the store
// nothing and the valid IdPs little (see "Authentication" in the package
// documentation). In order, for each request:
//
//  1. The Authorization header is parsed and the secret's format checked
//     (linking.CheckToken: prefix, length, alphabet, CRC-32). A malformed
//     secret is refused without hashing or any store work.
//  2. The secret's SHA-256 is looked up in the cache of verified tokens. A
//     fresh entry (verified within the cache time) authenticates the
//     request without any store read.
//  3. Otherwise the client address's budget of failed authentications is
//     checked before any store work: when it is spent the answer is 429
//     with Retry-After. Tokens the cache knows were valid (verified in the
//     last day) skip this step, so an IdP sharing an address with an
//     attacker (Okta's egress addresses serve every Okta tenant) is not
//     locked out.
//  4. Only then is the token looked up (store.TokenByHash, GetAccount) and
//     the stored hash compared in constant time. A failure spends one unit
//     of the address's budget; a success spends none and is cached.

// Defaults of the authentication options.
const (
	// DefaultTokenCacheTTL is how long a verified token authenticates
	// without a store read (see WithTokenCache).
	DefaultTokenCacheTTL = 5 * time.Second
	// DefaultAuthFailureRate and DefaultAuthFailureBurst are the budget of
	// failed authentications per client address: bursts of 20, then one
	// a second (see WithAuthFailureLimit).
	DefaultAuthFailureRate  = 1
	DefaultAuthFailureBurst = 20
)

// DefaultAuthFailureDelay is how long the 429 of an address over its
// failure budget is held before it is sent (see WithAuthFailureDelay).
const DefaultAuthFailureDelay = time.Second

// maxHeld bounds the answers held at once; beyond it they go out at once.
const maxHeld = 1024

// knownFor is how long a token verified once skips the failure budget of
// its address when it is verified again.
const knownFor = 24 * time.Hour

// maxCachedTokens and maxFailureAddrs bound the memory of the cache and of
// the failure budgets whatever the traffic.
const (
	maxCachedTokens = 10_000
	maxFailureAddrs = 65_536
)

// authEntry is one verified token.
type authEntry struct {
	tokenID string
	acct    store.Account
	fresh   time.Time // authenticates without a store read until then
	known   time.Time // skips the failure budget until then
}

// authState is the Handler's cache of verified tokens and its per-address
// budgets of failed authentications.
type authState struct {
	ttl        time.Duration // <= 0: every request is verified
	failRate   rate.Limit    // rate.Inf: no budget
	failBurst  int
	strict     bool
	clientAddr func(*http.Request) string
	delay      time.Duration // <= 0: 429s are not held
	held       chan struct{} // a semaphore of maxHeld

	mu       sync.Mutex
	tokens   map[[32]byte]*authEntry
	inflight map[[32]byte]*verification // one lookup per token at a time

	failMu sync.Mutex
	fails  map[string]*rate.Limiter
}

// cached returns the entry of hash: fresh (authenticates now) and known
// (was valid lately).
func (a *authState) cached(hash [32]byte, now time.Time) (e authEntry, fresh, known bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.tokens[hash]
	if p == nil {
		return authEntry{}, false, false
	}
	return *p, now.Before(p.fresh), now.Before(p.known)
}

// remember caches a token just verified.
func (a *authState) remember(hash [32]byte, tokenID string, acct store.Account, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.tokens[hash]; !ok && len(a.tokens) >= maxCachedTokens {
		for h, e := range a.tokens {
			if !now.Before(e.known) {
				delete(a.tokens, h)
			}
		}
		if len(a.tokens) >= maxCachedTokens {
			return // only verified tokens get here: a host with that many works, uncached
		}
	}
	a.tokens[hash] = &authEntry{tokenID: tokenID, acct: acct.Clone(), fresh: now.Add(max(a.ttl, 0)), known: now.Add(knownFor)}
}

// forget drops the token hash from the cache.
func (a *authState) forget(hash [32]byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.tokens, hash)
}

// forgetAccount drops every cached token of the account.
func (a *authState) forgetAccount(accountID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for h, e := range a.tokens {
		if e.acct.ID == accountID {
			delete(a.tokens, h)
		}
	}
}

// limiter returns the failure budget of the client address.
func (a *authState) limiter(addr string, now time.Time) *rate.Limiter {
	a.failMu.Lock()
	defer a.failMu.Unlock()
	lim := a.fails[addr]
	if lim != nil {
		return lim
	}
	if len(a.fails) >= maxFailureAddrs {
		// Forget the budgets that are full again (idle addresses); if
		// that is not enough, half of the others (map order is random).
		for k, l := range a.fails {
			if l.TokensAt(now) >= float64(a.failBurst) {
				delete(a.fails, k)
			}
		}
		for k := range a.fails {
			if len(a.fails) < maxFailureAddrs/2 {
				break
			}
			delete(a.fails, k)
		}
	}
	lim = rate.NewLimiter(a.failRate, a.failBurst)
	a.fails[addr] = lim
	return lim
}

// defaultClientAddr is the address of the TCP peer, IPv6 addresses by
// their /64 network (one host usually has a whole /64).
func defaultClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

const unauthorized = "missing or invalid bearer token; paste the token from the account's provisioning settings into the identity provider's API token field"

// bearerSecret returns the token of the request's Authorization header.
func bearerSecret(r *http.Request) (string, bool) {
	scheme, secret, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	secret = strings.TrimSpace(secret)
	if s, again := strings.CutPrefix(secret, "Bearer "); again {
		// An admin who pasted "Bearer <token>" into a field that already
		// says Bearer.
		secret = strings.TrimSpace(s)
	}
	return secret, ok && strings.EqualFold(scheme, "Bearer") && secret != ""
}

// verification is a lookup of one token in flight: concurrent requests
// with the same token (an IdP's import opens many connections at once)
// wait for it rather than each spending a store lookup and a unit of the
// failure budget.
type verification struct {
	done    chan struct{}
	acct    store.Account
	tokenID string
	err     *apiError
}

// authenticate finds the account of the request's bearer token (see the
// steps above). It also returns the id of the token, the actor of the
// request's writes.
func (h *Handler) authenticate(r *http.Request) (store.Account, string, *apiError) {
	a := &h.auth
	now := h.clock()
	secret, ok := bearerSecret(r)
	if !ok {
		return store.Account{}, "", h.authFailed(r, now)
	}
	if f := linking.CheckToken(secret); f == linking.TokenMalformed || (a.strict && f != linking.TokenChecked) {
		return store.Account{}, "", h.authFailed(r, now)
	}
	hash := linking.HashToken(secret)
	a.mu.Lock()
	if p := a.tokens[hash]; p != nil && now.Before(p.fresh) {
		acct, id := p.acct.Clone(), p.tokenID
		a.mu.Unlock()
		return acct, id, nil
	}
	if v := a.inflight[hash]; v != nil {
		a.mu.Unlock()
		select {
		case <-v.done:
			return v.acct.Clone(), v.tokenID, v.err
		case <-r.Context().Done():
			return store.Account{}, "", h.translate(r.Context(), r.Context().Err(), "token")
		}
	}
	v := &verification{done: make(chan struct{})}
	a.inflight[hash] = v
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		delete(a.inflight, hash)
		a.mu.Unlock()
		close(v.done)
	}()
	v.acct, v.tokenID, v.err = h.verify(r, hash, now)
	return v.acct.Clone(), v.tokenID, v.err
}

// verify looks the token up in the store, within the client address's
// failure budget unless the cache knows the token was valid lately.
func (h *Handler) verify(r *http.Request, hash [32]byte, now time.Time) (store.Account, string, *apiError) {
	a := &h.auth
	_, _, known := a.cached(hash, now)
	var gate *rate.Reservation
	if !known && a.failRate != rate.Inf {
		gate = a.limiter(a.clientAddr(r), now).ReserveN(now, 1)
		if d := gate.DelayFrom(now); !gate.OK() || d > 0 {
			gate.CancelAt(now)
			return store.Account{}, "", failedTooOften(d)
		}
	}
	// refund gives the reserved unit back: the request was not the
	// client's failure.
	refund := func() {
		if gate != nil {
			gate.CancelAt(now)
		}
	}
	// The lookup serves every request waiting for it: one client going
	// away must not fail the others.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
	defer cancel()
	tok, err := h.store.TokenByHash(ctx, hash)
	if err == nil && subtle.ConstantTimeCompare(tok.Hash[:], hash[:]) != 1 {
		err = store.ErrNotFound
	}
	var acct store.Account
	if err == nil {
		acct, err = h.store.GetAccount(ctx, tok.AccountID)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.forget(hash)
		if known {
			// Valid lately, revoked now: it counts from now on.
			a.limiter(a.clientAddr(r), now).AllowN(now, 1)
		}
		return store.Account{}, "", unauthorizedError()
	case err != nil:
		refund()
		return store.Account{}, "", h.translate(r.Context(), err, "token")
	}
	refund()
	a.remember(hash, tok.ID, acct, now)
	return acct, tok.ID, nil
}

// authFailed answers a request refused before any lookup: 401, or 429
// once the client address has spent its budget of failures.
func (h *Handler) authFailed(r *http.Request, now time.Time) *apiError {
	a := &h.auth
	if a.failRate == rate.Inf {
		return unauthorizedError()
	}
	lim := a.limiter(a.clientAddr(r), now)
	if lim.AllowN(now, 1) {
		return unauthorizedError()
	}
	t := lim.TokensAt(now)
	return failedTooOften(time.Duration((1 - t) / float64(a.failRate) * float64(time.Second)))
}

// hold delays the answer to an address over its failure budget, so that
// a client flooding from it (most send a fixed number of requests at a
// time and wait for each answer) slows down to a few requests a second
// instead of taking the CPU from the other accounts. At most maxHeld
// answers are held at once (a goroutine and a connection each); beyond
// that, or when the client goes away, the answer goes out at once.
func (a *authState) hold(ctx context.Context) {
	if a.delay <= 0 {
		return
	}
	select {
	case a.held <- struct{}{}:
	default:
		return
	}
	defer func() { <-a.held }()
	t := time.NewTimer(a.delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func unauthorizedError() *apiError {
	return &apiError{Status: http.StatusUnauthorized, Detail: unauthorized}
}

// failedTooOften is the 429 of an address over its failure budget.
func failedTooOften(delay time.Duration) *apiError {
	secs := min(max(int(math.Ceil(delay.Seconds())), 1), maxRetryAfter)
	return &apiError{Status: http.StatusTooManyRequests, retryAfter: secs, hold: true,
		Detail: "too many failed authentications from this address; check the bearer token in the identity provider and retry after " + strconv.Itoa(secs) + " seconds"}
}

// ForgetAccount drops what the Handler has cached about the account's
// tokens and settings, so that its next request is verified against the
// store. Changes made through the linking.Service the Handler was built
// on (a token revoked or minted, the switch turned off, the domains
// changed) do this by themselves (linking.Service.OnAccessChange); a host
// that changes tokens or accounts on the store directly calls it, or
// accepts that the change takes effect within the cache time
// (WithTokenCache) on each replica.
func (h *Handler) ForgetAccount(accountID string) { h.auth.forgetAccount(accountID) }
