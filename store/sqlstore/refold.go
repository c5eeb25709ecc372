package sqlstore

import (
	"context"
	"fmt"

	"github.com/scimkit/scimkit/store"
)

// goSteps are the parts of migrations that SQL cannot express, run in the
// migration's transaction right after its SQL file, by version.
var goSteps = map[int64]func(ctx context.Context, q q) error{
	5: refold,
}

// foldColumn is one _fold column and the column it folds.
type foldColumn struct {
	table, key, col string
	// unique columns are under a unique index on (account_id, fold).
	unique bool
}

// foldColumns lists every _fold column of the schema.
func foldColumns() []foldColumn {
	cols := []foldColumn{
		{"scimkit_users", "seq", "user_name", true},
		{"scimkit_groups", "seq", "display_name", true},
		{"scimkit_user_emails", "user_seq, ord", "value", false},
		{"scimkit_user_emails", "user_seq, ord", "type", false},
	}
	for _, f := range userFields {
		if f.fold && f.col != "user_name" {
			cols = append(cols, foldColumn{"scimkit_users", "seq", f.col, false})
		}
	}
	return cols
}

// refold (migration 5) recomputes every _fold column with the store.Fold
// of this release, which normalises (NFKC, full case folding, invisible
// characters dropped) where earlier releases only lower-cased. Only
// non-ASCII values can change. A row whose new fold would collide under a
// unique index with another row of its account (two users whose names
// were distinct before and are one identity now) keeps its old fold, so
// the upgrade never fails and never merges records: both stay findable,
// the older one by every spelling, the newer one by its lower-cased form.
func refold(ctx context.Context, q q) error {
	for _, c := range foldColumns() {
		if err := refoldColumn(ctx, q, c); err != nil {
			return fmt.Errorf("refold %s.%s: %w", c.table, c.col, err)
		}
	}
	return nil
}

func refoldColumn(ctx context.Context, q q, c foldColumn) error {
	type change struct {
		keys    []any
		account string
		fold    string
	}
	nkeys := 1
	if c.key == "user_seq, ord" {
		nkeys = 2
	}
	rows, err := q.query(ctx, fmt.Sprintf("SELECT %s, account_id, %s, %s_fold FROM %s", c.key, c.col, c.col, c.table))
	if err != nil {
		return err
	}
	var changes []change
	for rows.Next() {
		keys := make([]int64, nkeys)
		dest := make([]any, 0, nkeys+3)
		for i := range keys {
			dest = append(dest, &keys[i])
		}
		var account, value, old string
		dest = append(dest, &account, &value, &old)
		if err := rows.Scan(dest...); err != nil {
			_ = rows.Close()
			return err
		}
		if f := store.Fold(value); f != old {
			ch := change{account: account, fold: f}
			for _, k := range keys {
				ch.keys = append(ch.keys, k)
			}
			changes = append(changes, ch)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	_ = rows.Close()

	where := "seq = ?"
	if nkeys == 2 {
		where = "user_seq = ? AND ord = ?"
	}
	for _, ch := range changes {
		if c.unique {
			var taken int
			err := q.row(ctx, fmt.Sprintf("SELECT count(*) FROM %s WHERE account_id = ? AND %s_fold = ?", c.table, c.col), ch.account, ch.fold).Scan(&taken)
			if err != nil {
				return err
			}
			if taken > 0 {
				continue // keep the old fold: see refold
			}
		}
		args := append([]any{ch.fold}, ch.keys...)
		if _, err := q.exec(ctx, fmt.Sprintf("UPDATE %s SET %s_fold = ? WHERE %s", c.table, c.col, where), args...); err != nil {
			return err
		}
	}
	return nil
}
