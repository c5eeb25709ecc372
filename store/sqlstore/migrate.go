package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// migrationLockKey is the PostgreSQL advisory lock that serialises
// migrations between processes: the first 8 bytes of "scimkit!" as an
// int64.
const migrationLockKey = 0x7363696d6b697421

// migration is one versioned schema change.
type migration struct {
	version int64
	name    string
	sql     string
}

// migrations returns the dialect's migrations in version order. Their files
// are migrations/<dialect>/NNNN_name.sql.
func (d dialect) migrations() ([]migration, error) {
	dir := path.Join("migrations", d.String())
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("sqlstore: bad migration file name %q", e.Name())
		}
		b, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return int(a.version - b.version) })
	return out, nil
}

// migrate applies the migrations the database lacks, all in one
// transaction, recording each in scimkit_schema_migrations. Concurrent
// callers (replicas starting together) are serialised: on PostgreSQL by a
// transaction-scoped advisory lock taken before anything is read, on SQLite
// by the write lock that BEGIN IMMEDIATE takes. The loser of the race finds
// the migrations applied and does nothing. Versions the binary does not
// know (applied by a newer release) are left alone.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := s.d.migrations()
	if err != nil {
		return err
	}
	err = s.write(ctx, func(q q) error {
		if s.d == dialectPostgres {
			if _, err := q.exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(migrationLockKey)); err != nil {
				return err
			}
		}
		if _, err := q.exec(ctx, `CREATE TABLE IF NOT EXISTS scimkit_schema_migrations (
			version bigint PRIMARY KEY,
			name    text NOT NULL,
			applied bigint NOT NULL)`); err != nil {
			return err
		}
		rows, err := q.query(ctx, "SELECT version FROM scimkit_schema_migrations")
		if err != nil {
			return err
		}
		applied := map[int64]bool{}
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				_ = rows.Close()
				return err
			}
			applied[v] = true
		}
		if err := rows.Err(); err != nil {
			return err
		}
		_ = rows.Close()
		for _, m := range ms {
			if applied[m.version] || (s.maxMigration != 0 && m.version > s.maxMigration) {
				continue
			}
			if _, err := q.x.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if step := goSteps[m.version]; step != nil {
				if err := step(ctx, q); err != nil {
					return fmt.Errorf("migration %s: %w", m.name, err)
				}
			}
			if _, err := q.exec(ctx, "INSERT INTO scimkit_schema_migrations (version, name, applied) VALUES (?, ?, ?)",
				m.version, m.name, toNanos(s.now())); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlstore: migrate %s schema: %w", s.d, err)
	}
	return nil
}
