package hostadapter_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/scimkit/scimkit/examples/hostadapter"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/storekit"
	"github.com/scimkit/scimkit/store/storetest"
)

func open(t *testing.T, path string, opts ...storekit.Option) *hostadapter.Adapter {
	t.Helper()
	a, err := hostadapter.Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

func fresh(t *testing.T) string { return filepath.Join(t.TempDir(), "host.db") }

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, fresh(t)) })
}

func TestConformanceFallbacksOnly(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, fresh(t), storekit.FallbacksOnly()) })
}

func TestConformanceConcurrency(t *testing.T) {
	storetest.RunConcurrency(t, func(t *testing.T) store.Store { return open(t, fresh(t)) })
}

// TestConformanceReplicas opens three Adapters on one file, as three
// replicas of the host would.
func TestConformanceReplicas(t *testing.T) {
	storetest.RunReplicas(t, func(t *testing.T) []store.Store {
		path := fresh(t)
		return []store.Store{open(t, path), open(t, path), open(t, path)}
	})
}

// TestConformanceSharedDatabase runs the suite with one database for every
// subtest, so that a query that forgot its org would be caught.
func TestConformanceSharedDatabase(t *testing.T) {
	a := open(t, fresh(t))
	storetest.Run(t, func(*testing.T) store.Store { return a })
}

// TestSameAnswers compares the adapter's fast paths (indexed lookups,
// native paging) with storekit's fallbacks on one database.
func TestSameAnswers(t *testing.T) {
	storetest.RunSameAnswers(t, func(t *testing.T) (store.Store, store.Store) {
		path := fresh(t)
		return open(t, path), open(t, path, storekit.FallbacksOnly())
	})
}
