package feed_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/feed"
	"github.com/scimkit/scimkit/internal/pgtest"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// databases returns the DSNs to run on: a fresh SQLite file, and a fresh
// PostgreSQL schema when SCIMKIT_TEST_POSTGRES is set (required in CI).
func databases(t *testing.T) map[string]string {
	dsns := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "feed.db")}
	if os.Getenv(pgtest.Env) == "" && os.Getenv("CI") != "true" {
		t.Log("SCIMKIT_TEST_POSTGRES not set: PostgreSQL skipped")
		return dsns
	}
	dsns["postgres"] = pgtest.Schema(t, "feed_test_")
	return dsns
}

// Three replicas, each its own Store on one database, deliver while writers
// keep writing: every account's events arrive in order, each exactly once
// (no lease is lost in this test), never two replicas on one account at
// once.
func TestRunReplicasOnSQL(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var stores []*sqlstore.Store
			for range 3 {
				s, err := sqlstore.Open(ctx, dsn)
				require.NoError(t, err)
				t.Cleanup(func() { _ = s.Close() })
				stores = append(stores, s)
			}
			accts := []string{"a", "b", "c"}
			newAccounts(t, stores[0], 2, accts...)
			rec := newRecorder()
			var (
				mu       sync.Mutex
				inFlight = map[string]int{}
				overlap  atomic.Int32
			)
			for i, s := range stores {
				h := func(ctx context.Context, e store.Event) error {
					mu.Lock()
					inFlight[e.AccountID]++
					if inFlight[e.AccountID] > 1 {
						overlap.Add(1)
					}
					mu.Unlock()
					defer func() { mu.Lock(); inFlight[e.AccountID]--; mu.Unlock() }()
					return rec.handle(ctx, e)
				}
				start(t, s, "test", h, feed.WithHolder(fmt.Sprintf("r%d", i)), feed.WithPoll(10*time.Millisecond))
			}
			const more = 15
			var wg sync.WaitGroup
			for i, a := range accts {
				wg.Go(func() {
					for j := range more {
						_, err := stores[(i+j)%3].CreateUser(ctx, a, store.User{UserName: fmt.Sprintf("w%d@example.com", j), State: store.StateActive})
						assert.NoError(t, err)
					}
				})
			}
			wg.Wait()
			for _, a := range accts {
				eventually(t, "account "+a, func() bool { return len(rec.got(a)) >= 3+more })
			}
			time.Sleep(50 * time.Millisecond)
			for _, a := range accts {
				assert.Equal(t, upTo(3+more), rec.got(a), "account %s", a)
			}
			assert.Zero(t, overlap.Load())
		})
	}
}
