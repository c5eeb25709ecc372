package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the admin connection of the tests
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store/sqlstore"
)

// postgresEnv names the environment variable holding the DSN of a
// PostgreSQL database the tests may create schemas in.
const postgresEnv = "SCIMKIT_TEST_POSTGRES"

// sqliteDSN returns the DSN of a fresh SQLite database file.
func sqliteDSN(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "scimkit.db")
}

// postgresDSN returns the DSN of a fresh, empty schema in the test
// PostgreSQL database (dropped when the test ends). Without
// SCIMKIT_TEST_POSTGRES the test is skipped, or fails when CI=true: in CI
// the PostgreSQL tests must run.
func postgresDSN(t testing.TB) string {
	t.Helper()
	dsn := requirePostgres(t)
	u, err := url.Parse(dsn)
	require.NoError(t, err, "parse %s", postgresEnv)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "scimkit_test_" + hex.EncodeToString(b[:])

	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	_, err = admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema)
	require.NoError(t, err, "create test schema")
	t.Cleanup(func() {
		_, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		if err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
		_ = admin.Close()
	})
	qv := u.Query()
	qv.Set("search_path", schema)
	u.RawQuery = qv.Encode()
	return u.String()
}

// requirePostgres returns SCIMKIT_TEST_POSTGRES, or skips the test without
// it (fails it when CI=true).
func requirePostgres(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not set: the PostgreSQL tests must run in CI (.ci/run starts a server and sets it)", postgresEnv)
		}
		t.Skipf("set %s=postgres://... to run the PostgreSQL tests; .ci/run does this", postgresEnv)
	}
	return dsn
}

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
