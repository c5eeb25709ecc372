package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/scimkit/scimkit/store"
)

// Paging. StartIndex is a position, so a page deep into a large directory
// is, done naively, an OFFSET that walks every earlier row. Two things keep
// the common case, an IdP importing the whole directory page after page
// without a filter, at the cost of one page:
//
//   - The account row counts its users and groups (user_count,
//     group_count), so the total of an unfiltered listing is one row read,
//     not a count over the directory.
//   - The account row also has a generation (users_gen, groups_gen) that
//     every create and delete bumps. After serving positions [i, i+n) the
//     Store remembers, for that generation, the seq of the last row served.
//     A request for position i+n at the same generation continues after
//     that seq (a keyset step, O(page)) instead of skipping i+n-1 rows.
//     Since only creates and deletes change positions in an unfiltered
//     listing, an unchanged generation proves the remembered seq is still
//     at that position, on any replica.
//
// Other requests (filtered, or out of sequence) skip with OFFSET over a
// subquery that selects only seq, which the (account_id, seq) index
// answers without reading the rows it skips (an index-only scan on
// PostgreSQL once the table is vacuumed, a covering index on SQLite).

// cursorKey identifies a remembered position of an unfiltered listing.
type cursorKey struct {
	table     string // "users" or "groups"
	accountID string
	gen       int64
	start     int // the 1-based position that follows the remembered row
}

// cursorVal is the seq of the row just before position cursorKey.start.
type cursorVal struct{ seq int64 }

// maxCursors bounds the memory the cursors use; when full the map is
// cleared (entries of old generations are useless anyway).
const maxCursors = 4096

func (s *Store) cursor(k cursorKey) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.cursors[k]
	return v.seq, ok
}

func (s *Store) remember(k cursorKey, seq int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.cursors) >= maxCursors {
		clear(s.cursors)
	}
	s.cursors[k] = cursorVal{seq}
}

// page is what ListUsers and ListGroups share: which rows to read.
type page struct {
	table   string // "users" or "groups"
	alias   string // "u" or "g"
	counter string // account column counting the table's rows
	gen     string // account column holding the table's generation
	schema  schema
}

var (
	userPage  = page{table: "users", alias: "u", counter: "user_count", gen: "users_gen", schema: userSchema}
	groupPage = page{table: "groups", alias: "g", counter: "group_count", gen: "groups_gen", schema: groupSchema}
)

// selection returns the total number of matches and a condition (over the
// page's alias) selecting the seqs of the requested page; ok is false when
// the page is empty. key, when not zero, is where to remember the end of
// the page.
func (s *Store) selection(ctx context.Context, q q, p page, accountID string, query store.Query) (
	total int, cond string, args []any, key cursorKey, ok bool, err error) {
	where, wargs, err := s.d.where(p.schema, query.Filter)
	if err != nil {
		return 0, "", nil, cursorKey{}, false, err
	}
	start, count := max(query.StartIndex, 1), max(query.Count, 0)

	var (
		counted, gen int64
	)
	err = q.row(ctx, "SELECT "+p.counter+", "+p.gen+" FROM scimkit_accounts WHERE id = ?", accountID).Scan(&counted, &gen)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil, cursorKey{}, false, fmt.Errorf("account %q: %w", accountID, store.ErrNotFound)
	}
	if err != nil {
		return 0, "", nil, cursorKey{}, false, err
	}
	a := p.alias
	from := "FROM scimkit_" + p.table + " " + a + " WHERE " + a + ".account_id = ? AND (" + where + ")"
	fargs := append([]any{accountID}, wargs...)
	if query.Filter == nil {
		total = int(counted)
	} else if err := q.row(ctx, "SELECT count(*) "+from, fargs...).Scan(&total); err != nil {
		return 0, "", nil, cursorKey{}, false, err
	}
	if count == 0 || start > total {
		return total, "", nil, cursorKey{}, false, nil
	}
	sub := "SELECT " + a + ".seq " + from
	switch after, hit := s.cursor(cursorKey{p.table, accountID, gen, start}); {
	case query.Filter != nil:
		sub += " ORDER BY " + a + ".seq LIMIT ? OFFSET ?"
		args = append(fargs, count, start-1)
	case start == 1 || !hit:
		sub += " ORDER BY " + a + ".seq LIMIT ? OFFSET ?"
		args = append(fargs, count, start-1)
		key = cursorKey{p.table, accountID, gen, start + count}
	default:
		sub += " AND " + a + ".seq > ? ORDER BY " + a + ".seq LIMIT ?"
		args = append(fargs, after, count)
		key = cursorKey{p.table, accountID, gen, start + count}
	}
	return total, a + ".seq IN (" + sub + ")", args, key, true, nil
}

// ListUsers implements store.Users.
func (s *Store) ListUsers(ctx context.Context, accountID string, query store.Query) (store.UserPage, error) {
	out := store.UserPage{Users: []store.User{}}
	var (
		key     cursorKey
		lastSeq int64
	)
	err := s.read(ctx, func(q q) error {
		total, cond, args, k, ok, err := s.selection(ctx, q, userPage, accountID, query)
		out.Total, key = total, k
		if err != nil || !ok {
			return err
		}
		out.Users, lastSeq, err = usersWhereSeq(ctx, q, cond, args...)
		return err
	})
	if err != nil {
		return store.UserPage{}, fmt.Errorf("sqlstore: list users: %w", err)
	}
	// Remember the end of the page only when it is full: a short page is
	// the last one.
	if key != (cursorKey{}) && key.start-max(query.StartIndex, 1) == len(out.Users) {
		s.remember(key, lastSeq)
	}
	return out, nil
}

// ListGroups implements store.Groups.
func (s *Store) ListGroups(ctx context.Context, accountID string, query store.Query) (store.GroupPage, error) {
	out := store.GroupPage{Groups: []store.Group{}}
	var (
		key     cursorKey
		lastSeq int64
	)
	err := s.read(ctx, func(q q) error {
		total, cond, args, k, ok, err := s.selection(ctx, q, groupPage, accountID, query)
		out.Total, key = total, k
		if err != nil || !ok {
			return err
		}
		rows, err := q.query(ctx, "SELECT "+groupReadCols+" FROM scimkit_groups g WHERE "+cond+" ORDER BY g.seq", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			g, seq, err := scanGroup(rows)
			if err != nil {
				return err
			}
			out.Groups = append(out.Groups, g)
			lastSeq = seq
		}
		return rows.Err()
	})
	if err != nil {
		return store.GroupPage{}, fmt.Errorf("sqlstore: list groups: %w", err)
	}
	if key != (cursorKey{}) && key.start-max(query.StartIndex, 1) == len(out.Groups) {
		s.remember(key, lastSeq)
	}
	return out, nil
}
