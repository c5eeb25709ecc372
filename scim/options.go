package scim

import (
	"context"
	"log/slog"
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
	logger     *slog.Logger
	hooks      []func(context.Context, Event)
	maxBody    int64
	perSecond  float64
	burst      int
	maxResults int
	baseURL    string
	clock      func() time.Time
}

// WithMapper sets the attribute mapping between SCIM resources and host
// users. The zero value is the Okta preset (mapping.Okta()).
func WithMapper(m *mapping.Mapper) Option { return func(c *config) { c.mapper = m } }

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
// header. math.Inf(1) turns limiting off (burst is then ignored). New
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
