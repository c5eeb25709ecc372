// Package sqlstore is a store.Store on a SQL database: PostgreSQL for
// production hosts that run several replicas behind a load balancer, and
// SQLite for small hosts and the example server (one file, pure Go, no
// cgo). Both pass the conformance suite in store/storetest and give the same
// filter results as store/memstore.
//
// # Opening
//
//	s, err := sqlstore.Open(ctx, "postgres://scimkit:secret@db.internal/scimkit?sslmode=require")
//	s, err := sqlstore.Open(ctx, "sqlite:/var/lib/myhost/scimkit.db")
//
// Open accepts exactly two DSN forms:
//
//   - "postgres://..." or "postgresql://...": a PostgreSQL URL as
//     github.com/jackc/pgx/v5 understands it. A Unix socket is
//     "postgres://user@/dbname?host=/run/postgresql". Add
//     search_path=NAME to keep scimkit's tables in their own schema (which
//     must exist).
//   - "sqlite:PATH": the SQLite database file PATH (created if missing,
//     taken literally, without '?'), opened with modernc.org/sqlite in WAL
//     mode with foreign keys on. One connection serves the Store; other
//     processes on the same file wait for the write lock (up to 10 s).
//
// Open applies the embedded, versioned schema migrations the database
// lacks (recorded in the table scimkit_schema_migrations) before it
// returns. Replicas that start at the same time are safe: on PostgreSQL the
// migration transaction holds an advisory lock, on SQLite the write lock;
// the migrations are applied once and the others find them done. Every
// table is prefixed scimkit_, so the schema can share a database with the
// host's own tables.
//
// # How the contract is kept
//
//   - Uniqueness is enforced by the database: unique indexes on (account,
//     folded userName), (account, folded group displayName) and (account,
//     externalId) where externalId is not empty. Of two replicas creating
//     the same user at once, one succeeds and the other gets a
//     *store.ConflictError naming the attribute.
//   - Case-insensitive columns are stored twice, as given and folded with
//     store.Fold in Go, so PostgreSQL, SQLite and memstore agree on what
//     matches. PostgreSQL columns use the "C" collation: comparisons are
//     byte-wise, as in Go. Migration 5 recomputed the folded columns of
//     databases written before store.Fold normalised Unicode (NFKC, case
//     folding, invisible characters dropped); a record whose new fold
//     would have collided with another's kept its old one, so the upgrade
//     merged and refused nothing.
//   - The change feed: every write transaction first locks its account's
//     row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's write lock), then
//     makes its change, then numbers its events from the account's last
//     sequence number and inserts them into scimkit_events, all before the
//     commit. Writes to one account are thereby serialised (writes to
//     different accounts are not), every write takes its locks in the same
//     order (account, then records), and sequence numbers follow commit
//     order without a gap: a rolled-back write leaves nothing. Cursors and
//     leases are rows of scimkit_feed_consumers; a lease is taken with one
//     conditional upsert.
//   - Optimistic concurrency: a user update checks the version of the user
//     it read under the account lock; a group update locks the group row
//     while it checks the version and applies its membership deltas, each
//     one row inserted or deleted (RETURNING tells which really changed),
//     so adding a member costs the same in a group of ten or of a hundred
//     thousand.
//   - Filters become SQL over bound parameters only; LIKE (PostgreSQL) and
//     GLOB (SQLite) patterns escape their wildcards. Emails and members are
//     matched with IN subqueries on their own tables, so Entra's lookup
//     emails[type eq "work"].value eq "x" is answered from the email index.
//   - Listings are in creation order. The listings IdPs import page after
//     page (unfiltered users, managed groups) cost one page per request
//     however deep they go: the account row counts them, and a page that
//     continues the previous one starts from where it ended. Other filters
//     cost O(matches) for their total; see the comment in list.go.
//   - Reminder claims hold the account row like every write: replicas
//     running the reminder pass at once claim one after the other, each
//     user once.
//   - Times are stored as Unix nanoseconds (UTC), so they read back exactly
//     and meta.created filters compare as in Go; times outside the years
//     1678 to 2262 are clamped.
//
// PostgreSQL text cannot hold NUL bytes or invalid UTF-8; such strings (to
// store, to look up or in a filter) are refused on both databases alike,
// with an error matching store.ErrInvalid.
//
// # Testing
//
// The package's tests run on SQLite always and on PostgreSQL when the
// environment variable SCIMKIT_TEST_POSTGRES holds a DSN of a database the
// tests may create schemas in (each test gets a fresh schema); .ci/run
// starts a throwaway server and sets it.
package sqlstore
