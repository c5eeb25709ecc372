package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/scimkit/scimkit/store"
)

// idChunk is how many ids one statement binds: well under PostgreSQL's
// 65,535 and SQLite's 32,766 parameters.
const idChunk = 500

// smallIDList is the longest id list idLists leaves as a cached
// statement on PostgreSQL: the one-member PATCH, Okta's most frequent
// group write, costs 16% more as an unnamed statement (planned on every
// call), and a generic plan compares each row with at most this many
// parameters.
const smallIDList = 32

// idLists returns, for a statement that matches col against ids, the
// condition of each statement to run and its arguments (prefix, then the
// ids). On PostgreSQL a list longer than smallIDList is one statement,
// "col = ANY(?)" with the ids as one array, run as an unnamed statement
// (pgx.QueryExecModeExec) so that the server plans it with the array's
// value: a cached generic plan of "col IN ($3, $4, ...)" compares every
// candidate row with every parameter in turn, which made replacing half of
// an 8,000-member group take 2.5 s, and on tables with stale statistics
// it turned lookups into scans. With the value in the plan the array is
// hashed or becomes an index condition. Otherwise (SQLite, short lists)
// it is "col IN (?, ...)" per idChunk ids.
func (d dialect) idLists(col string, prefix []any, ids []string) (conds []string, args [][]any) {
	if len(ids) == 0 {
		return nil, nil
	}
	if d == dialectPostgres && len(ids) > smallIDList {
		a := append(append([]any{pgx.QueryExecModeExec}, prefix...), ids)
		return []string{col + " = ANY(?)"}, [][]any{a}
	}
	for _, c := range chunk(ids, idChunk) {
		conds = append(conds, col+" IN ("+placeholders(len(c))+")")
		args = append(args, anys(prefix, c))
	}
	return conds, args
}

const groupReadCols = "g.seq, g.id, g.external_id, g.display_name, g.managed, g.privileged, g.linked, g.created, g.modified, g.version"

func scanGroup(row scanner) (store.Group, int64, error) {
	var (
		g                 store.Group
		seq               int64
		created, modified int64
	)
	if err := row.Scan(&seq, &g.ID, &g.ExternalID, &g.DisplayName, &g.Managed, &g.Privileged, &g.Linked,
		&created, &modified, &g.Version); err != nil {
		return store.Group{}, 0, err
	}
	g.Created, g.Modified = fromNanos(created), fromNanos(modified)
	return g, seq, nil
}

// groupsWhere returns the groups selected by cond (over the alias g), in
// creation order.
func groupsWhere(ctx context.Context, q q, cond string, args ...any) ([]store.Group, error) {
	rows, err := q.query(ctx, "SELECT "+groupReadCols+" FROM scimkit_groups g WHERE "+cond+" ORDER BY g.seq", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.Group{}
	for rows.Next() {
		g, _, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func (s *Store) oneGroup(ctx context.Context, what string, cond string, args ...any) (store.Group, error) {
	if err := ctx.Err(); err != nil {
		return store.Group{}, err
	}
	g, _, err := scanGroup(q{s.db, s.d}.row(ctx, "SELECT "+groupReadCols+" FROM scimkit_groups g WHERE "+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Group{}, fmt.Errorf("sqlstore: %s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return store.Group{}, fmt.Errorf("sqlstore: %s: %w", what, s.dbErr(ctx, err))
	}
	return g, nil
}

// GetGroup implements store.Groups.
func (s *Store) GetGroup(ctx context.Context, accountID, id string) (store.Group, error) {
	return s.oneGroup(ctx, fmt.Sprintf("group %q", id), "g.account_id = ? AND g.id = ?", accountID, id)
}

// GroupByDisplayName implements store.Groups.
func (s *Store) GroupByDisplayName(ctx context.Context, accountID, name string) (store.Group, error) {
	return s.oneGroup(ctx, fmt.Sprintf("group with displayName %q", name),
		"g.account_id = ? AND g.display_name_fold = ?", accountID, store.Fold(name))
}

// GroupByExternalID implements store.Groups.
func (s *Store) GroupByExternalID(ctx context.Context, accountID, externalID string) (store.Group, error) {
	if externalID == "" {
		if err := ctx.Err(); err != nil {
			return store.Group{}, err
		}
		return store.Group{}, fmt.Errorf("sqlstore: group with empty externalId: %w", store.ErrNotFound)
	}
	return s.oneGroup(ctx, fmt.Sprintf("group with externalId %q", externalID),
		"g.account_id = ? AND g.external_id = ?", accountID, externalID)
}

// checkMembers fails with a *store.MemberError listing the ids (in the
// given order) that are not users of the account.
func checkMembers(ctx context.Context, q q, accountID string, ids []string) error {
	found := make(map[string]bool, len(ids))
	conds, args := q.d.idLists("id", []any{accountID}, ids)
	for i, cond := range conds {
		got, err := queryStrings(ctx, q, "SELECT id FROM scimkit_users WHERE account_id = ? AND "+cond, args[i]...)
		if err != nil {
			return err
		}
		for _, id := range got {
			found[id] = true
		}
	}
	var missing []string
	for _, id := range ids {
		if !found[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return &store.MemberError{IDs: missing}
	}
	return nil
}

// addMembers inserts the memberships, in order, skipping those that exist,
// and returns the ids it inserted, in the order given.
func addMembers(ctx context.Context, q q, accountID, groupID string, ids []string) ([]string, error) {
	inserted := make(map[string]bool, len(ids))
	for _, c := range chunk(ids, idChunk/3) {
		var (
			values string
			args   []any
		)
		for i, id := range c {
			if i > 0 {
				values += ", "
			}
			values += "(?, ?, ?)"
			args = append(args, accountID, groupID, id)
		}
		got, err := queryStrings(ctx, q, "INSERT INTO scimkit_group_members (account_id, group_id, user_id) VALUES "+values+
			" ON CONFLICT (account_id, group_id, user_id) DO NOTHING RETURNING user_id", args...)
		if err != nil {
			return nil, err
		}
		for _, id := range got {
			inserted[id] = true
		}
	}
	return inOrder(ids, inserted), nil
}

// removeMembers deletes the memberships and returns the ids it deleted, in
// the order given.
func removeMembers(ctx context.Context, q q, accountID, groupID string, ids []string) ([]string, error) {
	deleted := make(map[string]bool, len(ids))
	conds, args := q.d.idLists("user_id", []any{accountID, groupID}, ids)
	for i, cond := range conds {
		got, err := queryStrings(ctx, q, "DELETE FROM scimkit_group_members WHERE account_id = ? AND group_id = ? AND "+cond+
			" RETURNING user_id", args[i]...)
		if err != nil {
			return nil, err
		}
		for _, id := range got {
			deleted[id] = true
		}
	}
	return inOrder(ids, deleted), nil
}

// inOrder returns the ids (each once) that are in set, in the order of ids
// (RETURNING promises no order).
func inOrder(ids []string, set map[string]bool) []string {
	var out []string
	for _, id := range ids {
		if set[id] {
			out = append(out, id)
			delete(set, id)
		}
	}
	return out
}

// memberErr turns a foreign key violation on a membership insert (a user
// deleted concurrently, after checkMembers) into ErrUnknownMember.
func (s *Store) memberErr(err error, ids []string) error {
	if kind, _ := s.d.classify(err); kind == errForeignKey {
		return &store.MemberError{IDs: ids}
	}
	return err
}

func groupConflicts(g *store.Group) map[string]string {
	return map[string]string{store.AttrDisplayName: g.DisplayName, store.AttrExternalID: g.ExternalID}
}

// CreateGroup implements store.Groups.
func (s *Store) CreateGroup(ctx context.Context, accountID string, g store.Group, members []string) (store.Group, error) {
	if err := ctx.Err(); err != nil {
		return store.Group{}, err
	}
	if err := store.CheckGroup(&g); err != nil {
		return store.Group{}, fmt.Errorf("sqlstore: create group: %w", err)
	}
	members = dedupe(members)
	g.ID = s.newID()
	now := s.stamp()
	g.Created, g.Modified, g.Version = now, now, 1
	err := s.writeFeed(ctx, accountID, func(q q) ([]store.Event, error) {
		if err := bumpCounter(ctx, q, accountID, "group_count", 1, "groups_gen"); err != nil {
			return nil, err
		}
		if err := countManaged(ctx, q, accountID, g.Managed, 1); err != nil {
			return nil, err
		}
		if _, err := q.exec(ctx, `INSERT INTO scimkit_groups
			(account_id, id, external_id, display_name, display_name_fold, managed, privileged, linked, created, modified, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			accountID, g.ID, g.ExternalID, g.DisplayName, store.Fold(g.DisplayName), g.Managed, g.Privileged, g.Linked,
			toNanos(now), toNanos(now)); err != nil {
			return nil, s.d.conflict(err, groupConflicts(&g))
		}
		if err := checkMembers(ctx, q, accountID, members); err != nil {
			return nil, err
		}
		added, err := addMembers(ctx, q, accountID, g.ID, members)
		if err != nil {
			return nil, s.memberErr(err, members)
		}
		return store.GroupEvents(nil, &g, added, nil), nil
	})
	if err != nil {
		return store.Group{}, fmt.Errorf("sqlstore: create group: %w", err)
	}
	return g, nil
}

// UpdateGroup implements store.Groups. The group row is locked (SELECT ...
// FOR UPDATE on PostgreSQL; the write lock on SQLite) while the version is
// checked and the changes applied, so concurrent updates serialise and a
// stale one fails. Membership deltas touch only the rows they name: adding
// one member to a group of 100,000 inserts one row.
func (s *Store) UpdateGroup(ctx context.Context, accountID, id string, upd store.GroupUpdate) (store.Group, store.MemberDelta, error) {
	if err := ctx.Err(); err != nil {
		return store.Group{}, store.MemberDelta{}, err
	}
	if err := store.CheckGroupUpdate(&upd); err != nil {
		return store.Group{}, store.MemberDelta{}, fmt.Errorf("sqlstore: update group %q: %w", id, err)
	}
	now := s.stamp()
	var (
		out   store.Group
		delta store.MemberDelta
	)
	err := s.writeFeed(ctx, accountID, func(q q) ([]store.Event, error) {
		if upd.Managed != nil {
			// The change may move the group in or out of the managed
			// listing: recount and bump the generation that guards that
			// listing's cursors (the account row is already held).
			if err := bumpCounter(ctx, q, accountID, "group_count", 0, "groups_gen"); err != nil {
				return nil, err
			}
		}
		g, seq, err := scanGroup(q.row(ctx, "SELECT "+groupReadCols+" FROM scimkit_groups g WHERE g.account_id = ? AND g.id = ?"+
			s.d.forUpdate(), accountID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if upd.Version != 0 && upd.Version != g.Version {
			return nil, store.ErrVersionMismatch
		}
		before := g
		if upd.DisplayName != nil {
			g.DisplayName = *upd.DisplayName
		}
		if upd.ExternalID != nil {
			g.ExternalID = *upd.ExternalID
		}
		if upd.Managed != nil && *upd.Managed != g.Managed {
			g.Managed = *upd.Managed
			delta := -1
			if g.Managed {
				delta = 1
			}
			if err := countManaged(ctx, q, accountID, true, delta); err != nil {
				return nil, err
			}
		}
		if upd.Privileged != nil {
			g.Privileged = *upd.Privileged
		}
		if upd.Linked != nil {
			g.Linked = *upd.Linked
		}
		g.Modified = now
		g.Version++
		if _, err := q.exec(ctx, `UPDATE scimkit_groups SET external_id = ?, display_name = ?, display_name_fold = ?,
			managed = ?, privileged = ?, linked = ?, modified = ?, version = ? WHERE seq = ?`,
			g.ExternalID, g.DisplayName, store.Fold(g.DisplayName), g.Managed, g.Privileged, g.Linked,
			toNanos(now), g.Version, seq); err != nil {
			return nil, s.d.conflict(err, groupConflicts(&g))
		}
		add, remove := dedupe(upd.AddMembers), dedupe(upd.RemoveMembers)
		if upd.ReplaceMembers {
			want := dedupe(upd.Members)
			current, err := queryStrings(ctx, q, "SELECT user_id FROM scimkit_group_members WHERE account_id = ? AND group_id = ? ORDER BY seq",
				accountID, id)
			if err != nil {
				return nil, err
			}
			if err := checkMembers(ctx, q, accountID, want); err != nil {
				return nil, err
			}
			keep := make(map[string]bool, len(want))
			for _, m := range want {
				keep[m] = true
			}
			have := make(map[string]bool, len(current))
			for _, m := range current {
				have[m] = true
			}
			remove = slices.DeleteFunc(current, func(m string) bool { return keep[m] })
			add = slices.DeleteFunc(want, func(m string) bool { return have[m] })
		} else if err := checkMembers(ctx, q, accountID, add); err != nil {
			return nil, err
		}
		removed, err := removeMembers(ctx, q, accountID, id, remove)
		if err != nil {
			return nil, err
		}
		added, err := addMembers(ctx, q, accountID, id, add)
		if err != nil {
			return nil, s.memberErr(err, add)
		}
		out, delta = g, store.MemberDelta{Added: added, Removed: removed}
		return store.GroupEvents(&before, &g, added, removed), nil
	})
	if err != nil {
		return store.Group{}, store.MemberDelta{}, fmt.Errorf("sqlstore: update group %q: %w", id, err)
	}
	return out, delta, nil
}

// countManaged adds delta to the account's count of managed groups when
// managed is true. The caller holds the account row (bumpCounter).
func countManaged(ctx context.Context, q q, accountID string, managed bool, delta int) error {
	if !managed {
		return nil
	}
	_, err := q.exec(ctx, "UPDATE scimkit_accounts SET managed_group_count = managed_group_count + ? WHERE id = ?", delta, accountID)
	return err
}

// DeleteGroup implements store.Groups.
func (s *Store) DeleteGroup(ctx context.Context, accountID, id string) error {
	err := s.writeFeed(ctx, accountID, func(q q) ([]store.Event, error) {
		if err := bumpCounter(ctx, q, accountID, "group_count", -1, "groups_gen"); err != nil {
			return nil, err
		}
		g, _, err := scanGroup(q.row(ctx, "DELETE FROM scimkit_groups WHERE account_id = ? AND id = ? RETURNING "+strings.ReplaceAll(groupReadCols, "g.", ""), accountID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("group %q: %w", id, store.ErrNotFound)
		}
		if err != nil {
			return nil, err
		}
		if err := countManaged(ctx, q, accountID, g.Managed, -1); err != nil {
			return nil, err
		}
		return store.GroupEvents(&g, nil, nil, nil), nil
	})
	if err != nil {
		return fmt.Errorf("sqlstore: delete group: %w", err)
	}
	return nil
}

// Members implements store.Groups. One statement reads the group and its
// members, so the answer is one consistent snapshot.
func (s *Store) Members(ctx context.Context, accountID, groupID string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ids, err := memberIDs(ctx, q{s.db, s.d}, accountID, groupID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		err = fmt.Errorf("sqlstore: members: %w", s.dbErr(ctx, err))
	}
	return ids, err
}

// memberIDs returns the ids of the group's members in the order added;
// store.ErrNotFound if there is no such group.
func memberIDs(ctx context.Context, q q, accountID, groupID string) ([]string, error) {
	rows, err := q.query(ctx, `SELECT m.user_id FROM scimkit_groups g
		LEFT JOIN scimkit_group_members m ON m.account_id = g.account_id AND m.group_id = g.id
		WHERE g.account_id = ? AND g.id = ? ORDER BY m.seq`, accountID, groupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out, found := []string{}, false
	for rows.Next() {
		found = true
		var id sql.NullString
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if id.Valid {
			out = append(out, id.String)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("sqlstore: group %q: %w", groupID, store.ErrNotFound)
	}
	return out, nil
}

// NamedMembers implements store.NamedMembers: Members, then the members'
// names by id (idLists), in one read transaction. Not a join: right after
// a group was filled, before autovacuum's ANALYZE, PostgreSQL planned the
// join as a scan of the account's users per member (200 to 360 ms for
// 1,000 members, quadratic beyond).
func (s *Store) NamedMembers(ctx context.Context, accountID, groupID string) ([]store.Member, error) {
	var out []store.Member
	err := s.read(ctx, func(q q) error {
		ids, err := memberIDs(ctx, q, accountID, groupID)
		if err != nil {
			return err
		}
		names := make(map[string]string, len(ids))
		read := func(query string, args ...any) error {
			rows, err := q.query(ctx, query, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id, display, userName string
				if err := rows.Scan(&id, &display, &userName); err != nil {
					return err
				}
				names[id] = cmp.Or(display, userName)
			}
			return rows.Err()
		}
		conds, args := q.d.idLists("id", []any{accountID}, ids)
		for i, cond := range conds {
			if err := read("SELECT id, display_name, user_name FROM scimkit_users WHERE account_id = ? AND "+cond, args[i]...); err != nil {
				return err
			}
		}
		out = make([]store.Member, len(ids))
		for i, id := range ids {
			out[i] = store.Member{ID: id, Display: names[id]}
		}
		return nil
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("sqlstore: members: %w", err)
	}
	return out, err
}
