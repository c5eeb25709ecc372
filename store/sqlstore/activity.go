package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scimkit/scimkit/store"
)

var (
	_ store.ActivityLog = (*Store)(nil)
	_ store.TokenUsage  = (*Store)(nil)
)

// activityCols are the columns of scimkit_activity but id, in the order
// AppendActivity writes them.
const activityCols = "account_id, at, kind, method, path, resource_type, resource_id, name, status, scim_type, detail, latency, user_agent, token_id, count, actor_id, action"

// activityChunk is how many entries one INSERT writes (17 parameters each).
const activityChunk = 50

// cleanText makes s storable as text on both databases (checkText refuses
// NUL and invalid UTF-8, which a User-Agent or a path may carry): an
// activity entry is worth keeping even with a mangled header.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "")
}

// AppendActivity implements store.ActivityLog. The entries are written in
// one transaction; those of accounts that do not exist are dropped.
func (s *Store) AppendActivity(ctx context.Context, entries []store.ActivityEntry) error {
	if len(entries) == 0 {
		return nil
	}
	err := s.write(ctx, func(q q) error {
		exists := map[string]bool{}
		for _, e := range entries {
			if _, seen := exists[e.AccountID]; seen {
				continue
			}
			err := accountExists(ctx, q, cleanText(e.AccountID))
			exists[e.AccountID] = err == nil
			if err != nil && !isNotFound(err) {
				return err
			}
		}
		row := "(" + placeholders(17) + ")"
		var rows []string
		var args []any
		flush := func() error {
			if len(rows) == 0 {
				return nil
			}
			_, err := q.exec(ctx, "INSERT INTO scimkit_activity ("+activityCols+") VALUES "+strings.Join(rows, ", "), args...)
			rows, args = rows[:0], args[:0]
			return err
		}
		for _, e := range entries {
			if !exists[e.AccountID] {
				continue
			}
			rows = append(rows, row)
			args = append(args, cleanText(e.AccountID), toNanos(e.Time), cleanText(string(e.Kind)), cleanText(e.Method), cleanText(e.Path),
				cleanText(e.ResourceType), cleanText(e.ResourceID), cleanText(e.Name), e.Status, cleanText(e.SCIMType), cleanText(e.Detail),
				int64(e.Latency), cleanText(e.UserAgent), cleanText(e.TokenID), e.Count, cleanText(e.ActorID), cleanText(e.Action))
			if len(rows) == activityChunk {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	})
	if err != nil {
		return fmt.Errorf("sqlstore: append activity: %w", err)
	}
	return nil
}

// ListActivity implements store.ActivityLog.
func (s *Store) ListActivity(ctx context.Context, accountID string, aq store.ActivityQuery) ([]store.ActivityEntry, error) {
	limit := aq.Limit
	if limit <= 0 {
		limit = 50
	}
	out := []store.ActivityEntry{}
	err := s.read(ctx, func(q q) error {
		if err := accountExists(ctx, q, accountID); err != nil {
			return err
		}
		where := "account_id = ?"
		args := []any{accountID}
		if aq.Before != 0 {
			where += " AND id < ?"
			args = append(args, aq.Before)
		}
		if aq.ErrorsOnly {
			where += " AND status >= 400"
		}
		if aq.Search != "" {
			where += " AND (lower(name) = lower(?) OR lower(resource_id) = lower(?) OR lower(actor_id) = lower(?))"
			v := cleanText(aq.Search)
			args = append(args, v, v, v)
		}
		args = append(args, limit)
		rows, err := q.query(ctx, "SELECT id, "+activityCols+" FROM scimkit_activity WHERE "+where+" ORDER BY id DESC LIMIT ?", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				e           store.ActivityEntry
				at, latency int64
				kind        string
			)
			if err := rows.Scan(&e.ID, &e.AccountID, &at, &kind, &e.Method, &e.Path, &e.ResourceType, &e.ResourceID, &e.Name,
				&e.Status, &e.SCIMType, &e.Detail, &latency, &e.UserAgent, &e.TokenID, &e.Count, &e.ActorID, &e.Action); err != nil {
				return err
			}
			e.Time, e.Latency, e.Kind = fromNanos(at), time.Duration(latency), store.ActivityKind(kind)
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list activity: %w", err)
	}
	return out, nil
}

// PruneActivity implements store.ActivityLog.
func (s *Store) PruneActivity(ctx context.Context, accountID string, before time.Time, keep int) (int, error) {
	var n int64
	err := s.write(ctx, func(q q) error {
		if err := accountExists(ctx, q, accountID); err != nil {
			return err
		}
		res, err := q.exec(ctx, "DELETE FROM scimkit_activity WHERE account_id = ? AND at < ?", accountID, toNanos(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		if err != nil || keep <= 0 {
			return err
		}
		var cut int64
		err = q.row(ctx, "SELECT id FROM scimkit_activity WHERE account_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?", accountID, keep-1).Scan(&cut)
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		res, err = q.exec(ctx, "DELETE FROM scimkit_activity WHERE account_id = ? AND id < ?", accountID, cut)
		if err != nil {
			return err
		}
		m, err := res.RowsAffected()
		n += m
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: prune activity: %w", err)
	}
	return int(n), nil
}

// TouchTokens implements store.TokenUsage: one UPDATE per token, in one
// transaction, that only moves the last use forward.
func (s *Store) TouchTokens(ctx context.Context, uses []store.TokenUse) error {
	if len(uses) == 0 {
		return nil
	}
	err := s.write(ctx, func(q q) error {
		for _, u := range uses {
			at := toNanos(u.At)
			if _, err := q.exec(ctx, "UPDATE scimkit_tokens SET last_used = ? WHERE account_id = ? AND id = ? AND last_used < ?",
				at, cleanText(u.AccountID), cleanText(u.TokenID), at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlstore: touch tokens: %w", err)
	}
	return nil
}

// TokensLastUsed implements store.TokenUsage.
func (s *Store) TokensLastUsed(ctx context.Context, accountID string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	err := s.read(ctx, func(q q) error {
		if err := accountExists(ctx, q, accountID); err != nil {
			return err
		}
		rows, err := q.query(ctx, "SELECT id, last_used FROM scimkit_tokens WHERE account_id = ? AND last_used > 0", accountID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var at int64
			if err := rows.Scan(&id, &at); err != nil {
				return err
			}
			out[id] = fromNanos(at)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: tokens last used: %w", err)
	}
	return out, nil
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
