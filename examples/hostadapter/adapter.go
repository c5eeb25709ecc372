package hostadapter

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/storekit"
)

// Adapter is a store.Store over the host's SQLite database. Create it
// with Open and release it with Close.
type Adapter struct {
	store.Store
	db *sql.DB
}

// Open opens (creating it if needed) the SQLite database file path, adds
// the side tables scimkit needs (HostSchema too, when the host's tables
// are missing) and returns the adapter. opts go to storekit.Wrap. Several
// Adapters, in one process or several, may share one file.
func Open(ctx context.Context, path string, opts ...storekit.Option) (*Adapter, error) {
	// One connection: SQLite has one writer, and BEGIN IMMEDIATE with a
	// busy timeout makes every other process's writer wait its turn, which
	// is the serialisable Update storekit.Backend asks for.
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	b := &backend{db: db}
	err = b.Update(ctx, "", func(tx storekit.Tx) error { return tx.(*txn).exec(ctx, HostSchema+sideSchema) })
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("hostadapter: open: %w", err)
	}
	return &Adapter{Store: storekit.Wrap(b, opts...), db: db}, nil
}

// NamedMembers forwards storekit.Wrap's store.NamedMembers: embedding the
// store.Store interface promotes only its own methods, so a wrapper must
// forward the optional interfaces of what it wraps, or lose them (here the
// generic preset's member names would cost a GetUser per member).
func (a *Adapter) NamedMembers(ctx context.Context, accountID, groupID string) ([]store.Member, error) {
	return a.Store.(store.NamedMembers).NamedMembers(ctx, accountID, groupID)
}

var _ store.NamedMembers = (*Adapter)(nil)

// Close closes the database.
func (a *Adapter) Close() error { return a.db.Close() }

// DB returns the database, for the host's own queries.
func (a *Adapter) DB() *sql.DB { return a.db }

// backend is the storekit.Backend; txn is both its Reader and its Tx.
type backend struct{ db *sql.DB }

type txn struct{ tx *sql.Tx }

func (b *backend) View(ctx context.Context, fn func(storekit.Reader) error) error {
	tx, err := b.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	return fn(&txn{tx})
}

func (b *backend) Update(ctx context.Context, _ string, fn func(storekit.Tx) error) error {
	tx, err := b.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // after an error or a panic; a no-op after Commit
	if err := fn(&txn{tx}); err != nil {
		return err
	}
	return tx.Commit()
}

func (t *txn) exec(ctx context.Context, q string, args ...any) error {
	_, err := t.tx.ExecContext(ctx, q, args...)
	return err
}

// insert runs the INSERT q and returns the new row's key.
func (t *txn) insert(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := t.tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

type scanner interface{ Scan(...any) error }

// each runs q and calls fn with every row, as scan reads it, until fn
// returns false.
func each[T any](ctx context.Context, t *txn, scan func(scanner) (T, error), fn func(T) bool, q string, args ...any) error {
	rows, err := t.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		if !fn(v) {
			break
		}
	}
	return rows.Err()
}

// all returns every row of q; first the first one, or store.ErrNotFound.
func all[T any](ctx context.Context, t *txn, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	var out []T
	err := each(ctx, t, scan, func(v T) bool { out = append(out, v); return true }, q, args...)
	return out, err
}

func first[T any](ctx context.Context, t *txn, what string, scan func(scanner) (T, error), q string, args ...any) (T, error) {
	vs, err := all(ctx, t, scan, q+" LIMIT 1", args...)
	if err == nil && len(vs) == 0 {
		err = fmt.Errorf("hostadapter: %s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return vs[0], nil
}

func scanString(s scanner) (v string, err error) { return v, s.Scan(&v) }
func scanInt(s scanner) (v int64, err error)     { return v, s.Scan(&v) }

// Times are Unix microseconds; NULL is the zero time.
func micros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromMicros(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMicro(n.Int64).UTC()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Ids: a member is "m" and its members.id, a team "t" and its teams.id,
// so that the two tables' keys never meet (a team's id sent as a member
// is no user's).
func userID(n int64) string  { return "m" + strconv.FormatInt(n, 10) }
func groupID(n int64) string { return "t" + strconv.FormatInt(n, 10) }

// key parses an id into the host's integer key; an id that is not
// exactly prefix and the decimal form of a key names no row.
func key(prefix, id string) (int64, bool) {
	rest, ok := strings.CutPrefix(id, prefix)
	n, err := strconv.ParseInt(rest, 10, 64)
	return n, ok && err == nil && strconv.FormatInt(n, 10) == rest
}

func (t *txn) Account(ctx context.Context, id string) (store.Account, error) {
	return first(ctx, t, "account "+strconv.Quote(id), func(s scanner) (store.Account, error) {
		a := store.Account{ID: id}
		var c, m sql.NullInt64
		var domains string
		if err := s.Scan(&c, &a.ProvisioningEnabled, &domains, &a.IdP, &m, &a.Version); err != nil {
			return a, err
		}
		a.Created, a.Modified = fromMicros(c), fromMicros(m)
		return a, json.Unmarshal([]byte(domains), &a.AllowedDomains)
	}, `SELECT created, provisioning, domains, idp, modified, version FROM scim_accounts WHERE org_id = ?`, id)
}

func (t *txn) AccountIDs(ctx context.Context) ([]string, error) {
	return all(ctx, t, scanString, `SELECT org_id FROM scim_accounts ORDER BY rowid`)
}

// InsertAccount turns provisioning on for an org: the org row is the
// host's (made here if the host has none), and the org's existing members
// and teams are adopted (see adopt).
func (t *txn) InsertAccount(ctx context.Context, a store.Account) error {
	domains, _ := json.Marshal(a.AllowedDomains)
	if err := t.exec(ctx, `INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		a.ID, a.ID, micros(a.Created)); err != nil {
		return err
	}
	if err := t.exec(ctx, `INSERT INTO scim_accounts (org_id, created, provisioning, domains, idp, modified, version) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		a.ID, micros(a.Created), a.ProvisioningEnabled, string(domains), a.IdP, micros(a.Modified), a.Version); err != nil {
		return err
	}
	return t.adopt(ctx, a.ID)
}

func (t *txn) UpdateAccount(ctx context.Context, a store.Account) error {
	domains, _ := json.Marshal(a.AllowedDomains)
	return t.exec(ctx, `UPDATE scim_accounts SET provisioning = ?, domains = ?, idp = ?, modified = ?, version = ? WHERE org_id = ?`,
		a.ProvisioningEnabled, string(domains), a.IdP, micros(a.Modified), a.Version, a.ID)
}

const tokenCols = `SELECT id, org_id, hash, label, created FROM scim_tokens `

func scanToken(s scanner) (tok store.Token, err error) {
	var hash []byte
	var c sql.NullInt64
	err = s.Scan(&tok.ID, &tok.AccountID, &hash, &tok.Label, &c)
	copy(tok.Hash[:], hash)
	tok.Created = fromMicros(c)
	return tok, err
}

func (t *txn) TokenByHash(ctx context.Context, hash [32]byte) (store.Token, error) {
	return first(ctx, t, "token", scanToken, tokenCols+`WHERE hash = ?`, hash[:])
}

func (t *txn) Tokens(ctx context.Context, accountID string) ([]store.Token, error) {
	return all(ctx, t, scanToken, tokenCols+`WHERE org_id = ? ORDER BY rowid`, accountID)
}

func (t *txn) InsertToken(ctx context.Context, tok store.Token) error {
	err := t.exec(ctx, `INSERT INTO scim_tokens (id, org_id, hash, label, created) VALUES (?, ?, ?, ?, ?)`,
		tok.ID, tok.AccountID, tok.Hash[:], tok.Label, micros(tok.Created))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return &store.ConflictError{Attribute: "token"}
	}
	return err
}

func (t *txn) DeleteToken(ctx context.Context, accountID, id string) error {
	return t.exec(ctx, `DELETE FROM scim_tokens WHERE org_id = ? AND id = ?`, accountID, id)
}

func (t *txn) LastSeq(ctx context.Context, accountID string) (int64, error) {
	return first(ctx, t, "account", scanInt, `SELECT last_seq FROM scim_accounts WHERE org_id = ?`, accountID)
}

func (t *txn) Events(ctx context.Context, accountID string, after int64, limit int) ([]store.Event, error) {
	return all(ctx, t, func(s scanner) (e store.Event, err error) {
		var body []byte
		if err = s.Scan(&body); err == nil {
			err = json.Unmarshal(body, &e)
		}
		return e, err
	}, `SELECT body FROM scim_events WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT ?`, accountID, after, limit)
}

func (t *txn) AppendEvents(ctx context.Context, accountID string, evs []store.Event) error {
	for _, e := range evs {
		body, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if err := t.exec(ctx, `INSERT INTO scim_events (org_id, seq, time, body) VALUES (?, ?, ?, ?)`,
			accountID, e.Seq, e.Time.UnixNano(), string(body)); err != nil {
			return err
		}
	}
	return t.exec(ctx, `UPDATE scim_accounts SET last_seq = ? WHERE org_id = ?`, evs[len(evs)-1].Seq, accountID)
}

func (t *txn) PruneEvents(ctx context.Context, accountID string, before time.Time) (int, error) {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM scim_events WHERE org_id = ? AND time < ?`, accountID, before.UnixNano())
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (t *txn) Consumer(ctx context.Context, name, accountID string) (storekit.Consumer, error) {
	c, err := first(ctx, t, "consumer", func(s scanner) (c storekit.Consumer, err error) {
		var until sql.NullInt64
		err = s.Scan(&c.Cursor, &c.Holder, &until)
		c.Until = fromMicros(until)
		return c, err
	}, `SELECT cursor, holder, until FROM scim_consumers WHERE org_id = ? AND name = ?`, accountID, name)
	if errors.Is(err, store.ErrNotFound) {
		return storekit.Consumer{}, nil
	}
	return c, err
}

func (t *txn) PutConsumer(ctx context.Context, name, accountID string, c storekit.Consumer) error {
	return t.exec(ctx, `INSERT INTO scim_consumers (org_id, name, cursor, holder, until) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (org_id, name) DO UPDATE SET cursor = excluded.cursor, holder = excluded.holder, until = excluded.until`,
		accountID, name, c.Cursor, c.Holder, micros(c.Until))
}
