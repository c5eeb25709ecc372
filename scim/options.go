package scim

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/scimkit/scimkit/mapping"
)

// Defaults used when the corresponding option is not given.
const (
	// DefaultMaxBodyBytes caps request bodies at 1 MiB.
	DefaultMaxBodyBytes = 1 << 20
	// DefaultRate is the sustained per-account request rate: comfortably
	// above Entra ID's 25 requests/second gallery requirement.
	DefaultRate = 50
	// DefaultBurst is the per-account burst: Okta imports and Entra cycles
	// arrive in bursts.
	DefaultBurst = 100
	// DefaultMaxResults is the largest page a list request returns.
	DefaultMaxResults = 200
)

// Option configures a Handler. Options are applied in order by New.
type Option func(*config)

type config struct {
	mapper     *mapping.Mapper
	mappers    map[string]*mapping.Mapper
	policies   []Policy
	logger     *slog.Logger
	hooks      []func(context.Context, Event)
	activity   ActivityRecorder
	maxBody    int64
	perSecond  float64
	burst      int
	maxResults int
	baseURL    string
	clock      func() time.Time

	tokenTTL     time.Duration
	failRate     float64
	failBurst    int
	failDelay    time.Duration
	strictTokens bool
	clientAddr   func(*http.Request) string
}

// WithMapper sets the default attribute mapping between SCIM resources and
// host users: the one used for accounts that have no IdP chosen
// (store.Account.IdP empty). The zero value is the Okta preset
// (mapping.Okta()). Accounts that chose an IdP use the mapper registered
// under that name instead (see WithMappers).
func WithMapper(m *mapping.Mapper) Option { return func(c *config) { c.mapper = m } }

// WithMappers registers mappers by IdP name (the registry the handler
// picks from with each account's store.Account.IdP; names are compared
// case-insensitively). The presets are registered without it:
// store.IdPOkta (mapping.Okta()), store.IdPEntra (mapping.Entra()) and
// store.IdPGeneric (mapping.Generic()); a mapper given here under one of
// those names replaces the preset. Each call adds to the registry; a nil
// mapper removes the name. An account whose IdP names no registered mapper
// is answered with a 500 SCIM error saying so (and the handler logs it),
// never translated with another mapping. List the same names in
// linking.WithIdPs so that admins can choose them.
func WithMappers(m map[string]*mapping.Mapper) Option {
	return func(c *config) {
		if c.mappers == nil {
			c.mappers = map[string]*mapping.Mapper{}
		}
		for name, mp := range m {
			c.mappers[strings.ToLower(strings.TrimSpace(name))] = mp
		}
	}
}

// WithLogger sets the logger. Internal errors are logged at Error, a
// missing Notifier at Warn, one line per request at Debug. The zero value
// is slog.Default(). Tokens and request bodies are never logged.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithHook adds fn to the observers of lifecycle events (see Event); each
// WithHook adds one more, and they are called in the order given. A hook
// is best effort: it is called synchronously after the change is stored,
// on the request's goroutine, and a crash between the write and the call
// loses it. Keep it fast and hand slow work to a queue. A panic in fn is
// recovered and logged; the IdP still gets its answer, and the other
// hooks are still called. For anything that must not be lost (sessions
// to revoke, seats to count, webhooks), consume the change feed instead
// (package feed): it is written in the same transaction as the change and
// delivered at least once, in order. A nil fn is ignored.
func WithHook(fn func(context.Context, Event)) Option {
	return func(c *config) {
		if fn != nil {
			c.hooks = append(c.hooks, fn)
		}
	}
}

// WithMaxBodyBytes caps request bodies; larger requests get a 413 SCIM
// error and change nothing. The zero value (or n <= 0) is
// DefaultMaxBodyBytes.
func WithMaxBodyBytes(n int64) Option { return func(c *config) { c.maxBody = n } }

// WithRateLimit sets the per-account token bucket: perSecond requests per
// second sustained (0.1 is one every ten seconds), bursts of up to burst.
// Requests over the limit get a 429 SCIM error with an integer Retry-After
// header, at no store cost once the token is cached (WithTokenCache). The
// bucket lives in the Handler: with several replicas behind a load
// balancer each has its own, so an account may send up to the number of
// replicas times the rate in all; divide the rate by the replica count
// (Okta and Entra ID slow down on 429s whichever replica sends them). math.Inf(1) turns limiting off (burst is then ignored). New
// refuses other values unless perSecond > 0 and burst >= 1. The zero value
// (0, 0) is DefaultRate and DefaultBurst.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(c *config) { c.perSecond, c.burst = perSecond, burst }
}

// WithMaxResults sets the largest page a list returns (the count parameter
// is clamped to it) and what ServiceProviderConfig reports as
// filter.maxResults. The zero value is DefaultMaxResults.
func WithMaxResults(n int) Option { return func(c *config) { c.maxResults = n } }

// WithBaseURL makes meta.location and Location headers absolute, for
// example "https://provisioning.example.com/scim/v2". The zero value gives
// relative locations ("Users/<id>").
func WithBaseURL(u string) Option { return func(c *config) { c.baseURL = u } }

// WithClock sets the clock used for rate limiting. The zero value is
// time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithTokenCache sets how long a verified token authenticates its account
// without a store read (store.TokenByHash and GetAccount); the account's
// settings (the provisioning switch, the allowed domains) are cached with
// it. A change made through the linking.Service the Handler is built on
// (linking.Service.RevokeToken, DisableProvisioning, Deactivate,
// SetAllowedDomains) empties the account's entries at once on this
// replica (Handler.ForgetAccount does it for changes made elsewhere);
// other replicas, and changes written to the store directly, take effect
// within ttl. The zero value is DefaultTokenCacheTTL (5 s); a negative ttl
// verifies every request against the store.
func WithTokenCache(ttl time.Duration) Option { return func(c *config) { c.tokenTTL = ttl } }

// WithAuthFailureLimit sets the budget of failed authentications per
// client address: bursts of up to burst, refilled at perSecond. Once it is
// spent, requests from the address that the token cache does not vouch
// for are answered 429 with Retry-After before any store work (a valid
// token seen in the last day still gets through, so an IdP sharing its
// egress address with a misconfigured or hostile tenant is not locked
// out). math.Inf(1) turns the limit off; New refuses other values unless
// perSecond > 0 and burst >= 1. The zero value (0, 0) is
// DefaultAuthFailureRate and DefaultAuthFailureBurst.
func WithAuthFailureLimit(perSecond float64, burst int) Option {
	return func(c *config) { c.failRate, c.failBurst = perSecond, burst }
}

// WithAuthFailureDelay sets how long the 429 of an address over its
// failure budget is held before it is sent: a client that floods with a
// fixed number of connections then gets a few answers a second, and the
// CPU stays with the other accounts. At most 1,024 answers are held at
// once; the others go out at once. The zero value is
// DefaultAuthFailureDelay (1 s); a negative d answers at once.
func WithAuthFailureDelay(d time.Duration) Option { return func(c *config) { c.failDelay = d } }

// WithClientAddress sets how the failure budget names a request's client.
// The default is the TCP peer's IP address (an IPv6 address by its /64).
// Behind a reverse proxy every request comes from the proxy: return the
// address the proxy recorded (the last entry it appended to
// X-Forwarded-For), never a header the client can set itself.
func WithClientAddress(fn func(r *http.Request) string) Option {
	return func(c *config) { c.clientAddr = fn }
}

// WithStrictTokens refuses, without a store lookup, every token that is
// not in linking.NewToken's checksummed format (linking.TokenChecked): the
// tokens it minted before the checksum and host-chosen tokens
// (linking.TokenLegacy) stop working. Turn it on once every IdP has a
// token minted by this release. By default legacy tokens are accepted;
// each costs a store lookup until it is cached, within the failure budget.
func WithStrictTokens() Option { return func(c *config) { c.strictTokens = true } }
