package activity

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/scimkit/scimkit/store"
)

// Defaults of a Recorder.
const (
	// DefaultFlushInterval is how often the Recorder writes what it has
	// collected.
	DefaultFlushInterval = time.Second
	// DefaultTokenUseInterval is the most often one token's last use is
	// written to the store.
	DefaultTokenUseInterval = time.Minute
	// DefaultMaxAge and DefaultMaxEntries bound an account's log.
	DefaultMaxAge     = 30 * 24 * time.Hour
	DefaultMaxEntries = 10_000
	// DefaultMaxPending bounds the entries held in memory between two
	// flushes; beyond it entries are dropped (and counted) rather than
	// slowing the requests down.
	DefaultMaxPending = 50_000
)

// pruneInterval is how often an account's log is pruned (at most).
const pruneInterval = time.Minute

// maxUserAgent and maxText bound the stored header and detail.
const (
	maxUserAgent = 256
	maxText      = 1024
)

// Recorder collects activity entries and token uses in memory and writes
// them to the store in batches from its own goroutine, off the requests'
// critical path. Create it with New and stop it with Close. It is safe for
// concurrent use.
type Recorder struct {
	log   store.ActivityLog
	usage store.TokenUsage // nil when the store keeps no usage
	lg    *slog.Logger
	now   func() time.Time

	flushEvery, useEvery time.Duration
	maxAge               time.Duration
	maxEntries           int
	maxPending           int

	mu      sync.Mutex
	pending []store.ActivityEntry
	reads   map[readKey]*readAgg
	tokens  map[tokenKey]*tokenUse
	dropped int64

	flushMu   sync.Mutex // one flush at a time
	lastPrune map[string]time.Time

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

type readKey struct {
	account, method, path, resourceType, token, userAgent string
	status                                                int
	minute                                                int64
}

type readAgg struct {
	start   time.Time
	count   int
	latency time.Duration
}

type tokenKey struct{ account, token string }

type tokenUse struct{ latest, written time.Time }

// Option configures a Recorder.
type Option func(*Recorder)

// WithClock sets the clock (default time.Now) that dates aggregated reads
// and retention.
func WithClock(now func() time.Time) Option { return func(r *Recorder) { r.now = now } }

// WithFlushInterval sets how often collected entries are written (default
// DefaultFlushInterval).
func WithFlushInterval(d time.Duration) Option { return func(r *Recorder) { r.flushEvery = d } }

// WithTokenUseInterval sets the most often one token's last use is
// written (default DefaultTokenUseInterval: once a minute).
func WithTokenUseInterval(d time.Duration) Option { return func(r *Recorder) { r.useEvery = d } }

// WithRetention bounds every account's log: entries older than maxAge and
// all but the newest maxEntries are pruned (checked at most once a minute
// per account). Zero keeps the corresponding default; a negative value
// turns that bound off.
func WithRetention(maxAge time.Duration, maxEntries int) Option {
	return func(r *Recorder) {
		if maxAge != 0 {
			r.maxAge = maxAge
		}
		if maxEntries != 0 {
			r.maxEntries = maxEntries
		}
	}
}

// WithMaxPending bounds the entries held between flushes (default
// DefaultMaxPending).
func WithMaxPending(n int) Option { return func(r *Recorder) { r.maxPending = n } }

// WithLogger sets where failed writes and dropped entries are logged
// (default: discarded).
func WithLogger(l *slog.Logger) Option { return func(r *Recorder) { r.lg = l } }

// ErrUnsupported is returned by New for a store that does not implement
// store.ActivityLog.
var ErrUnsupported = errors.New("activity: the store keeps no activity log (it does not implement store.ActivityLog)")

// New returns a Recorder writing to st, which must implement
// store.ActivityLog (memstore and sqlstore do; else ErrUnsupported). If st
// also implements store.TokenUsage the tokens' last use is kept too. New
// starts the goroutine that flushes; Close stops it.
func New(st store.Store, opts ...Option) (*Recorder, error) {
	al, ok := st.(store.ActivityLog)
	if !ok {
		return nil, ErrUnsupported
	}
	r := &Recorder{
		log: al, now: time.Now, lg: slog.New(slog.DiscardHandler),
		flushEvery: DefaultFlushInterval, useEvery: DefaultTokenUseInterval,
		maxAge: DefaultMaxAge, maxEntries: DefaultMaxEntries, maxPending: DefaultMaxPending,
		reads: map[readKey]*readAgg{}, tokens: map[tokenKey]*tokenUse{}, lastPrune: map[string]time.Time{},
		stop: make(chan struct{}), done: make(chan struct{}),
	}
	r.usage, _ = st.(store.TokenUsage)
	for _, o := range opts {
		o(r)
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.flushEvery <= 0 {
		r.flushEvery = DefaultFlushInterval
	}
	if r.useEvery <= 0 {
		r.useEvery = DefaultTokenUseInterval
	}
	if r.maxPending <= 0 {
		r.maxPending = DefaultMaxPending
	}
	go r.loop()
	return r, nil
}

func (r *Recorder) loop() {
	defer close(r.done)
	t := time.NewTicker(r.flushEvery)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if err := r.flush(ctx, false); err != nil {
				r.lg.Error("activity: flush", slog.Any("error", err))
			}
			cancel()
		}
	}
}

// Close stops the flushing goroutine and writes everything collected
// (aggregated reads of the current minute included). It is safe to call
// more than once; entries recorded after Close are written by the next
// Flush only.
func (r *Recorder) Close(ctx context.Context) error {
	r.once.Do(func() { close(r.stop) })
	<-r.done
	return r.flush(ctx, true)
}

// Flush writes everything collected now, the aggregated reads of the
// current minute and every token's latest use included (tests, shutdown).
func (r *Recorder) Flush(ctx context.Context) error { return r.flush(ctx, true) }

// Record adds one entry: it only takes a lock and appends, so it costs
// next to nothing on the request path. Successful reads (Method GET or
// HEAD, Status < 400, Kind ActivitySCIM) are aggregated per minute,
// account, method, path kind, status, token and User-Agent into one entry
// whose Count is their number and Latency their mean; every other entry
// is kept as it is. Text fields are truncated. Entries without an
// AccountID are ignored. The entry's TokenID counts as used at its Time
// (see TokenUsed).
func (r *Recorder) Record(e store.ActivityEntry) {
	if e.AccountID == "" {
		return
	}
	if e.Kind == "" {
		e.Kind = store.ActivitySCIM
	}
	if e.Count <= 0 {
		e.Count = 1
	}
	if e.Time.IsZero() {
		e.Time = r.now()
	}
	e.UserAgent = truncate(e.UserAgent, maxUserAgent)
	r.mu.Lock()
	defer r.mu.Unlock()
	if e.TokenID != "" && e.Kind == store.ActivitySCIM {
		r.tokenUsedLocked(e.AccountID, e.TokenID, e.Time)
	}
	if e.Kind == store.ActivitySCIM && (e.Method == "GET" || e.Method == "HEAD") && e.Status < 400 {
		path := e.Path
		if e.ResourceID != "" { // one entry for every read by id
			switch e.ResourceType {
			case "User":
				path = "/Users/{id}"
			case "Group":
				path = "/Groups/{id}"
			default:
				path = strings.Replace(path, e.ResourceID, "{id}", 1)
			}
		}
		k := readKey{account: e.AccountID, method: e.Method, path: path, resourceType: e.ResourceType,
			token: e.TokenID, userAgent: e.UserAgent, status: e.Status, minute: e.Time.Unix() / 60}
		if a := r.reads[k]; a != nil {
			a.count += e.Count
			a.latency += e.Latency
			return
		}
		if len(r.reads)+len(r.pending) >= r.maxPending {
			r.dropped++
			return
		}
		r.reads[k] = &readAgg{start: e.Time.Truncate(time.Minute), count: e.Count, latency: e.Latency}
		return
	}
	if len(r.pending)+len(r.reads) >= r.maxPending {
		r.dropped++
		return
	}
	e.Path = truncate(e.Path, maxText)
	e.Name = truncate(e.Name, maxText)
	e.Detail = truncate(e.Detail, maxText)
	r.pending = append(r.pending, e)
}

// TokenUsed notes that the token authenticated a request at at. It is
// kept in memory; the store learns of it at most once per token-use
// interval (a minute by default), never once per request.
//
// Record notes the use of an entry's TokenID itself: call TokenUsed only
// for uses that are not recorded.
func (r *Recorder) TokenUsed(accountID, tokenID string, at time.Time) {
	r.mu.Lock()
	r.tokenUsedLocked(accountID, tokenID, at)
	r.mu.Unlock()
}

func (r *Recorder) tokenUsedLocked(accountID, tokenID string, at time.Time) {
	if r.usage == nil || tokenID == "" {
		return
	}
	k := tokenKey{accountID, tokenID}
	if u := r.tokens[k]; u != nil {
		if at.After(u.latest) {
			u.latest = at
		}
	} else {
		r.tokens[k] = &tokenUse{latest: at}
	}
}

// Dropped returns how many entries were dropped because too many were
// waiting for a flush (the store was slow or down).
func (r *Recorder) Dropped() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dropped
}

func (r *Recorder) flush(ctx context.Context, all bool) error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	now := r.now()
	minute := now.Unix() / 60
	r.mu.Lock()
	batch := r.pending
	r.pending = nil
	for k, a := range r.reads {
		if !all && k.minute >= minute {
			continue // the minute is still running
		}
		delete(r.reads, k)
		batch = append(batch, store.ActivityEntry{
			AccountID: k.account, Time: a.start, Kind: store.ActivitySCIM, Method: k.method, Path: k.path,
			ResourceType: k.resourceType, Status: k.status, Latency: a.latency / time.Duration(a.count),
			UserAgent: k.userAgent, TokenID: k.token, Count: a.count,
		})
	}
	var uses []store.TokenUse
	for k, u := range r.tokens {
		if u.latest.After(u.written) && (all || u.written.IsZero() || u.latest.Sub(u.written) >= r.useEvery) {
			uses = append(uses, store.TokenUse{AccountID: k.account, TokenID: k.token, At: u.latest})
			u.written = u.latest
		}
	}
	dropped := r.dropped
	r.dropped = 0
	r.mu.Unlock()
	if dropped > 0 {
		r.lg.Warn("activity: entries dropped: too many waiting for the store", slog.Int64("dropped", dropped))
	}
	var errs []error
	if len(batch) > 0 {
		if err := r.log.AppendActivity(ctx, batch); err != nil {
			errs = append(errs, err)
		}
	}
	if len(uses) > 0 {
		if err := r.usage.TouchTokens(ctx, uses); err != nil {
			errs = append(errs, err)
		}
	}
	for _, e := range batch {
		if last, ok := r.lastPrune[e.AccountID]; ok && now.Sub(last) < pruneInterval {
			continue
		}
		r.lastPrune[e.AccountID] = now
		var before time.Time
		if r.maxAge > 0 {
			before = now.Add(-r.maxAge)
		}
		if _, err := r.log.PruneActivity(ctx, e.AccountID, before, max(r.maxEntries, 0)); err != nil && !errors.Is(err, store.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut at a rune boundary.
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
