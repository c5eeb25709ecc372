package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/scimkit/scimkit/store"
)

// CreateAccount implements store.Accounts.
func (s *Store) CreateAccount(ctx context.Context, a store.Account) (store.Account, error) {
	if err := ctx.Err(); err != nil {
		return store.Account{}, err
	}
	if err := store.CheckAccountID(a.ID); err != nil {
		return store.Account{}, fmt.Errorf("sqlstore: create account: %w", err)
	}
	domains, err := json.Marshal(a.AllowedDomains)
	if err != nil {
		return store.Account{}, fmt.Errorf("sqlstore: create account: %w", err)
	}
	now := s.stamp()
	out := a.Clone()
	out.Created, out.Modified, out.Version = now, now, 1
	err = s.write(ctx, func(q q) error {
		var err error
		if s.accountIdP {
			_, err = q.exec(ctx, `INSERT INTO scimkit_accounts (id, provisioning_enabled, allowed_domains, idp, created, modified, version)
			VALUES (?, ?, ?, ?, ?, ?, 1)`, a.ID, a.ProvisioningEnabled, string(domains), a.IdP, toNanos(now), toNanos(now))
		} else {
			_, err = q.exec(ctx, `INSERT INTO scimkit_accounts (id, provisioning_enabled, allowed_domains, created, modified, version)
			VALUES (?, ?, ?, ?, ?, 1)`, a.ID, a.ProvisioningEnabled, string(domains), toNanos(now), toNanos(now))
		}
		if err != nil {
			return s.d.conflict(err, map[string]string{"id": a.ID})
		}
		return s.appendEvents(ctx, q, a.ID, 0, store.AccountEvents(nil, &out))
	})
	if err != nil {
		return store.Account{}, fmt.Errorf("sqlstore: create account: %w", err)
	}
	return out, nil
}

// accountCols are the columns scanAccount reads; before migration 7
// (tests of upgrades) the idp column does not exist yet and reads as ”.
func (s *Store) accountCols() string {
	if s.accountIdP {
		return "id, provisioning_enabled, allowed_domains, created, modified, version, idp"
	}
	return "id, provisioning_enabled, allowed_domains, created, modified, version, '' AS idp"
}

func scanAccount(row scanner) (store.Account, error) {
	var (
		a                 store.Account
		domains           string
		created, modified int64
	)
	if err := row.Scan(&a.ID, &a.ProvisioningEnabled, &domains, &created, &modified, &a.Version, &a.IdP); err != nil {
		return store.Account{}, err
	}
	if err := json.Unmarshal([]byte(domains), &a.AllowedDomains); err != nil {
		return store.Account{}, fmt.Errorf("allowed domains of account %q: %w", a.ID, err)
	}
	a.Created, a.Modified = fromNanos(created), fromNanos(modified)
	return a, nil
}

// GetAccount implements store.Accounts.
func (s *Store) GetAccount(ctx context.Context, id string) (store.Account, error) {
	if err := ctx.Err(); err != nil {
		return store.Account{}, err
	}
	a, err := scanAccount(q{s.db, s.d}.row(ctx, "SELECT "+s.accountCols()+" FROM scimkit_accounts WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Account{}, fmt.Errorf("sqlstore: account %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Account{}, fmt.Errorf("sqlstore: get account: %w", s.dbErr(ctx, err))
	}
	return a, nil
}

// UpdateAccount implements store.Accounts.
func (s *Store) UpdateAccount(ctx context.Context, a store.Account) (store.Account, error) {
	domains, err := json.Marshal(a.AllowedDomains)
	if err != nil {
		return store.Account{}, fmt.Errorf("sqlstore: update account: %w", err)
	}
	now := s.stamp()
	var out store.Account
	err = s.writeFeed(ctx, a.ID, func(q q) ([]store.Event, error) {
		before, err := scanAccount(q.row(ctx, "SELECT "+s.accountCols()+" FROM scimkit_accounts WHERE id = ?", a.ID))
		if err != nil {
			return nil, err
		}
		if before.Version != a.Version {
			return nil, store.ErrVersionMismatch
		}
		if s.accountIdP {
			out, err = scanAccount(q.row(ctx, `UPDATE scimkit_accounts
			SET provisioning_enabled = ?, allowed_domains = ?, idp = ?, modified = ?, version = version + 1
			WHERE id = ? RETURNING `+s.accountCols(), a.ProvisioningEnabled, string(domains), a.IdP, toNanos(now), a.ID))
		} else {
			out, err = scanAccount(q.row(ctx, `UPDATE scimkit_accounts
			SET provisioning_enabled = ?, allowed_domains = ?, modified = ?, version = version + 1
			WHERE id = ? RETURNING `+s.accountCols(), a.ProvisioningEnabled, string(domains), toNanos(now), a.ID))
		}
		if err != nil {
			return nil, err
		}
		return store.AccountEvents(&before, &out), nil
	})
	if err != nil {
		return store.Account{}, fmt.Errorf("sqlstore: update account %q: %w", a.ID, err)
	}
	return out, nil
}

// missingOrStale tells why a conditional update matched no row: the row
// does not exist (ErrNotFound) or its version moved on (ErrVersionMismatch).
// exists is a query that returns a row when the record exists.
func (s *Store) missingOrStale(ctx context.Context, q q, exists string, args ...any) error {
	var one int
	err := q.row(ctx, exists, args...).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.ErrNotFound
	case err != nil:
		return err
	}
	return store.ErrVersionMismatch
}

// AccountIDs implements store.Accounts.
func (s *Store) AccountIDs(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ids, err := queryStrings(ctx, q{s.db, s.d}, "SELECT id FROM scimkit_accounts ORDER BY seq")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: account ids: %w", s.dbErr(ctx, err))
	}
	return ids, nil
}

// queryStrings returns the single text column of a query's rows, never nil.
func queryStrings(ctx context.Context, q q, query string, args ...any) ([]string, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// accountExists fails with ErrNotFound unless the account exists.
func accountExists(ctx context.Context, q q, accountID string) error {
	var one int
	err := q.row(ctx, "SELECT 1 FROM scimkit_accounts WHERE id = ?", accountID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("account %q: %w", accountID, store.ErrNotFound)
	}
	return err
}

// AddToken implements store.Tokens.
func (s *Store) AddToken(ctx context.Context, accountID string, t store.Token) (store.Token, error) {
	out := store.Token{ID: s.newID(), AccountID: accountID, Hash: t.Hash, Label: t.Label, Created: s.stamp()}
	err := s.writeFeed(ctx, accountID, func(q q) ([]store.Event, error) {
		_, err := q.exec(ctx, "INSERT INTO scimkit_tokens (account_id, id, hash, label, created) VALUES (?, ?, ?, ?, ?)",
			accountID, out.ID, out.Hash[:], out.Label, toNanos(out.Created))
		if err != nil {
			return nil, s.d.conflict(err, nil)
		}
		return []store.Event{store.TokenEvent(store.TokenMinted, out)}, nil
	})
	if err != nil {
		return store.Token{}, fmt.Errorf("sqlstore: add token: %w", err)
	}
	return out, nil
}

const tokenCols = "id, account_id, hash, label, created"

func scanToken(row scanner) (store.Token, error) {
	var (
		t       store.Token
		hash    []byte
		created int64
	)
	if err := row.Scan(&t.ID, &t.AccountID, &hash, &t.Label, &created); err != nil {
		return store.Token{}, err
	}
	if len(hash) != len(t.Hash) {
		return store.Token{}, fmt.Errorf("token %q: stored hash has %d bytes", t.ID, len(hash))
	}
	copy(t.Hash[:], hash)
	t.Created = fromNanos(created)
	return t, nil
}

// TokenByHash implements store.Tokens.
func (s *Store) TokenByHash(ctx context.Context, hash [32]byte) (store.Token, error) {
	if err := ctx.Err(); err != nil {
		return store.Token{}, err
	}
	t, err := scanToken(q{s.db, s.d}.row(ctx, "SELECT "+tokenCols+" FROM scimkit_tokens WHERE hash = ?", hash[:]))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Token{}, fmt.Errorf("sqlstore: token: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Token{}, fmt.Errorf("sqlstore: token by hash: %w", s.dbErr(ctx, err))
	}
	return t, nil
}

// ListTokens implements store.Tokens.
func (s *Store) ListTokens(ctx context.Context, accountID string) ([]store.Token, error) {
	out := []store.Token{}
	err := s.read(ctx, func(q q) error {
		if err := accountExists(ctx, q, accountID); err != nil {
			return err
		}
		rows, err := q.query(ctx, "SELECT "+tokenCols+" FROM scimkit_tokens WHERE account_id = ? ORDER BY seq", accountID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanToken(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken implements store.Tokens.
func (s *Store) RevokeToken(ctx context.Context, accountID, tokenID string) error {
	err := s.writeFeed(ctx, accountID, func(q q) ([]store.Event, error) {
		t, err := scanToken(q.row(ctx, "DELETE FROM scimkit_tokens WHERE account_id = ? AND id = ? RETURNING "+tokenCols, accountID, tokenID))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("token %q: %w", tokenID, store.ErrNotFound)
		}
		if err != nil {
			return nil, err
		}
		return []store.Event{store.TokenEvent(store.TokenRevoked, t)}, nil
	})
	if err != nil {
		return fmt.Errorf("sqlstore: revoke token: %w", err)
	}
	return nil
}
