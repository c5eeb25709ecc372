package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/scimkit/scimkit/store"
)

// Test-only helpers: bulk loading for the benchmarks, which would
// otherwise spend minutes creating 100,000 users one transaction at a time.

// WithMaxMigration stops Open's migrations after version v, leaving the
// schema as an older release left it.
func WithMaxMigration(v int64) Option { return func(s *Store) { s.maxMigration = v } }

// Exec runs raw SQL ('?' placeholders) on the store's database.
func Exec(ctx context.Context, s *Store, query string, args ...any) error {
	_, err := q{s.db, s.d}.exec(ctx, query, args...)
	return err
}

// BulkCreateUsers inserts n active users named user<i>@bench.example (each
// with that address as its one work email) into the account in one
// transaction, keeps the account's counters right, and returns their ids in
// creation order.
func BulkCreateUsers(ctx context.Context, s *Store, accountID string, n int) ([]string, error) {
	ids := make([]string, n)
	now := s.stamp()
	const rows = 100
	err := s.write(ctx, func(q q) error {
		cols := "account_id, id, " + strings.Join(userWriteCols, ", ") + ", created, modified, version"
		for start := 0; start < n; start += rows {
			end := min(start+rows, n)
			var (
				values []string
				args   []any
			)
			for i := start; i < end; i++ {
				ids[i] = s.newID()
				u := store.User{UserName: fmt.Sprintf("user%d@bench.example", i), State: store.StateActive,
					DisplayName: fmt.Sprintf("User %d", i)}
				uargs, err := userWriteArgs(&u)
				if err != nil {
					return err
				}
				values = append(values, "(?, ?, "+placeholders(len(uargs))+", ?, ?, 1)")
				args = append(append(append(args, accountID, ids[i]), uargs...), toNanos(now), toNanos(now))
			}
			if _, err := q.exec(ctx, "INSERT INTO scimkit_users ("+cols+") VALUES "+strings.Join(values, ", "), args...); err != nil {
				return err
			}
		}
		if _, err := q.exec(ctx, `INSERT INTO scimkit_user_emails (user_seq, ord, account_id, value, value_fold, type, type_fold, is_primary)
			SELECT seq, 0, account_id, user_name, user_name_fold, 'work', 'work', TRUE FROM scimkit_users u
			WHERE account_id = ? AND NOT EXISTS (SELECT 1 FROM scimkit_user_emails e WHERE e.user_seq = u.seq)`, accountID); err != nil {
			return err
		}
		if _, err := q.exec(ctx, `INSERT INTO scimkit_user_email_keys (account_id, value_fold, user_seq)
			SELECT account_id, value_fold, user_seq FROM scimkit_user_emails e
			WHERE account_id = ? AND NOT EXISTS (SELECT 1 FROM scimkit_user_email_keys k WHERE k.user_seq = e.user_seq)`, accountID); err != nil {
			return err
		}
		return bumpCounter(ctx, q, accountID, "user_count", n, "users_gen")
	})
	return ids, err
}

// BulkAddMembers adds the users to the group in one transaction, without
// bumping the group's version.
func BulkAddMembers(ctx context.Context, s *Store, accountID, groupID string, ids []string) error {
	return s.write(ctx, func(q q) error { _, err := addMembers(ctx, q, accountID, groupID, ids); return err })
}

// Analyze brings the planner statistics up to date (and, on PostgreSQL,
// the visibility map that index-only scans need), as autovacuum would on a
// live database.
func Analyze(ctx context.Context, s *Store) error {
	if s.d == dialectPostgres {
		_, err := s.db.ExecContext(ctx, "VACUUM ANALYZE")
		return err
	}
	_, err := s.db.ExecContext(ctx, "ANALYZE")
	return err
}
