package feed_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/feed"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// fast are the options that make Run quick in tests.
var fast = []feed.Option{feed.WithPoll(5 * time.Millisecond), feed.WithBackoff(time.Millisecond, 4*time.Millisecond)}

// recorder is a Handler that records what it got, per account.
type recorder struct {
	mu   sync.Mutex
	seqs map[string][]int64
	ids  map[string]int
	fail func(e store.Event) error
}

func newRecorder() *recorder { return &recorder{seqs: map[string][]int64{}, ids: map[string]int{}} }

func (r *recorder) handle(_ context.Context, e store.Event) error {
	if r.fail != nil {
		if err := r.fail(e); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seqs[e.AccountID] = append(r.seqs[e.AccountID], e.Seq)
	r.ids[e.ID]++
	return nil
}

func (r *recorder) got(acct string) []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int64(nil), r.seqs[acct]...)
}

// start runs feed.Run in the background until the test ends; the returned
// function cancels it and returns Run's error.
func start(t *testing.T, st store.Store, consumer string, h feed.Handler, opts ...feed.Option) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- feed.Run(ctx, st, consumer, h, append(append([]feed.Option{}, fast...), opts...)...) }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				err = errors.New("Run did not return within 10 s of its context's cancellation")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// eventually waits up to 10 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func upTo(n int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i) + 1
	}
	return out
}

// newAccounts creates accounts with n users each; their feeds have n+1
// events.
func newAccounts(t *testing.T, st store.Store, n int, ids ...string) {
	t.Helper()
	for _, id := range ids {
		_, err := st.CreateAccount(t.Context(), store.Account{ID: id})
		require.NoError(t, err)
		for i := range n {
			_, err := st.CreateUser(t.Context(), id, store.User{UserName: fmt.Sprintf("u%d@example.com", i), State: store.StateActive})
			require.NoError(t, err)
		}
	}
}

func TestRunDeliversEveryAccountInOrder(t *testing.T) {
	st := memstore.New()
	newAccounts(t, st, 20, "a", "b", "c")
	rec := newRecorder()
	stop := start(t, st, "test", rec.handle, feed.WithBatch(7))
	for _, acct := range []string{"a", "b", "c"} {
		eventually(t, "account "+acct+" delivered", func() bool { return len(rec.got(acct)) == 21 })
	}
	// Events written while Run runs arrive too.
	_, err := st.CreateUser(t.Context(), "b", store.User{UserName: "late@example.com", State: store.StateActive})
	require.NoError(t, err)
	eventually(t, "the late event", func() bool { return len(rec.got("b")) == 22 })
	require.ErrorIs(t, stop(), context.Canceled)
	assert.Equal(t, upTo(21), rec.got("a"))
	assert.Equal(t, upTo(22), rec.got("b"))
	cur, err := st.Cursor(t.Context(), "test", "b")
	require.NoError(t, err)
	assert.Equal(t, int64(22), cur, "the cursor is committed after each event")
}

func TestRunRetriesAndNeverSkips(t *testing.T) {
	st := memstore.New()
	newAccounts(t, st, 5, "a")
	rec := newRecorder()
	var fails atomic.Int32
	rec.fail = func(e store.Event) error {
		if e.Seq == 3 && fails.Add(1) <= 4 {
			return errors.New("receiver down")
		}
		if e.Seq == 5 && fails.Load() < 6 {
			fails.Add(1)
			panic("handler bug")
		}
		return nil
	}
	start(t, st, "test", rec.handle)
	eventually(t, "every event", func() bool { return len(rec.got("a")) == 6 })
	assert.Equal(t, upTo(6), rec.got("a"), "a failing event is retried, in place, until it succeeds; a panic is a failure")
	assert.GreaterOrEqual(t, fails.Load(), int32(5))
}

func TestRunResumesFromTheCommittedCursor(t *testing.T) {
	st := memstore.New()
	newAccounts(t, st, 5, "a")
	rec := newRecorder()
	stop := start(t, st, "test", rec.handle)
	eventually(t, "first run", func() bool { return len(rec.got("a")) == 6 })
	require.ErrorIs(t, stop(), context.Canceled)

	newAccounts(t, st, 0, "b")
	_, err := st.CreateUser(t.Context(), "a", store.User{UserName: "later@example.com", State: store.StateActive})
	require.NoError(t, err)
	start(t, st, "test", rec.handle)
	eventually(t, "second run", func() bool { return len(rec.got("a")) == 7 && len(rec.got("b")) == 1 })
	assert.Equal(t, upTo(7), rec.got("a"), "a restarted Run goes on from the cursor")

	// Another consumer has its own cursor: it gets everything.
	other := newRecorder()
	start(t, st, "other", other.handle)
	eventually(t, "other consumer", func() bool { return len(other.got("a")) == 7 })
}

// Three replicas on one store deliver each account's events in order, one
// replica at a time.
func TestRunReplicasOneAtATime(t *testing.T) {
	st := memstore.New()
	accts := []string{"a", "b", "c", "d"}
	newAccounts(t, st, 30, accts...)
	var (
		mu       sync.Mutex
		inFlight = map[string]int{}
		overlap  atomic.Int32
		holders  = map[string]map[int]bool{}
	)
	rec := newRecorder()
	for i := range 3 {
		h := func(ctx context.Context, e store.Event) error {
			mu.Lock()
			inFlight[e.AccountID]++
			if inFlight[e.AccountID] > 1 {
				overlap.Add(1)
			}
			if holders[e.AccountID] == nil {
				holders[e.AccountID] = map[int]bool{}
			}
			holders[e.AccountID][i] = true
			mu.Unlock()
			time.Sleep(100 * time.Microsecond)
			mu.Lock()
			inFlight[e.AccountID]--
			mu.Unlock()
			return rec.handle(ctx, e)
		}
		start(t, st, "test", h, feed.WithHolder(fmt.Sprintf("replica-%d", i)), feed.WithWorkers(2), feed.WithBatch(5))
	}
	for _, a := range accts {
		eventually(t, "account "+a, func() bool { return len(rec.got(a)) >= 31 })
	}
	assert.Zero(t, overlap.Load(), "two replicas delivered one account at the same time")
	for _, a := range accts {
		assert.Equal(t, upTo(31), rec.got(a), "account %s: in order, once each", a)
	}
}

func TestRunPausesAfterMaxAttempts(t *testing.T) {
	st := memstore.New()
	newAccounts(t, st, 4, "a", "b")
	rec := newRecorder()
	var rejecting atomic.Bool
	rejecting.Store(true)
	rec.fail = func(e store.Event) error {
		if e.AccountID == "a" && e.Seq == 3 && rejecting.Load() {
			return errors.New("rejected")
		}
		return nil
	}
	var dead []feed.Failure
	var mu sync.Mutex
	start(t, st, "test", rec.handle, feed.WithMaxAttempts(3), feed.WithPauseRetry(time.Hour), feed.WithDeadLetter(func(_ context.Context, f feed.Failure) error {
		mu.Lock()
		defer mu.Unlock()
		dead = append(dead, f)
		return nil
	}))
	eventually(t, "account b", func() bool { return len(rec.got("b")) == 5 })
	eventually(t, "the dead letter", func() bool { mu.Lock(); defer mu.Unlock(); return len(dead) == 1 })
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, []int64{1, 2}, rec.got("a"), "the paused account stops at the failing event")
	mu.Lock()
	assert.Equal(t, int64(3), dead[0].Event.Seq)
	assert.Equal(t, 3, dead[0].Attempts)
	mu.Unlock()
	cur, err := st.Cursor(t.Context(), "test", "a")
	require.NoError(t, err)
	assert.Equal(t, int64(2), cur, "the cursor stays before the failing event")

	// Moving the cursor (a replay, or an operator's skip) resumes it.
	rejecting.Store(false)
	require.NoError(t, feed.Replay(t.Context(), st, "test", "a", 1))
	eventually(t, "resumed", func() bool { return len(rec.got("a")) == 7 })
	assert.Equal(t, []int64{1, 2, 1, 2, 3, 4, 5}, rec.got("a"))
}

func TestRunPausedAccountRetriesOnItsOwn(t *testing.T) {
	st := memstore.New()
	newAccounts(t, st, 4, "a")
	rec := newRecorder()
	var fails atomic.Int32
	rec.fail = func(e store.Event) error {
		if e.Seq == 3 && fails.Add(1) <= 5 {
			return errors.New("rejected")
		}
		return nil
	}
	start(t, st, "test", rec.handle, feed.WithMaxAttempts(2), feed.WithPauseRetry(20*time.Millisecond))
	eventually(t, "resumed", func() bool { return len(rec.got("a")) == 5 })
	assert.Equal(t, upTo(5), rec.got("a"), "a paused account resumes when the event goes through on a later try")
}

func TestRunContinuesWithADeadLetter(t *testing.T) {
	st := memstore.New()
	newAccounts(t, st, 4, "a")
	rec := newRecorder()
	rec.fail = func(e store.Event) error {
		if e.Seq == 3 {
			return errors.New("rejected")
		}
		return nil
	}
	var dead atomic.Int64
	var deadFails atomic.Int32
	start(t, st, "test", rec.handle, feed.WithMaxAttempts(2), feed.WithOnFailure(feed.Continue),
		feed.WithDeadLetter(func(_ context.Context, f feed.Failure) error {
			if deadFails.Add(1) == 1 {
				return errors.New("dead-letter table unavailable") // retried, never dropped
			}
			dead.Store(f.Event.Seq)
			return nil
		}))
	eventually(t, "the rest", func() bool { return len(rec.got("a")) == 4 })
	assert.Equal(t, []int64{1, 2, 4, 5}, rec.got("a"))
	assert.Equal(t, int64(3), dead.Load())
	assert.Equal(t, int32(2), deadFails.Load(), "a failed dead-letter write is retried")

	err := feed.Run(t.Context(), st, "x", rec.handle, feed.WithOnFailure(feed.Continue))
	require.Error(t, err, "Continue without a dead letter would drop events silently: refused")
}

func TestReplay(t *testing.T) {
	st := memstore.New()
	newAccounts(t, st, 3, "a")
	rec := newRecorder()
	start(t, st, "test", rec.handle)
	eventually(t, "first pass", func() bool { return len(rec.got("a")) == 4 })
	require.NoError(t, feed.Replay(t.Context(), st, "test", "a", 2))
	eventually(t, "replay", func() bool { return len(rec.got("a")) == 7 })
	assert.Equal(t, []int64{1, 2, 3, 4, 2, 3, 4}, rec.got("a"))
	require.ErrorIs(t, feed.Replay(t.Context(), st, "test", "a", 0), store.ErrInvalid)
}

func TestRunCancellation(t *testing.T) {
	st := memstore.New()
	newAccounts(t, st, 1, "a")
	entered := make(chan struct{})
	var once sync.Once
	h := func(ctx context.Context, e store.Event) error {
		once.Do(func() { close(entered) })
		<-ctx.Done()
		return ctx.Err()
	}
	stop := start(t, st, "test", h, feed.WithHandlerTimeout(time.Hour))
	<-entered
	begin := time.Now()
	require.ErrorIs(t, stop(), context.Canceled)
	assert.Less(t, time.Since(begin), 5*time.Second, "cancellation reaches the handler in flight")
	cur, err := st.Cursor(t.Context(), "test", "a")
	require.NoError(t, err)
	assert.Zero(t, cur, "an event whose handler did not succeed is not committed")

	// The handler timeout bounds each call.
	var calls atomic.Int32
	slow := func(ctx context.Context, e store.Event) error {
		calls.Add(1)
		<-ctx.Done()
		return ctx.Err()
	}
	start(t, st, "slow", slow, feed.WithHandlerTimeout(10*time.Millisecond))
	eventually(t, "retries after timeouts", func() bool { return calls.Load() >= 3 })
}

// TestDrain: one synchronous pass delivers what is pending in order, stops
// an account at a failing event (its cursor stays before it) and goes on
// with the others; the next pass resumes there; an account leased by a
// running holder is left to it.
func TestDrain(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	for _, a := range []string{"a", "b"} {
		_, err := st.CreateAccount(ctx, store.Account{ID: a})
		require.NoError(t, err)
		for i := range 3 {
			_, err := st.CreateUser(ctx, a, store.User{UserName: fmt.Sprintf("u%d", i), State: store.StateActive})
			require.NoError(t, err)
		}
	}
	r := newRecorder()
	boom := errors.New("boom")
	r.fail = func(e store.Event) error {
		if e.AccountID == "a" && e.Seq == 3 {
			return boom
		}
		return nil
	}
	n, err := feed.Drain(ctx, st, "c", r.handle)
	require.ErrorIs(t, err, boom)
	assert.Equal(t, 2+4, n, "a: 1-2, b: 1-4")
	assert.Equal(t, []int64{1, 2}, r.got("a"))
	assert.Equal(t, []int64{1, 2, 3, 4}, r.got("b"))
	cur, err := st.Cursor(ctx, "c", "a")
	require.NoError(t, err)
	assert.Equal(t, int64(2), cur, "stopped before the failing event")

	r.fail = nil
	n, err = feed.Drain(ctx, st, "c", r.handle)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, []int64{1, 2, 3, 4}, r.got("a"))

	_, err = st.CreateUser(ctx, "a", store.User{UserName: "late", State: store.StateActive})
	require.NoError(t, err)
	ok, err := st.Lease(ctx, "c", "a", "other-replica", time.Now(), time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	n, err = feed.Drain(ctx, st, "c", r.handle)
	require.NoError(t, err)
	assert.Zero(t, n, "the lease holder delivers it, not this pass")
}
