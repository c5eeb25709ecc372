package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/scimkit/scimkit/store"
)

// Paging. StartIndex is a position, so a page deep into a large directory
// is, done naively, an OFFSET that walks every earlier row, and its total a
// count over the directory. Two things keep the listings IdPs import (page
// after page, unfiltered for users, "managed eq true" for groups, which is
// what the SCIM layer asks for) at the cost of one page:
//
//   - The account row counts its users, groups and managed groups
//     (user_count, group_count, managed_group_count), so the total of
//     those listings is one row read, not a count.
//   - The account row also has a generation per table (users_gen,
//     groups_gen), bumped by every create and delete (and, for groups,
//     every change of Managed). After serving positions [i, i+n) the Store
//     remembers, for that generation, the seq of the last row served. A
//     request for position i+n at the same generation continues after that
//     seq (a keyset step, O(page)) instead of skipping i+n-1 rows. Since
//     nothing else moves a row in those listings, an unchanged generation
//     proves the remembered seq is still at that position, on any replica.
//     Creates and deletes serialise on the account row for this (PostgreSQL
//     row lock, held for the short transaction).
//
// Other requests (filtered, or out of sequence) skip with OFFSET over a
// subquery that selects only seq, which the (account_id, seq) index
// answers without reading the rows it skips (an index-only scan on
// PostgreSQL once the table is vacuumed, a covering index on SQLite); the
// total of a filtered listing is counted unless the page ends the matches
// (as it does for the IdPs' eq lookups), so a filter matching most of a
// large directory costs O(matches).

// cursorKey identifies a remembered position of an unfiltered listing.
type cursorKey struct {
	listing   string // table and counter column: "users/user_count", ...
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

// page is what ListUsers and ListGroups share: which table to read.
type page struct {
	table  string // "users" or "groups"
	alias  string // "u" or "g"
	gen    string // account column holding the table's generation
	schema schema
	// counted tells whether the account row counts the matches of f, and
	// in which column. Those listings have their total for free and may
	// continue from a cursor: their positions change only when the
	// generation does.
	counted func(f store.Filter) (column string, ok bool)
}

var (
	userPage = page{table: "users", alias: "u", gen: "users_gen", schema: userSchema,
		counted: func(f store.Filter) (string, bool) { return "user_count", f == nil }}
	groupPage = page{table: "groups", alias: "g", gen: "groups_gen", schema: groupSchema,
		counted: func(f store.Filter) (string, bool) {
			switch {
			case f == nil:
				return "group_count", true
			case isManagedTrue(f):
				// What the SCIM layer lists: the IdP sees managed groups only.
				return "managed_group_count", true
			}
			return "", false
		}}
)

// isManagedTrue reports whether f is exactly "managed eq true".
func isManagedTrue(f store.Filter) bool {
	if p, ok := f.(*store.Compare); ok && p != nil {
		f = *p
	}
	c, ok := f.(store.Compare)
	if !ok || c.Attr != store.AttrManaged || c.Op != store.OpEq {
		return false
	}
	v, ok := c.Value.(bool)
	return ok && v
}

// fetchFunc reads the rows whose seq the condition selects (over the
// page's alias, with args), in seq order, and returns how many it read and
// the seq of the last.
type fetchFunc func(cond string, args []any) (n int, lastSeq int64, err error)

// list runs one listing in q (a read transaction): it translates the
// filter, chooses how to reach the page, fetches it, and returns the total
// number of matches. The total of an unfiltered listing is the account's
// counter; a filtered one is counted only when the page cannot tell it (a
// page that is neither empty nor full ends the matches, which is the usual
// answer to the IdPs' "eq" lookups).
func (s *Store) list(ctx context.Context, q q, p page, accountID string, query store.Query, fetch fetchFunc) (int, error) {
	where, wargs, err := s.d.where(p.schema, accountID, query.Filter)
	if err != nil {
		return 0, err
	}
	start, count := max(query.StartIndex, 1), max(query.Count, 0)
	counter, isCounted := p.counted(query.Filter)
	if !isCounted {
		counter = "0"
	}
	var counted, gen int64
	err = q.row(ctx, "SELECT "+counter+", "+p.gen+" FROM scimkit_accounts WHERE id = ?", accountID).Scan(&counted, &gen)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("account %q: %w", accountID, store.ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	a := p.alias
	from := "FROM scimkit_" + p.table + " " + a + " WHERE " + a + ".account_id = ? AND (" + where + ")"
	fargs := append([]any{accountID}, wargs...)
	total := -1
	if isCounted {
		total = int(counted)
	}
	n := 0
	if count > 0 && (total < 0 || start <= total) {
		var (
			sub  = "SELECT " + a + ".seq " + from
			args []any
			key  cursorKey
		)
		listing := p.table + "/" + counter
		after, hit := s.cursor(cursorKey{listing, accountID, gen, start})
		switch {
		case !isCounted:
			sub += " ORDER BY " + a + ".seq LIMIT ? OFFSET ?"
			args = append(fargs, count, start-1)
		case start == 1 || !hit:
			sub += " ORDER BY " + a + ".seq LIMIT ? OFFSET ?"
			args = append(fargs, count, start-1)
			key = cursorKey{listing, accountID, gen, start + count}
		default:
			sub += " AND " + a + ".seq > ? ORDER BY " + a + ".seq LIMIT ?"
			args = append(fargs, after, count)
			key = cursorKey{listing, accountID, gen, start + count}
		}
		var last int64
		n, last, err = fetch(a+".seq IN ("+sub+")", args)
		if err != nil {
			return 0, err
		}
		// Remember the end of a full page: the next one continues there.
		if key != (cursorKey{}) && n == count {
			s.remember(key, last)
		}
	}
	if total < 0 {
		if n > 0 && n < count {
			total = start - 1 + n
		} else if err := q.row(ctx, "SELECT count(*) "+from, fargs...).Scan(&total); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// ListUsers implements store.Users.
func (s *Store) ListUsers(ctx context.Context, accountID string, query store.Query) (store.UserPage, error) {
	out := store.UserPage{Users: []store.User{}}
	err := s.read(ctx, func(q q) error {
		var err error
		out.Total, err = s.list(ctx, q, userPage, accountID, query, func(cond string, args []any) (int, int64, error) {
			us, last, err := usersWhereSeq(ctx, q, cond, args...)
			out.Users = us
			return len(us), last, err
		})
		return err
	})
	if err != nil {
		return store.UserPage{}, fmt.Errorf("sqlstore: list users: %w", err)
	}
	return out, nil
}

// ListGroups implements store.Groups.
func (s *Store) ListGroups(ctx context.Context, accountID string, query store.Query) (store.GroupPage, error) {
	out := store.GroupPage{Groups: []store.Group{}}
	err := s.read(ctx, func(q q) error {
		var err error
		out.Total, err = s.list(ctx, q, groupPage, accountID, query, func(cond string, args []any) (int, int64, error) {
			rows, err := q.query(ctx, "SELECT "+groupReadCols+" FROM scimkit_groups g WHERE "+cond+" ORDER BY g.seq", args...)
			if err != nil {
				return 0, 0, err
			}
			defer rows.Close()
			var last int64
			for rows.Next() {
				g, seq, err := scanGroup(rows)
				if err != nil {
					return 0, 0, err
				}
				out.Groups = append(out.Groups, g)
				last = seq
			}
			return len(out.Groups), last, rows.Err()
		})
		return err
	})
	if err != nil {
		return store.GroupPage{}, fmt.Errorf("sqlstore: list groups: %w", err)
	}
	return out, nil
}
