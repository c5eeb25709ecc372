// Package pgtest gives tests a PostgreSQL database to run on: the DSN of
// SCIMKIT_TEST_POSTGRES (which .ci/run sets), or a skip where it is not set
// and a failure where CI=true, so that a CI run cannot pass without the
// PostgreSQL tests. It is imported only by tests.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the admin connection
)

// Env names the environment variable holding the DSN of a PostgreSQL
// database the tests may create schemas in.
const Env = "SCIMKIT_TEST_POSTGRES"

// DSN returns $SCIMKIT_TEST_POSTGRES, or skips the test without it (fails
// it when CI=true).
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(Env)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not set: the PostgreSQL tests must run in CI (.ci/run starts a server and sets it)", Env)
		}
		t.Skipf("set %s=postgres://... to run the PostgreSQL tests; .ci/run does this", Env)
	}
	return dsn
}

// Schema returns the DSN of a fresh, empty schema in the test database
// (named prefix plus random hex, dropped when the test ends), as DSN does
// when no database is configured.
func Schema(t testing.TB, prefix string) string {
	t.Helper()
	dsn := DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", Env, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := prefix + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		_ = admin.Close()
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
		_ = admin.Close()
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
