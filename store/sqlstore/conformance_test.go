package sqlstore_test

import (
	"testing"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/storetest"
)

// The conformance suite, on a fresh database per subtest: a file in a temp
// dir for SQLite, a fresh schema for PostgreSQL.

func TestConformanceSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, sqliteDSN(t)) })
}

func TestConformanceSQLiteConcurrency(t *testing.T) {
	storetest.RunConcurrency(t, func(t *testing.T) store.Store { return open(t, sqliteDSN(t)) })
}

func TestActivitySQLite(t *testing.T) {
	storetest.RunActivity(t, func(t *testing.T) store.Store { return open(t, sqliteDSN(t)) })
}

func TestActivityPostgres(t *testing.T) {
	requirePostgres(t)
	storetest.RunActivity(t, func(t *testing.T) store.Store { return open(t, postgresDSN(t)) })
}

func TestConformancePostgres(t *testing.T) {
	requirePostgres(t) // skips (or fails in CI) without a server
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, postgresDSN(t)) })
}

func TestConformancePostgresConcurrency(t *testing.T) {
	requirePostgres(t)
	storetest.RunConcurrency(t, func(t *testing.T) store.Store { return open(t, postgresDSN(t)) })
}

// The suite again with one database for every subtest, as replicas of a
// host share one: each subtest's accounts then live among the others', so
// a query that forgot its account would be caught.
// TestConformanceReplicas runs the cross-replica checks with three Store
// values opened on one database, as three replicas of a host would.
func TestConformanceReplicas(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		storetest.RunReplicas(t, func(t *testing.T) []store.Store {
			return []store.Store{open(t, dsn), open(t, dsn), open(t, dsn)}
		})
	})
}

func TestConformanceSharedDatabase(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		storetest.Run(t, func(*testing.T) store.Store { return s })
	})
}
