package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"

	"github.com/scimkit/scimkit/store"
)

var (
	_ store.Store        = (*Store)(nil)
	_ store.NamedMembers = (*Store)(nil)
)

// Store is a store.Store on a PostgreSQL or SQLite database. Create it with
// Open and release it with Close. It is safe for concurrent use, and several
// Store values (in one process or in several replicas) may share one
// database.
type Store struct {
	db    *sql.DB
	d     dialect
	now   func() time.Time
	newID func() string
	// maxConns bounds the PostgreSQL connection pool.
	maxConns int
	// maxMigration, when not zero, stops migrations after that version
	// (for tests of upgrades).
	maxMigration int64
	// emailKeys is false only when maxMigration stops before migration 6
	// (tests of upgrades), whose scimkit_user_email_keys does not exist yet.
	emailKeys bool
	// accountIdP is false only when maxMigration stops before migration 7
	// (tests of upgrades), whose scimkit_accounts.idp does not exist yet.
	accountIdP bool

	// cursors remembers where the last page of a counted listing ended,
	// so that the next page can start from there; see list.go.
	mu      sync.Mutex
	cursors map[cursorKey]cursorVal
}

// Option configures a Store. The zero set of options gives the defaults
// described on each option.
type Option func(*Store)

// WithClock sets the clock that stamps Created and Modified. The default is
// time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}

// WithIDGenerator sets the generator of user, group and token ids. It must
// return a different non-empty string on every call (ids are unique per
// account and never reused). The default returns random version 4 UUIDs.
func WithIDGenerator(newID func() string) Option {
	return func(s *Store) {
		if newID != nil {
			s.newID = newID
		}
	}
}

// WithMaxConns sets the most connections a Store opens to PostgreSQL at
// once (and keeps idle); callers beyond that wait for a free one. The
// default is 10: mind PostgreSQL's max_connections (100 by default) when
// several replicas share a server. Values below 1 keep the default. SQLite
// always uses one connection.
func WithMaxConns(n int) Option {
	return func(s *Store) {
		if n >= 1 {
			s.maxConns = n
		}
	}
}

// Open connects to the database named by dsn, applies the schema
// migrations it lacks, and returns the Store. Two forms are accepted:
//
//   - "sqlite:PATH" opens (creating it if needed) the SQLite database file
//     PATH, taken literally (it may not contain '?'), in WAL mode with
//     foreign keys on and a 10 s busy timeout.
//   - "postgres://..." or "postgresql://..." connects to PostgreSQL with
//     pgx (github.com/jackc/pgx/v5); every parameter pgx understands may be
//     given, such as host (a directory for a Unix socket), port, sslmode
//     or search_path (to keep scimkit's tables in their own, existing
//     schema).
//
// Open is safe to call from several processes on the same database at once:
// migrations are serialised (an advisory lock on PostgreSQL, an immediate
// transaction on SQLite) and applied once. The error never contains the
// DSN, which may hold a password.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: open: %w", err)
	}
	var (
		db *sql.DB
		d  dialect
	)
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" || strings.Contains(path, "?") {
			return nil, fmt.Errorf("sqlstore: open: a sqlite DSN is \"sqlite:PATH\" with a non-empty PATH without '?': %w", store.ErrInvalid)
		}
		// A plain path (no "file:" URI), so that '%' and '#' in it are
		// just characters. synchronous=NORMAL is SQLite's advice for WAL:
		// a commit survives a crash of the process; only a power loss or
		// an OS crash may undo the last ones.
		conn := path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		db = sql.OpenDB(sqliteConnector{dsn: conn})
		// One connection: SQLite has one writer at a time anyway, and a
		// single connection makes every transaction in this process
		// serial, so none can fail with SQLITE_BUSY on a lock upgrade.
		// Other processes are held off by BEGIN IMMEDIATE and the busy
		// timeout.
		db.SetMaxOpenConns(1)
		db.SetConnMaxLifetime(0)
		d = dialectSQLite
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			// pgx's message may quote the DSN, password included.
			return nil, fmt.Errorf("sqlstore: open: cannot parse the postgres DSN: %w", store.ErrInvalid)
		}
		db = stdlib.OpenDB(*cfg)
		d = dialectPostgres
	default:
		return nil, fmt.Errorf("sqlstore: open: DSN must start with \"sqlite:\", \"postgres://\" or \"postgresql://\": %w", store.ErrInvalid)
	}
	s := &Store{db: db, d: d, now: time.Now, newID: randomUUID, maxConns: 10, cursors: make(map[cursorKey]cursorVal)}
	for _, o := range opts {
		o(s)
	}
	s.emailKeys = s.maxMigration == 0 || s.maxMigration >= 6
	s.accountIdP = s.maxMigration == 0 || s.maxMigration >= 7
	if d == dialectPostgres {
		db.SetMaxOpenConns(s.maxConns)
		db.SetMaxIdleConns(s.maxConns)
		db.SetConnMaxIdleTime(5 * time.Minute)
	}
	if err := s.migrateRetryingBusy(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// openBusyWait bounds how long Open keeps retrying a SQLite database that
// another process is creating or migrating at the same moment.
const openBusyWait = 30 * time.Second

// migrateRetryingBusy runs the migrations, retrying while SQLite reports
// the database busy. SQLite does not call its busy handler for every lock
// it takes while a fresh file is set up (switching a new database to WAL,
// recovering the WAL index): two processes opening one new file at once
// could otherwise see SQLITE_BUSY at once, despite the busy timeout.
func (s *Store) migrateRetryingBusy(ctx context.Context) error {
	deadline := time.Now().Add(openBusyWait)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		err := s.migrate(ctx)
		if err == nil || s.d != dialectSQLite || !isBusy(err) || time.Now().Add(wait).After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sqlstore: open: %w", ctx.Err())
		case <-time.After(wait):
		}
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED (in
// any extended form).
func isBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
		return true
	}
	return false
}

// Close closes the database connections. The Store must not be used
// afterwards.
func (s *Store) Close() error { return s.db.Close() }

// sqliteConnector opens modernc.org/sqlite connections without going
// through database/sql's global driver registry by name.
type sqliteConnector struct{ dsn string }

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	return (&sqlite.Driver{}).Open(c.dsn)
}

func (c sqliteConnector) Driver() driver.Driver { return &sqlite.Driver{} }

// randomUUID returns a random (version 4) UUID in its canonical text form.
func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+).
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&0x0f])
	}
	return string(out)
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// q is a querier that rewrites the '?' placeholders of the package's SQL
// for the dialect.
type q struct {
	x querier
	d dialect
}

func (q q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := checkText(args); err != nil {
		return nil, err
	}
	return q.x.ExecContext(ctx, q.d.rebind(query), args...)
}

func (q q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := checkText(args); err != nil {
		return nil, err
	}
	return q.x.QueryContext(ctx, q.d.rebind(query), args...)
}

// scanner is a row to scan: *sql.Row, or errRow.
type scanner interface{ Scan(dest ...any) error }

// errRow is a row whose query could not be run.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

func (q q) row(ctx context.Context, query string, args ...any) scanner {
	if err := checkText(args); err != nil {
		return errRow{err}
	}
	return q.x.QueryRowContext(ctx, q.d.rebind(query), args...)
}

// checkText refuses string arguments that PostgreSQL's text type cannot
// hold (NUL bytes, invalid UTF-8), on both databases, so that they behave
// alike: the error matches store.ErrInvalid, whether the string was a
// value to store, a key to look up or a filter value.
func checkText(args []any) error {
	for _, a := range args {
		if s, ok := a.(string); ok && (strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s)) {
			return fmt.Errorf("sqlstore: a string holds a NUL byte or invalid UTF-8: %w", store.ErrInvalid)
		}
	}
	return nil
}

// write runs fn in a read-write transaction and commits it if fn returns
// nil. On SQLite the transaction begins IMMEDIATE (it holds the write lock
// from the start); on PostgreSQL it is READ COMMITTED and relies on row
// locks, conditional updates and unique indexes.
func (s *Store) write(ctx context.Context, fn func(q q) error) error {
	// A transaction PostgreSQL aborts to break a deadlock (or a
	// serialisation failure) changed nothing: run it again, a few times.
	for attempt := 1; ; attempt++ {
		err := s.writeOnce(ctx, fn)
		if kind, _ := s.d.classify(err); kind != errRetry || attempt == maxAttempts {
			return err
		}
	}
}

// maxAttempts bounds the runs of one write transaction.
const maxAttempts = 5

func (s *Store) writeOnce(ctx context.Context, fn func(q q) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.dbErr(ctx, err)
	}
	if err := fn(q{tx, s.d}); err != nil {
		_ = tx.Rollback()
		return s.dbErr(ctx, err)
	}
	if err := tx.Commit(); err != nil {
		return s.dbErr(ctx, err)
	}
	return nil
}

// read runs fn in a read-only transaction, so that its statements see one
// snapshot (REPEATABLE READ on PostgreSQL, a deferred transaction on
// SQLite).
func (s *Store) read(ctx context.Context, fn func(q q) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if s.d == dialectPostgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return s.dbErr(ctx, err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(q{tx, s.d}); err != nil {
		return s.dbErr(ctx, err)
	}
	return nil
}

// dbErr makes err match the context's error when the context is done
// (drivers report cancellation in various ways) and passes the store's own
// errors through.
func (s *Store) dbErr(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("%w (%v)", ctxErr, err)
	}
	return err
}

// stamp returns the store clock's time, at the precision stored.
func (s *Store) stamp() time.Time { return fromNanos(toNanos(s.now())) }

// toNanos converts t to the stored form, Unix nanoseconds, clamped to the
// int64 range (years 1678 to 2262).
func toNanos(t time.Time) int64 {
	const minSec, maxSec = math.MinInt64/int64(time.Second) + 1, math.MaxInt64/int64(time.Second) - 1
	switch sec := t.Unix(); {
	case sec < minSec:
		return math.MinInt64
	case sec > maxSec:
		return math.MaxInt64
	}
	return t.UnixNano()
}

// fromNanos is the inverse of toNanos, in UTC.
func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// nullNanos stores the zero time as NULL.
func nullNanos(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: toNanos(t), Valid: true}
}

func fromNullNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromNanos(n.Int64)
}

// chunk splits ids into slices of at most n, so that statements stay under
// the databases' limits on bound parameters.
func chunk(ids []string, n int) [][]string {
	var out [][]string
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

// placeholders returns "?, ?, ..." with n placeholders.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// anys converts ids to the argument list of a query.
func anys(prefix []any, ids []string) []any {
	out := make([]any, 0, len(prefix)+len(ids))
	out = append(out, prefix...)
	for _, id := range ids {
		out = append(out, id)
	}
	return out
}

// dedupe returns ids without repetitions, in first-seen order.
func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
