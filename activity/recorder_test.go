package activity_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/activity"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// countingStore counts the writes the recorder makes.
type countingStore struct {
	*memstore.Store
	mu             sync.Mutex
	appends, touch int
}

func (s *countingStore) AppendActivity(ctx context.Context, es []store.ActivityEntry) error {
	s.mu.Lock()
	s.appends++
	s.mu.Unlock()
	return s.Store.AppendActivity(ctx, es)
}

func (s *countingStore) TouchTokens(ctx context.Context, u []store.TokenUse) error {
	s.mu.Lock()
	s.touch++
	s.mu.Unlock()
	return s.Store.TouchTokens(ctx, u)
}

func setup(t *testing.T, opts ...activity.Option) (*countingStore, *activity.Recorder, *clock, string) {
	t.Helper()
	c := &clock{t: time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)}
	st := &countingStore{Store: memstore.New()}
	_, err := st.CreateAccount(t.Context(), store.Account{ID: "acme"})
	require.NoError(t, err)
	tok, err := st.AddToken(t.Context(), "acme", store.Token{Hash: [32]byte{7}, Label: "okta"})
	require.NoError(t, err)
	// A long flush interval: the test flushes by hand.
	r, err := activity.New(st, append([]activity.Option{activity.WithClock(c.now), activity.WithFlushInterval(time.Hour)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.Close(context.Background()) })
	return st, r, c, tok.ID
}

func list(t *testing.T, st store.ActivityLog) []store.ActivityEntry {
	t.Helper()
	got, err := st.ListActivity(t.Context(), "acme", store.ActivityQuery{Limit: 1000})
	require.NoError(t, err)
	return got
}

func TestReadsAggregatePerMinute(t *testing.T) {
	st, r, c, _ := setup(t)
	for i := range 5 {
		r.Record(store.ActivityEntry{AccountID: "acme", Time: c.now(), Method: "GET", Path: "/Users/u" + string(rune('0'+i)), ResourceType: "User", ResourceID: "u" + string(rune('0'+i)), Status: 200, Latency: time.Duration(i+1) * time.Millisecond})
	}
	r.Record(store.ActivityEntry{AccountID: "acme", Time: c.now(), Method: "GET", Path: "/Users/zz", ResourceID: "zz", Status: 404, Detail: "no such user"})
	r.Record(store.ActivityEntry{AccountID: "acme", Time: c.now(), Method: "POST", Path: "/Users", Status: 201, Name: "ann@example.com"})
	require.NoError(t, r.Flush(t.Context()))
	got := list(t, st)
	require.Len(t, got, 3, "five reads in one entry, the failed read and the write alone: %+v", got)
	var agg store.ActivityEntry
	for _, e := range got {
		if e.Count > 1 {
			agg = e
		}
	}
	assert.Equal(t, 5, agg.Count)
	assert.Equal(t, "/Users/{id}", agg.Path)
	assert.Equal(t, 3*time.Millisecond, agg.Latency, "the mean latency")
	assert.True(t, agg.Time.Equal(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)), "dated at the start of its minute: %v", agg.Time)
}

func TestRunningMinuteWaits(t *testing.T) {
	st, r, c, _ := setup(t, activity.WithFlushInterval(10*time.Millisecond))
	r.Record(store.ActivityEntry{AccountID: "acme", Time: c.now(), Method: "GET", Path: "/Users", Status: 200})
	r.Record(store.ActivityEntry{AccountID: "acme", Time: c.now(), Method: "DELETE", Path: "/Users/x", Status: 204})
	require.Eventually(t, func() bool { return len(list(t, st)) == 1 }, 5*time.Second, 5*time.Millisecond, "the write is flushed by the loop")
	time.Sleep(50 * time.Millisecond)
	assert.Len(t, list(t, st), 1, "the reads of the running minute wait for its end")
	c.add(time.Minute)
	require.Eventually(t, func() bool { return len(list(t, st)) == 2 }, 5*time.Second, 5*time.Millisecond, "then they are flushed")
}

func TestTokenUseWrittenAtMostOncePerInterval(t *testing.T) {
	st, r, c, tok := setup(t)
	for range 1000 {
		r.TokenUsed("acme", tok, c.now())
		c.add(time.Millisecond)
	}
	require.NoError(t, r.Flush(t.Context()))
	assert.Equal(t, 1, st.touch, "one write for a thousand requests")
	used, err := st.TokensLastUsed(t.Context(), "acme")
	require.NoError(t, err)
	assert.True(t, used[tok].Equal(c.now().Add(-time.Millisecond)), "the latest use: %v", used[tok])
	require.NoError(t, r.Flush(t.Context()))
	assert.Equal(t, 1, st.touch, "nothing new, nothing written")
}

func TestRetention(t *testing.T) {
	st, r, c, _ := setup(t, activity.WithRetention(time.Hour, 3))
	r.Record(store.ActivityEntry{AccountID: "acme", Time: c.now().Add(-2 * time.Hour), Method: "POST", Status: 201, Name: "old"})
	for _, n := range []string{"a", "b", "c", "d"} {
		r.Record(store.ActivityEntry{AccountID: "acme", Time: c.now(), Method: "POST", Status: 201, Name: n})
	}
	require.NoError(t, r.Flush(t.Context()))
	got := list(t, st)
	require.Len(t, got, 3)
	assert.Equal(t, "d", got[0].Name)
	assert.Equal(t, "b", got[2].Name)
}

func TestDropsBeyondMaxPending(t *testing.T) {
	st, r, c, _ := setup(t, activity.WithMaxPending(2))
	for range 5 {
		r.Record(store.ActivityEntry{AccountID: "acme", Time: c.now(), Method: "POST", Status: 201})
	}
	assert.EqualValues(t, 3, r.Dropped())
	require.NoError(t, r.Flush(t.Context()))
	assert.Len(t, list(t, st), 2)
	assert.EqualValues(t, 0, r.Dropped(), "the count restarts after it was logged")
}

func TestNewNeedsAnActivityLog(t *testing.T) {
	_, err := activity.New(struct{ store.Store }{memstore.New()})
	assert.ErrorIs(t, err, activity.ErrUnsupported)
}
