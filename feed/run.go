package feed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mathrand "math/rand/v2"
	"sync"
	"time"

	"github.com/scimkit/scimkit/store"
)

// Handler handles one event. Returning nil acknowledges it: the consumer's
// cursor moves past it. An error (or a panic) has the event tried again
// later; see Run.
type Handler func(ctx context.Context, e store.Event) error

// OnFailure says what Run does with an event whose handler failed
// WithMaxAttempts times.
type OnFailure int

const (
	// Pause stops the delivery of that account at the event (the default):
	// later events of the account wait, other accounts go on. Delivery
	// resumes when the cursor is moved (Replay), when the process
	// restarts, or when one attempt made every WithPauseRetry succeeds.
	Pause OnFailure = iota
	// Continue records the event with the dead-letter function and moves
	// on to the next event of the account.
	Continue
)

// Failure is an event whose handler failed on its last allowed attempt.
type Failure struct {
	Consumer string
	Event    store.Event
	Attempts int
	Err      error
}

type config struct {
	holder         string
	leaseTTL       time.Duration
	poll           time.Duration
	batch          int
	minBackoff     time.Duration
	maxBackoff     time.Duration
	maxAttempts    int
	onFailure      OnFailure
	deadLetter     func(context.Context, Failure) error
	handlerTimeout time.Duration
	pauseRetry     time.Duration
	workers        int
	retention      time.Duration
	log            *slog.Logger
	now            func() time.Time
}

// Option configures Run.
type Option func(*config)

// WithHolder names this replica in the store's leases; it must be unique
// per running Run. The default is a random name.
func WithHolder(name string) Option { return func(c *config) { c.holder = name } }

// WithLeaseTTL sets how long a replica's hold on an account lasts without
// renewal (renewed every third of it while delivering): the longest time
// an account waits after its replica died. Default 30 s. Keep it well
// above the clock skew between replicas.
func WithLeaseTTL(d time.Duration) Option { return func(c *config) { c.leaseTTL = d } }

// WithPoll sets how often Run looks for new events (default 1 s). Each look
// reads every account's cursor and first pending event: raise it for hosts
// with many accounts.
func WithPoll(d time.Duration) Option { return func(c *config) { c.poll = d } }

// WithBatch sets how many events one read takes (default 100).
func WithBatch(n int) Option { return func(c *config) { c.batch = n } }

// WithBackoff sets the retry delay after a failed handler call: min after
// the first failure, doubling up to max (defaults 100 ms and 1 min), each
// delay drawn at random between half and all of it (jitter).
func WithBackoff(min, max time.Duration) Option {
	return func(c *config) { c.minBackoff, c.maxBackoff = min, max }
}

// WithMaxAttempts bounds the handler calls for one event (default 0:
// unbounded, the account waits at the failing event and it is retried at
// the maximum backoff until it succeeds). After the last attempt the event
// is a Failure, handled as WithOnFailure says.
func WithMaxAttempts(n int) Option { return func(c *config) { c.maxAttempts = n } }

// WithOnFailure sets what happens after the last attempt: Pause (the
// default) or Continue. Continue needs WithDeadLetter: an event is never
// dropped silently.
func WithOnFailure(f OnFailure) Option { return func(c *config) { c.onFailure = f } }

// WithDeadLetter sets the function that records a Failure (in the host's
// own table, a file, an alert). It is called, and retried until it
// succeeds, before the account pauses or moves on. Without it a Failure is
// only logged, at error level.
func WithDeadLetter(fn func(context.Context, Failure) error) Option {
	return func(c *config) { c.deadLetter = fn }
}

// WithPauseRetry sets how often a paused account's failing event is tried
// again, once (default 10 min).
func WithPauseRetry(d time.Duration) Option { return func(c *config) { c.pauseRetry = d } }

// WithHandlerTimeout bounds each handler call (default 30 s).
func WithHandlerTimeout(d time.Duration) Option { return func(c *config) { c.handlerTimeout = d } }

// WithWorkers sets how many accounts one replica delivers at once
// (default 8). Events of one account are always delivered one at a time.
func WithWorkers(n int) Option { return func(c *config) { c.workers = n } }

// WithRetention has Run prune, about once an hour per account it delivers,
// the events older than d (store.Feed.PruneEvents), whether or not other
// consumers have read them. Default 0: Run never prunes.
func WithRetention(d time.Duration) Option { return func(c *config) { c.retention = d } }

// WithLogger sets where Run reports retries, failures and store errors;
// the default discards.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithClock sets the clock that lease times are judged by (default
// time.Now).
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

func randomHolder() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "feed-" + hex.EncodeToString(b[:])
}

// Run delivers the change feed of every account of st to h, as the
// consumer named consumer, until ctx is done; then it waits for the
// handler calls in flight and returns ctx's error. It returns at once, with
// another error, for an invalid configuration.
//
// The promises:
//
//   - Order: an account's events reach h one at a time, in Seq order.
//     Accounts are delivered independently (WithWorkers at once).
//   - At least once: an event's cursor is committed (store.Feed.SetCursor)
//     only after h returned nil for it, so after a crash or a restart
//     delivery resumes from the committed cursor and an event may be
//     delivered again. Event.ID is the idempotency key.
//   - No silent skip: a failing event is retried with exponential backoff
//     and jitter (WithBackoff); with WithMaxAttempts it then becomes a
//     Failure that pauses the account or, with WithOnFailure(Continue), is
//     recorded (WithDeadLetter) before the next event.
//   - One replica per account: several replicas may run Run with the same
//     consumer on one store; each account is delivered by the holder of its
//     lease (store.Feed.Lease), renewed while delivering. A replica that
//     stops (or crashes) leaves its accounts to the others after
//     WithLeaseTTL. A lease lost to a long stall may let two replicas
//     deliver the same events for a moment: duplicates, never gaps.
//   - Cancellation: ctx cancels everything, handler calls included.
func Run(ctx context.Context, st store.Store, consumer string, h Handler, opts ...Option) error {
	c, err := newConfig(st, consumer, h, opts)
	if err != nil {
		return err
	}
	r := &runner{st: st, consumer: consumer, h: h, c: c, active: map[string]bool{}, sem: make(chan struct{}, c.workers)}
	return r.run(ctx)
}

func newConfig(st store.Store, consumer string, h Handler, opts []Option) (config, error) {
	c := config{
		leaseTTL: 30 * time.Second, poll: time.Second, batch: 100,
		minBackoff: 100 * time.Millisecond, maxBackoff: time.Minute,
		handlerTimeout: 30 * time.Second, pauseRetry: 10 * time.Minute, workers: 8,
		log: slog.New(slog.DiscardHandler), now: time.Now,
	}
	for _, o := range opts {
		o(&c)
	}
	switch {
	case st == nil || h == nil:
		return c, errors.New("feed: Run needs a store and a handler")
	case consumer == "":
		return c, errors.New("feed: Run needs a consumer name")
	case c.onFailure == Continue && c.deadLetter == nil:
		return c, errors.New("feed: WithOnFailure(Continue) needs WithDeadLetter: an event that exhausted its retries must be recorded somewhere")
	case c.leaseTTL <= 0 || c.poll <= 0 || c.batch <= 0 || c.workers <= 0 || c.handlerTimeout <= 0 || c.pauseRetry <= 0 ||
		c.minBackoff <= 0 || c.maxBackoff < c.minBackoff || c.maxAttempts < 0:
		return c, errors.New("feed: lease TTL, poll, batch, workers, handler timeout and backoff must be positive (max backoff >= min)")
	}
	if c.holder == "" {
		c.holder = randomHolder()
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// Drain is one synchronous pass of Run, for hosts that deliver from a
// scheduled job rather than a long-running process, and for tests: it
// delivers every event pending for the consumer when it is called, account
// by account, with the same cursors and leases as Run (so it is safe next
// to running Runs; an account another holder leases is skipped), and
// returns the number of events handled. A handler error is not retried:
// the account stops at that event (its cursor stays before it, so the next
// Drain or Run tries it again) and the errors are returned joined after
// every account was tried. Only the lease, batch, handler timeout, holder,
// clock and logger options apply.
func Drain(ctx context.Context, st store.Store, consumer string, h Handler, opts ...Option) (int, error) {
	c, err := newConfig(st, consumer, h, opts)
	if err != nil {
		return 0, err
	}
	r := &runner{st: st, consumer: consumer, h: h, c: c}
	ids, err := st.AccountIDs(ctx)
	if err != nil {
		return 0, fmt.Errorf("feed: list accounts: %w", err)
	}
	total := 0
	var errs []error
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		if !r.pending(ctx, id) {
			continue
		}
		n, err := r.drain(ctx, id)
		total += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return total, errors.Join(errs...)
}

// drain delivers the account's pending events under its lease, stopping
// at the first failure.
func (r *runner) drain(ctx context.Context, id string) (int, error) {
	ok, err := r.st.Lease(ctx, r.consumer, id, r.c.holder, r.c.now(), r.c.leaseTTL)
	if err != nil {
		return 0, fmt.Errorf("feed: take lease of account %s: %w", id, err)
	}
	if !ok {
		return 0, nil // another holder delivers it now
	}
	defer func() {
		rctx, done := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer done()
		_, _ = r.st.Lease(rctx, r.consumer, id, r.c.holder, r.c.now(), 0)
	}()
	n := 0
	for {
		cur, err := r.st.Cursor(ctx, r.consumer, id)
		if err != nil {
			return n, fmt.Errorf("feed: read cursor of account %s: %w", id, err)
		}
		evs, err := r.st.Events(ctx, id, cur, r.c.batch)
		if err != nil {
			return n, fmt.Errorf("feed: read events of account %s: %w", id, err)
		}
		if len(evs) == 0 {
			return n, nil
		}
		for _, e := range evs {
			if err := r.call(ctx, e); err != nil {
				return n, fmt.Errorf("feed: account %s event %d (%s): %w", id, e.Seq, e.Type, err)
			}
			if err := r.st.SetCursor(ctx, r.consumer, id, e.Seq); err != nil {
				return n, fmt.Errorf("feed: commit cursor of account %s: %w", id, err)
			}
			n++
		}
	}
}

// Replay makes the consumer deliver the account's events again from seq
// on (seq >= 1): it sets the cursor to seq-1. A running Run picks it up at
// its next read (a paused account resumes); events already pruned are
// gone.
func Replay(ctx context.Context, st store.Feed, consumer, accountID string, seq int64) error {
	if seq < 1 {
		return fmt.Errorf("feed: replay from %d: sequence numbers start at 1: %w", seq, store.ErrInvalid)
	}
	return st.SetCursor(ctx, consumer, accountID, seq-1)
}

type runner struct {
	st       store.Store
	consumer string
	h        Handler
	c        config

	mu     sync.Mutex
	active map[string]bool // accounts a worker of this replica delivers
	sem    chan struct{}
	wg     sync.WaitGroup
}

func (r *runner) run(ctx context.Context) error {
	defer r.wg.Wait()
	t := time.NewTicker(r.c.poll)
	defer t.Stop()
	for {
		r.scan(ctx)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// scan starts a worker for every account with pending events that no
// worker of this replica delivers, as far as free workers and leases allow.
func (r *runner) scan(ctx context.Context) {
	ids, err := r.st.AccountIDs(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.c.log.ErrorContext(ctx, "feed: list accounts", "consumer", r.consumer, "err", err)
		}
		return
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			return
		}
		r.mu.Lock()
		busy := r.active[id]
		r.mu.Unlock()
		if busy || !r.pending(ctx, id) {
			continue
		}
		select {
		case r.sem <- struct{}{}:
		default:
			return // every worker is busy: the next scan goes on
		}
		ok, err := r.st.Lease(ctx, r.consumer, id, r.c.holder, r.c.now(), r.c.leaseTTL)
		if err != nil || !ok {
			<-r.sem
			if err != nil && ctx.Err() == nil {
				r.c.log.ErrorContext(ctx, "feed: take lease", "consumer", r.consumer, "account", id, "err", err)
			}
			continue
		}
		r.mu.Lock()
		r.active[id] = true
		r.mu.Unlock()
		r.wg.Go(func() {
			defer func() {
				r.mu.Lock()
				delete(r.active, id)
				r.mu.Unlock()
				<-r.sem
			}()
			r.deliver(ctx, id)
		})
	}
}

// pending reports whether the account has an event after the consumer's
// cursor (false on errors, which are logged).
func (r *runner) pending(ctx context.Context, id string) bool {
	cur, err := r.st.Cursor(ctx, r.consumer, id)
	if err == nil {
		var evs []store.Event
		if evs, err = r.st.Events(ctx, id, cur, 1); err == nil {
			return len(evs) > 0
		}
	}
	if ctx.Err() == nil && !errors.Is(err, store.ErrNotFound) {
		r.c.log.ErrorContext(ctx, "feed: read feed", "consumer", r.consumer, "account", id, "err", err)
	}
	return false
}

var errPaused = errors.New("feed: account paused")

// deliver delivers one account's events while this replica holds its
// lease and there are events; it renews the lease meanwhile and releases it
// at the end.
func (r *runner) deliver(ctx context.Context, id string) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(r.c.leaseTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-wctx.Done():
				return
			case <-t.C:
			}
			ok, err := r.st.Lease(wctx, r.consumer, id, r.c.holder, r.c.now(), r.c.leaseTTL)
			if err != nil || !ok {
				if wctx.Err() == nil {
					r.c.log.WarnContext(wctx, "feed: lease lost; leaving the account to its new holder",
						"consumer", r.consumer, "account", id, "err", err)
				}
				cancel()
				return
			}
		}
	}()
	defer func() {
		cancel()
		<-renewed
		rctx, done := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer done()
		if _, err := r.st.Lease(rctx, r.consumer, id, r.c.holder, r.c.now(), 0); err != nil {
			r.c.log.WarnContext(rctx, "feed: release lease", "consumer", r.consumer, "account", id, "err", err)
		}
	}()

	var (
		paused     *store.Event // the event the account is paused at
		pausedTill time.Time    // when to try it once more
		lastPrune  time.Time
	)
	for wctx.Err() == nil {
		cur, err := r.st.Cursor(wctx, r.consumer, id)
		if err != nil {
			r.storeErr(wctx, "read cursor", id, err)
			return
		}
		if paused != nil {
			switch {
			case cur != paused.Seq-1:
				r.c.log.InfoContext(wctx, "feed: cursor moved; resuming", "consumer", r.consumer, "account", id, "cursor", cur)
			case time.Now().Before(pausedTill):
				if !sleep(wctx, r.c.poll) {
					return
				}
				continue
			case r.call(wctx, *paused) != nil:
				pausedTill = time.Now().Add(r.c.pauseRetry)
				continue
			default:
				r.c.log.InfoContext(wctx, "feed: paused event delivered; resuming", "consumer", r.consumer, "account", id, "seq", paused.Seq)
				if err := r.commit(wctx, id, paused.Seq); err != nil {
					return
				}
			}
			paused = nil
			continue
		}
		if r.c.retention > 0 && r.c.now().Sub(lastPrune) > time.Hour {
			lastPrune = r.c.now()
			if _, err := r.st.PruneEvents(wctx, id, lastPrune.Add(-r.c.retention)); err != nil {
				r.storeErr(wctx, "prune", id, err)
			}
		}
		evs, err := r.st.Events(wctx, id, cur, r.c.batch)
		if err != nil {
			r.storeErr(wctx, "read events", id, err)
			return
		}
		if len(evs) == 0 {
			return // nothing more: free the worker and the lease
		}
		for _, e := range evs {
			err := r.handle(wctx, e)
			if errors.Is(err, errPaused) {
				paused, pausedTill = &e, time.Now().Add(r.c.pauseRetry)
				break
			}
			if err != nil {
				return // cancelled
			}
			if err := r.commit(wctx, id, e.Seq); err != nil {
				return
			}
		}
	}
}

// storeErr logs a store failure unless the worker is being cancelled.
func (r *runner) storeErr(ctx context.Context, what, id string, err error) {
	if ctx.Err() == nil {
		r.c.log.ErrorContext(ctx, "feed: "+what, "consumer", r.consumer, "account", id, "err", err)
	}
}

// commit records seq as delivered, retrying store failures with backoff.
func (r *runner) commit(ctx context.Context, id string, seq int64) error {
	for attempt := 1; ; attempt++ {
		err := r.st.SetCursor(ctx, r.consumer, id, seq)
		if err == nil {
			return nil
		}
		r.storeErr(ctx, "commit cursor", id, err)
		if !sleep(ctx, r.backoff(attempt)) {
			return ctx.Err()
		}
	}
}

// handle calls the handler for e until it succeeds, the context is done
// (its error), or the attempts run out (errPaused, or nil to move on after
// the dead letter was recorded).
func (r *runner) handle(ctx context.Context, e store.Event) error {
	for attempt := 1; ; attempt++ {
		err := r.call(ctx, e)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		log := r.c.log.With("consumer", r.consumer, "account", e.AccountID, "seq", e.Seq, "event", e.ID,
			"type", string(e.Type), "attempt", attempt, "err", err)
		if r.c.maxAttempts > 0 && attempt >= r.c.maxAttempts {
			f := Failure{Consumer: r.consumer, Event: e, Attempts: attempt, Err: err}
			if r.c.deadLetter != nil {
				for try := 1; ; try++ {
					derr := r.c.deadLetter(ctx, f)
					if derr == nil {
						break
					}
					log.ErrorContext(ctx, "feed: dead letter not recorded; retrying", "dead_letter_err", derr)
					if !sleep(ctx, r.backoff(try)) {
						return ctx.Err()
					}
				}
			}
			if r.c.onFailure == Continue {
				log.ErrorContext(ctx, "feed: event failed on its last attempt; recorded as a dead letter, moving on")
				return nil
			}
			log.ErrorContext(ctx, "feed: event failed on its last attempt; the account's delivery is paused until the cursor moves (feed.Replay) or the process restarts")
			return errPaused
		}
		log.WarnContext(ctx, "feed: handler failed; retrying")
		if !sleep(ctx, r.backoff(attempt)) {
			return ctx.Err()
		}
	}
}

// call runs the handler with its timeout, turning a panic into an error.
func (r *runner) call(ctx context.Context, e store.Event) (err error) {
	hctx, cancel := context.WithTimeout(ctx, r.c.handlerTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("feed: handler panicked: %v", p)
		}
	}()
	return r.h(hctx, e.Clone())
}

// backoff returns the delay before attempt+1: min doubled attempt-1 times,
// capped at max, with jitter (between half and all of it).
func (r *runner) backoff(attempt int) time.Duration {
	d := r.c.minBackoff
	for i := 1; i < attempt && d < r.c.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, r.c.maxBackoff)
	return d/2 + time.Duration(mathrand.Int64N(int64(d/2)+1))
}

// sleep waits d or until ctx is done; it reports whether the time passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
