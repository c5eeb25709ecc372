package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/internal/pgtest"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// sqliteDSN returns the DSN of a fresh SQLite database file.
func sqliteDSN(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "scimkit.db")
}

// postgresDSN returns the DSN of a fresh, empty schema in the test
// PostgreSQL database (dropped when the test ends). Without
// SCIMKIT_TEST_POSTGRES the test is skipped, or fails when CI=true: in CI
// the PostgreSQL tests must run.
func postgresDSN(t testing.TB) string { return pgtest.Schema(t, "scimkit_test_") }

// requirePostgres returns SCIMKIT_TEST_POSTGRES, or skips the test without
// it (fails it when CI=true).
func requirePostgres(t testing.TB) string { return pgtest.DSN(t) }

// eachDatabase runs fn as a subtest on a fresh SQLite database and a fresh
// PostgreSQL schema.
func eachDatabase(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, sqliteDSN(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, postgresDSN(t)) })
}

// open opens dsn and closes the store when the test ends.
func open(t testing.TB, dsn string, opts ...sqlstore.Option) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), dsn, opts...)
	require.NoError(t, err, "open")
	t.Cleanup(func() { _ = s.Close() })
	return s
}
