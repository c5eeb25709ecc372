package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scimkit/scimkit/store"
)

// writeFeed runs fn in a write transaction of the account and appends the
// events fn returns before the commit. The account row is locked first
// (SELECT ... FOR UPDATE on PostgreSQL; SQLite's write transactions are
// serial anyway): every write of an account thus takes its locks in the
// same order (account, then records), and the events are numbered while
// the lock is held, so their sequence follows commit order without a gap.
// A missing account is ErrNotFound; fn's error rolls everything back.
func (s *Store) writeFeed(ctx context.Context, accountID string, fn func(q q) ([]store.Event, error)) error {
	return s.write(ctx, func(q q) error {
		var last int64
		err := q.row(ctx, "SELECT event_seq FROM scimkit_accounts WHERE id = ?"+s.d.forUpdate(), accountID).Scan(&last)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("account %q: %w", accountID, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		evs, err := fn(q)
		if err != nil {
			return err
		}
		return s.appendEvents(ctx, q, accountID, last, evs)
	})
}

// eventCols are the columns of scimkit_events, in the order appendEvents
// writes and scanEvent reads them.
const eventCols = "account_id, seq, id, type, at, resource_type, resource_id, actor_kind, actor_id, data"

// eventChunk is how many events one INSERT writes (10 parameters each).
const eventChunk = 100

// appendEvents stamps evs after the account's last sequence number last
// and stores them with the new last number. The caller holds the account
// row.
func (s *Store) appendEvents(ctx context.Context, q q, accountID string, last int64, evs []store.Event) error {
	if len(evs) == 0 {
		return nil
	}
	newLast := store.StampEvents(ctx, evs, accountID, last, s.stamp(), randomUUID)
	if _, err := q.exec(ctx, "UPDATE scimkit_accounts SET event_seq = ? WHERE id = ?", newLast, accountID); err != nil {
		return err
	}
	row := "(" + placeholders(10) + ")"
	for start := 0; start < len(evs); start += eventChunk {
		part := evs[start:min(start+eventChunk, len(evs))]
		args := make([]any, 0, 10*len(part))
		rows := make([]string, len(part))
		for i, e := range part {
			data, err := json.Marshal(e.Data)
			if err != nil {
				return fmt.Errorf("event data: %v: %w", err, store.ErrInvalid)
			}
			rows[i] = row
			args = append(args, e.AccountID, e.Seq, e.ID, string(e.Type), toNanos(e.Time), string(e.Resource), e.ResourceID,
				string(e.Actor.Kind), e.Actor.ID, string(data))
		}
		if _, err := q.exec(ctx, "INSERT INTO scimkit_events ("+eventCols+") VALUES "+strings.Join(rows, ", "), args...); err != nil {
			return err
		}
	}
	return nil
}

func scanEvent(row scanner) (store.Event, error) {
	var (
		e                    store.Event
		typ, res, kind, data string
		at                   int64
	)
	if err := row.Scan(&e.AccountID, &e.Seq, &e.ID, &typ, &at, &res, &e.ResourceID, &kind, &e.Actor.ID, &data); err != nil {
		return store.Event{}, err
	}
	e.Type, e.Resource, e.Actor.Kind, e.Time = store.EventType(typ), store.ResourceType(res), store.ActorKind(kind), fromNanos(at)
	if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
		return store.Event{}, fmt.Errorf("data of event %d of account %q: %w", e.Seq, e.AccountID, err)
	}
	return e, nil
}

// Events implements store.Feed.
func (s *Store) Events(ctx context.Context, accountID string, after int64, limit int) ([]store.Event, error) {
	out := []store.Event{}
	err := s.read(ctx, func(q q) error {
		if err := accountExists(ctx, q, accountID); err != nil {
			return err
		}
		if limit <= 0 {
			return nil
		}
		rows, err := q.query(ctx, "SELECT "+eventCols+" FROM scimkit_events WHERE account_id = ? AND seq > ? ORDER BY seq LIMIT ?",
			accountID, after, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEvent(rows)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: events: %w", err)
	}
	return out, nil
}

// PruneEvents implements store.Feed.
func (s *Store) PruneEvents(ctx context.Context, accountID string, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(q q) error {
		if err := accountExists(ctx, q, accountID); err != nil {
			return err
		}
		res, err := q.exec(ctx, "DELETE FROM scimkit_events WHERE account_id = ? AND at < ?", accountID, toNanos(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: prune events: %w", err)
	}
	return int(n), nil
}

// Cursor implements store.Feed.
func (s *Store) Cursor(ctx context.Context, consumer, accountID string) (int64, error) {
	var seq int64
	err := s.read(ctx, func(q q) error {
		if err := accountExists(ctx, q, accountID); err != nil {
			return err
		}
		err := q.row(ctx, "SELECT last_seq FROM scimkit_feed_consumers WHERE consumer = ? AND account_id = ?", consumer, accountID).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: cursor: %w", err)
	}
	return seq, nil
}

// SetCursor implements store.Feed.
func (s *Store) SetCursor(ctx context.Context, consumer, accountID string, seq int64) error {
	if seq < 0 {
		return fmt.Errorf("sqlstore: set cursor: %d is negative: %w", seq, store.ErrInvalid)
	}
	err := s.write(ctx, func(q q) error {
		if err := accountExists(ctx, q, accountID); err != nil {
			return err
		}
		_, err := q.exec(ctx, `INSERT INTO scimkit_feed_consumers (consumer, account_id, last_seq) VALUES (?, ?, ?)
			ON CONFLICT (consumer, account_id) DO UPDATE SET last_seq = excluded.last_seq`, consumer, accountID, seq)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlstore: set cursor: %w", err)
	}
	return nil
}

// Lease implements store.Feed. Taking the lease is one conditional upsert,
// so of concurrent callers (in any number of replicas) one wins.
func (s *Store) Lease(ctx context.Context, consumer, accountID, holder string, now time.Time, ttl time.Duration) (bool, error) {
	if holder == "" {
		return false, fmt.Errorf("sqlstore: lease: empty holder: %w", store.ErrInvalid)
	}
	var got bool
	err := s.write(ctx, func(q q) error {
		if err := accountExists(ctx, q, accountID); err != nil {
			return err
		}
		if ttl <= 0 {
			_, err := q.exec(ctx, `UPDATE scimkit_feed_consumers SET holder = '', lease_until = 0
				WHERE consumer = ? AND account_id = ? AND holder = ?`, consumer, accountID, holder)
			got = false
			return err
		}
		res, err := q.exec(ctx, `INSERT INTO scimkit_feed_consumers (consumer, account_id, holder, lease_until) VALUES (?, ?, ?, ?)
			ON CONFLICT (consumer, account_id) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
			WHERE scimkit_feed_consumers.holder = excluded.holder OR scimkit_feed_consumers.holder = ''
				OR scimkit_feed_consumers.lease_until <= ?`,
			consumer, accountID, holder, toNanos(now.Add(ttl)), toNanos(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		got = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlstore: lease: %w", err)
	}
	return got, nil
}
