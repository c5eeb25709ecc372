package memstore_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// TestScaleOneAccount imports 1,000,000 typical Okta users into one
// memstore account (SCIMKIT_SCALE_USERS changes the number) and reports
// the import throughput of the first and the last tenth, the live heap
// per user once everything is stored, and the userName lookup and page
// latencies at full size. It is a measurement, run only when
// SCIMKIT_SCALE=1; its figures are a report, not an assertion:
//
//	SCIMKIT_SCALE=1 go test -run TestScaleOneAccount -v -timeout 30m ./store/memstore
func TestScaleOneAccount(t *testing.T) {
	if os.Getenv("SCIMKIT_SCALE") != "1" {
		t.Skip("a scale measurement: set SCIMKIT_SCALE=1 to run it")
	}
	n := 1_000_000
	if v := os.Getenv("SCIMKIT_SCALE_USERS"); v != "" {
		_, err := fmt.Sscan(v, &n)
		require.NoError(t, err)
	}
	ctx := context.Background()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	s := memstore.New()
	_, err := s.CreateAccount(ctx, store.Account{ID: "acme"})
	require.NoError(t, err)

	tenth := n / 10
	var rates []float64
	for part := range 10 {
		start := time.Now()
		for i := part * tenth; i < (part+1)*tenth; i++ {
			_, err := s.CreateUser(ctx, "acme", oktaUser(i))
			require.NoError(t, err)
		}
		rates = append(rates, float64(tenth)/time.Since(start).Seconds())
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	perUser := (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(10*tenth)

	var lookups []time.Duration
	for k := range 2000 {
		i := (k * 7919) % (10 * tenth)
		start := time.Now()
		_, err := s.UserByUserName(ctx, "acme", fmt.Sprintf("FIRST%d.last%d@example.com", i, i))
		lookups = append(lookups, time.Since(start))
		require.NoError(t, err)
	}
	slices.Sort(lookups)
	var pages []time.Duration
	for k := range 200 {
		start := time.Now()
		p, err := s.ListUsers(ctx, "acme", store.Query{StartIndex: 1 + (k*4999)%(10*tenth-100), Count: 100})
		pages = append(pages, time.Since(start))
		require.NoError(t, err)
		require.Len(t, p.Users, 100)
	}
	slices.Sort(pages)
	t.Logf("%d users in one account: import %.0f users/s in the first tenth, %.0f in the last (ratio %.2f); live heap %.0f bytes/user (%.0f MiB)",
		10*tenth, rates[0], rates[9], rates[9]/rates[0], perUser, float64(after.HeapAlloc-before.HeapAlloc)/(1<<20))
	t.Logf("at full size: userName lookup p50 %v p99 %v; page of 100 p50 %v p99 %v",
		lookups[len(lookups)/2], lookups[len(lookups)*99/100], pages[len(pages)/2], pages[len(pages)*99/100])
	runtime.KeepAlive(s)
}
