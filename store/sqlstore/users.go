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

// userField is a string field of store.User stored in its own column, with
// a second column holding its folded form when filters compare it
// case-insensitively.
type userField struct {
	col  string
	fold bool
	get  func(u *store.User) *string
}

// userFields lists the string columns of scimkit_users, one per host field
// of store.UserAttributes, in the table's order: the column is the field
// name in snake case ("givenName" is given_name).
var userFields = func() []userField {
	var fs []userField
	for a := range store.UserAttributes() {
		if a.Kind == store.KindString && a.Field != "" {
			fs = append(fs, userField{snakeCase(a.Field), a.Filterable && !a.CaseExact, a.String})
		}
	}
	return fs
}()

// snakeCase spells a camelCase field name in snake case.
func snakeCase(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// userWriteCols are the columns CreateUser and UpdateUser write, besides
// account_id, id, created, modified and version; userWriteArgs gives their
// values.
var userWriteCols = func() []string {
	var cols []string
	for _, f := range userFields {
		cols = append(cols, f.col)
		if f.fold {
			cols = append(cols, f.col+"_fold")
		}
	}
	return append(cols, "extra", "state", "linked", "invited_at", "reminded_at", "accepted_at")
}()

func userWriteArgs(u *store.User) ([]any, error) {
	var args []any
	for _, f := range userFields {
		v := *f.get(u)
		args = append(args, v)
		if f.fold {
			args = append(args, store.Fold(v))
		}
	}
	extra := ""
	if u.Extra != nil {
		b, err := json.Marshal(u.Extra)
		if err != nil {
			return nil, fmt.Errorf("extra attributes: %v: %w", err, store.ErrInvalid)
		}
		extra = string(b)
	}
	return append(args, extra, string(u.State), u.Linked,
		nullNanos(u.InvitedAt), nullNanos(u.RemindedAt), nullNanos(u.AcceptedAt)), nil
}

// userReadCols are the columns scanUser reads, qualified with the alias u.
var userReadCols = func() string {
	cols := []string{"u.seq", "u.id"}
	for _, f := range userFields {
		cols = append(cols, "u."+f.col)
	}
	cols = append(cols, "u.extra", "u.state", "u.linked", "u.invited_at", "u.reminded_at", "u.accepted_at",
		"u.created", "u.modified", "u.version")
	return strings.Join(cols, ", ")
}()

// emailReadCols are the email columns read after userReadCols, from a LEFT
// JOIN on the alias e (so they may be NULL).
const emailReadCols = "e.ord, e.value, e.type, e.is_primary"

// scanUsers reads rows of userReadCols followed by emailReadCols, ordered by
// user and then email, and assembles the users. It also returns the seq of
// the last user.
func scanUsers(rows *sql.Rows) ([]store.User, int64, error) {
	defer rows.Close()
	out := []store.User{}
	lastSeq := int64(-1)
	for rows.Next() {
		var (
			u                           store.User
			seq                         int64
			extra, state                string
			invited, reminded, accepted sql.NullInt64
			created, modified           int64
			ord                         sql.NullInt64
			evalue, etype               sql.NullString
			eprimary                    sql.NullBool
		)
		dest := []any{&seq, &u.ID}
		for _, f := range userFields {
			dest = append(dest, f.get(&u))
		}
		dest = append(dest, &extra, &state, &u.Linked, &invited, &reminded, &accepted,
			&created, &modified, &u.Version, &ord, &evalue, &etype, &eprimary)
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, err
		}
		if seq != lastSeq {
			lastSeq = seq
			if extra != "" {
				if err := json.Unmarshal([]byte(extra), &u.Extra); err != nil {
					return nil, 0, fmt.Errorf("extra attributes of user %q: %w", u.ID, err)
				}
			}
			u.State = store.UserState(state)
			u.InvitedAt, u.RemindedAt, u.AcceptedAt = fromNullNanos(invited), fromNullNanos(reminded), fromNullNanos(accepted)
			u.Created, u.Modified = fromNanos(created), fromNanos(modified)
			out = append(out, u)
		}
		if ord.Valid {
			last := &out[len(out)-1]
			last.Emails = append(last.Emails, store.Email{Value: evalue.String, Type: etype.String, Primary: eprimary.Bool})
		}
	}
	return out, lastSeq, rows.Err()
}

// usersWhere returns the users of one account selected by cond (over the
// alias u, with args), with their emails, in creation order.
func usersWhere(ctx context.Context, q q, cond string, args ...any) ([]store.User, error) {
	us, _, err := usersWhereSeq(ctx, q, cond, args...)
	return us, err
}

// usersWhereSeq is usersWhere that also returns the seq of the last user.
func usersWhereSeq(ctx context.Context, q q, cond string, args ...any) ([]store.User, int64, error) {
	rows, err := q.query(ctx, "SELECT "+userReadCols+", "+emailReadCols+` FROM scimkit_users u
		LEFT JOIN scimkit_user_emails e ON e.user_seq = u.seq
		WHERE `+cond+` ORDER BY u.seq, e.ord`, args...)
	if err != nil {
		return nil, 0, err
	}
	return scanUsers(rows)
}

// oneUser is usersWhere for a condition that selects at most one user.
func (s *Store) oneUser(ctx context.Context, what string, cond string, args ...any) (store.User, error) {
	if err := ctx.Err(); err != nil {
		return store.User{}, err
	}
	us, err := usersWhere(ctx, q{s.db, s.d}, cond, args...)
	if err != nil {
		return store.User{}, fmt.Errorf("sqlstore: %s: %w", what, s.dbErr(ctx, err))
	}
	if len(us) == 0 {
		return store.User{}, fmt.Errorf("sqlstore: %s: %w", what, store.ErrNotFound)
	}
	return us[0], nil
}

// userConflicts are the values a unique violation of u may name.
func userConflicts(u *store.User) map[string]string {
	return map[string]string{store.AttrUserName: u.UserName, store.AttrExternalID: u.ExternalID}
}

// insertEmails stores u's emails for the user row seq.
func insertEmails(ctx context.Context, q q, accountID string, seq int64, emails []store.Email) error {
	for i, e := range emails {
		if _, err := q.exec(ctx, `INSERT INTO scimkit_user_emails
			(user_seq, ord, account_id, value, value_fold, type, type_fold, is_primary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			seq, i, accountID, e.Value, store.Fold(e.Value), e.Type, store.Fold(e.Type), e.Primary); err != nil {
			return err
		}
	}
	return nil
}

// claimEmails records the user row seq as the owner of each distinct,
// non-empty folded value of emails in scimkit_user_email_keys, whose
// primary key (account, folded value) refuses a second owner: a taken
// address is a *store.ConflictError on "emails" naming the value as given.
// had holds the folded values the user had before the write: such a value
// may be a duplicate kept from before migration 6 and owned by an older
// user, and the user keeps it without owning it (taking ownership when the
// address is free), so that upgraded duplicates can still be updated. The
// caller has deleted the user's previous keys.
func (s *Store) claimEmails(ctx context.Context, q q, accountID string, seq int64, emails []store.Email, had map[string]bool) error {
	if !s.emailKeys {
		return nil
	}
	seen := make(map[string]bool, len(emails))
	for _, e := range emails {
		k := store.Fold(e.Value)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		if had[k] {
			if _, err := q.exec(ctx, `INSERT INTO scimkit_user_email_keys (account_id, value_fold, user_seq)
				VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, accountID, k, seq); err != nil {
				return err
			}
			continue
		}
		if _, err := q.exec(ctx, "INSERT INTO scimkit_user_email_keys (account_id, value_fold, user_seq) VALUES (?, ?, ?)",
			accountID, k, seq); err != nil {
			return s.d.conflict(err, map[string]string{store.AttrEmails: e.Value})
		}
	}
	return nil
}

// CreateUser implements store.Users. It also counts the user in its
// account's row, which serialises concurrent creates within one account on
// PostgreSQL (a row lock held for the short transaction).
func (s *Store) CreateUser(ctx context.Context, accountID string, u store.User) (store.User, error) {
	if err := ctx.Err(); err != nil {
		return store.User{}, err
	}
	u = u.Clone()
	if err := store.CheckUser(&u); err != nil {
		return store.User{}, fmt.Errorf("sqlstore: create user: %w", err)
	}
	args, err := userWriteArgs(&u)
	if err != nil {
		return store.User{}, fmt.Errorf("sqlstore: create user: %w", err)
	}
	u.ID = s.newID()
	now := s.stamp()
	u.Created, u.Modified, u.Version = now, now, 1
	out := normaliseUser(u)
	err = s.writeFeed(ctx, accountID, func(q q) ([]store.Event, error) {
		if err := bumpCounter(ctx, q, accountID, "user_count", 1, "users_gen"); err != nil {
			return nil, err
		}
		var seq int64
		err := q.row(ctx, "INSERT INTO scimkit_users (account_id, id, "+strings.Join(userWriteCols, ", ")+
			", created, modified, version) VALUES (?, ?, "+placeholders(len(args))+", ?, ?, 1) RETURNING seq",
			append(append([]any{accountID, u.ID}, args...), toNanos(now), toNanos(now))...).Scan(&seq)
		if err != nil {
			return nil, s.d.conflict(err, userConflicts(&u))
		}
		if err := insertEmails(ctx, q, accountID, seq, u.Emails); err != nil {
			return nil, err
		}
		if err := s.claimEmails(ctx, q, accountID, seq, u.Emails, nil); err != nil {
			return nil, err
		}
		return store.UserEvents(nil, &out), nil
	})
	if err != nil {
		return store.User{}, fmt.Errorf("sqlstore: create user: %w", err)
	}
	return out, nil
}

// normaliseUser returns u as reading it back would: times in UTC at the
// stored precision, no empty email list.
func normaliseUser(u store.User) store.User {
	for _, t := range []*time.Time{&u.InvitedAt, &u.RemindedAt, &u.AcceptedAt, &u.Created, &u.Modified} {
		*t = fromNullNanos(nullNanos(*t))
	}
	if len(u.Emails) == 0 {
		u.Emails = nil
	}
	if u.Extra != nil {
		// Reading back decodes the stored JSON: numbers become float64.
		b, err := json.Marshal(u.Extra)
		if err == nil {
			var m map[string]any
			if json.Unmarshal(b, &m) == nil {
				u.Extra = m
			}
		}
	}
	return u
}

// bumpCounter adds delta to the account's counter column and increments
// its generation column, failing with ErrNotFound when the account does not
// exist. Taking the account row first gives every creating or deleting
// transaction the same lock order (account, then records).
func bumpCounter(ctx context.Context, q q, accountID, counter string, delta int, gen string) error {
	res, err := q.exec(ctx, "UPDATE scimkit_accounts SET "+counter+" = "+counter+" + ?, "+gen+" = "+gen+" + 1 WHERE id = ?",
		delta, accountID)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("account %q: %w", accountID, store.ErrNotFound)
	}
	return nil
}

// GetUser implements store.Users.
func (s *Store) GetUser(ctx context.Context, accountID, id string) (store.User, error) {
	return s.oneUser(ctx, fmt.Sprintf("user %q", id), "u.account_id = ? AND u.id = ?", accountID, id)
}

// UserByUserName implements store.Users.
func (s *Store) UserByUserName(ctx context.Context, accountID, userName string) (store.User, error) {
	return s.oneUser(ctx, fmt.Sprintf("user with userName %q", userName),
		"u.account_id = ? AND u.user_name_fold = ?", accountID, store.Fold(userName))
}

// UserByExternalID implements store.Users.
func (s *Store) UserByExternalID(ctx context.Context, accountID, externalID string) (store.User, error) {
	if externalID == "" {
		if err := ctx.Err(); err != nil {
			return store.User{}, err
		}
		return store.User{}, fmt.Errorf("sqlstore: user with empty externalId: %w", store.ErrNotFound)
	}
	return s.oneUser(ctx, fmt.Sprintf("user with externalId %q", externalID),
		"u.account_id = ? AND u.external_id = ?", accountID, externalID)
}

// UsersByEmail implements store.Users.
func (s *Store) UsersByEmail(ctx context.Context, accountID, email string) ([]store.User, error) {
	var us []store.User
	err := s.read(ctx, func(q q) error {
		if err := accountExists(ctx, q, accountID); err != nil {
			return err
		}
		var err error
		us, err = usersWhere(ctx, q, `u.account_id = ? AND u.seq IN (
			SELECT m.user_seq FROM scimkit_user_emails m WHERE m.account_id = ? AND m.value_fold = ?)`,
			accountID, accountID, store.Fold(email))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: users by email: %w", err)
	}
	return us, nil
}

// UpdateUser implements store.Users. The version check and the write are
// one conditional UPDATE, so of two concurrent updates from the same
// version exactly one succeeds, whatever the number of replicas.
func (s *Store) UpdateUser(ctx context.Context, accountID string, u store.User) (store.User, error) {
	if err := ctx.Err(); err != nil {
		return store.User{}, err
	}
	u = u.Clone()
	if err := store.CheckUser(&u); err != nil {
		return store.User{}, fmt.Errorf("sqlstore: update user: %w", err)
	}
	args, err := userWriteArgs(&u)
	if err != nil {
		return store.User{}, fmt.Errorf("sqlstore: update user: %w", err)
	}
	now := s.stamp()
	set := make([]string, len(userWriteCols))
	for i, c := range userWriteCols {
		set[i] = c + " = ?"
	}
	expected := u.Version
	var out store.User
	err = s.writeFeed(ctx, accountID, func(q q) ([]store.Event, error) {
		// The account row is locked: nobody else writes the user until
		// the commit, so the user read here is the one updated below.
		prev, err := usersWhere(ctx, q, "u.account_id = ? AND u.id = ?", accountID, u.ID)
		if err != nil {
			return nil, err
		}
		if len(prev) == 0 {
			return nil, store.ErrNotFound
		}
		if expected != 0 && prev[0].Version != expected {
			return nil, store.ErrVersionMismatch
		}
		var seq int64
		err = q.row(ctx, "UPDATE scimkit_users SET "+strings.Join(set, ", ")+
			", modified = ?, version = version + 1 WHERE account_id = ? AND id = ? RETURNING seq",
			append(args, toNanos(now), accountID, u.ID)...).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, s.missingOrStale(ctx, q, "SELECT 1 FROM scimkit_users WHERE account_id = ? AND id = ?", accountID, u.ID)
		}
		if err != nil {
			return nil, s.d.conflict(err, userConflicts(&u))
		}
		if _, err := q.exec(ctx, "DELETE FROM scimkit_user_emails WHERE user_seq = ?", seq); err != nil {
			return nil, err
		}
		if err := insertEmails(ctx, q, accountID, seq, u.Emails); err != nil {
			return nil, err
		}
		if s.emailKeys {
			if _, err := q.exec(ctx, "DELETE FROM scimkit_user_email_keys WHERE user_seq = ?", seq); err != nil {
				return nil, err
			}
		}
		had := make(map[string]bool, len(prev[0].Emails))
		for _, e := range prev[0].Emails {
			had[store.Fold(e.Value)] = true
		}
		if err := s.claimEmails(ctx, q, accountID, seq, u.Emails, had); err != nil {
			return nil, err
		}
		// The new version goes into a copy: a transaction that is retried
		// after an abort must still compare against the expected one.
		out = u
		out.Created, out.Modified, out.Version = prev[0].Created, now, prev[0].Version+1
		out = normaliseUser(out)
		return store.UserEvents(&prev[0], &out), nil
	})
	if err != nil {
		return store.User{}, fmt.Errorf("sqlstore: update user %q: %w", u.ID, err)
	}
	return out, nil
}

// DeleteUser implements store.Users. The user's emails and memberships go
// with it (ON DELETE CASCADE), in the same transaction.
func (s *Store) DeleteUser(ctx context.Context, accountID, id string) error {
	err := s.writeFeed(ctx, accountID, func(q q) ([]store.Event, error) {
		if err := bumpCounter(ctx, q, accountID, "user_count", -1, "users_gen"); err != nil {
			return nil, err
		}
		// Lock the user first: a concurrent membership insert (whose
		// foreign key check takes a key-share lock on the user) then either
		// finished before, and its group is bumped below, or fails after.
		us, err := usersWhere(ctx, q, "u.account_id = ? AND u.id = ?", accountID, id)
		if err != nil {
			return nil, err
		}
		if len(us) == 0 {
			return nil, fmt.Errorf("user %q: %w", id, store.ErrNotFound)
		}
		var seq int64
		err = q.row(ctx, "SELECT seq FROM scimkit_users WHERE account_id = ? AND id = ?"+s.d.forUpdate(), accountID, id).Scan(&seq)
		if err != nil {
			return nil, err
		}
		evs := store.UserEvents(&us[0], nil)
		// Every group that loses the user as a member gets a new version,
		// as for any membership change, and an event saying so.
		groups, err := groupsWhere(ctx, q, `g.account_id = ? AND g.id IN (
			SELECT m.group_id FROM scimkit_group_members m WHERE m.account_id = ? AND m.user_id = ?)`, accountID, accountID, id)
		if err != nil {
			return nil, err
		}
		if len(groups) > 0 {
			now := s.stamp()
			if _, err := q.exec(ctx, `UPDATE scimkit_groups SET version = version + 1, modified = ?
				WHERE account_id = ? AND id IN (SELECT m.group_id FROM scimkit_group_members m WHERE m.account_id = ? AND m.user_id = ?)`,
				toNanos(now), accountID, accountID, id); err != nil {
				return nil, err
			}
			for _, prev := range groups {
				after := prev
				after.Version++
				after.Modified = now
				evs = append(evs, store.GroupEvents(&prev, &after, nil, []string{id})...)
			}
		}
		_, err = q.exec(ctx, "DELETE FROM scimkit_users WHERE seq = ?", seq)
		return evs, err
	})
	if err != nil {
		return fmt.Errorf("sqlstore: delete user: %w", err)
	}
	return nil
}

// GroupsOfUser implements store.Users.
func (s *Store) GroupsOfUser(ctx context.Context, accountID, userID string) ([]store.Group, error) {
	var out []store.Group
	err := s.read(ctx, func(q q) error {
		var one int
		err := q.row(ctx, "SELECT 1 FROM scimkit_users WHERE account_id = ? AND id = ?", accountID, userID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %q: %w", userID, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		out, err = groupsWhere(ctx, q, `g.account_id = ? AND g.id IN (
			SELECT m.group_id FROM scimkit_group_members m WHERE m.account_id = ? AND m.user_id = ?)`,
			accountID, accountID, userID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: groups of user: %w", err)
	}
	return out, nil
}

// ClaimReminders implements store.Reminders. The transaction holds the
// account row (as every write of the account does), so concurrent passes
// on several replicas run one after the other and each user is claimed
// once.
func (s *Store) ClaimReminders(ctx context.Context, accountID string, invitedBefore, now time.Time, limit int) ([]store.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return []store.User{}, nil
	}
	stamp := s.stamp()
	var out []store.User
	err := s.writeFeed(ctx, accountID, func(q q) ([]store.Event, error) {
		rows, err := q.query(ctx, `SELECT c.seq, c.modified FROM scimkit_users c
			WHERE c.account_id = ? AND c.state = ? AND c.invited_at IS NOT NULL AND c.invited_at <= ? AND c.reminded_at IS NULL
			ORDER BY c.seq LIMIT ?`, accountID, string(store.StateInvited), toNanos(invitedBefore), limit)
		if err != nil {
			return nil, err
		}
		var seqs []any
		prevModified := map[int64]int64{}
		for rows.Next() {
			var seq, modified int64
			if err := rows.Scan(&seq, &modified); err != nil {
				_ = rows.Close()
				return nil, err
			}
			seqs = append(seqs, seq)
			prevModified[seq] = modified
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		_ = rows.Close()
		for start := 0; start < len(seqs); start += idChunk {
			part := seqs[start:min(start+idChunk, len(seqs))]
			if _, err := q.exec(ctx, "UPDATE scimkit_users SET reminded_at = ?, modified = ?, version = version + 1 WHERE seq IN ("+
				placeholders(len(part))+")", append([]any{toNanos(now), toNanos(stamp)}, part...)...); err != nil {
				return nil, err
			}
		}
		// Read the claimed users back, in creation order, a chunk of seqs
		// at a time (a large limit would exceed the databases' limits on
		// bound parameters).
		out = []store.User{}
		var evs []store.Event
		for start := 0; start < len(seqs); start += idChunk {
			part := seqs[start:min(start+idChunk, len(seqs))]
			us, err := usersWhere(ctx, q, "u.seq IN ("+placeholders(len(part))+")", part...)
			if err != nil {
				return nil, err
			}
			for i, u := range us {
				prev := u.Clone()
				prev.RemindedAt, prev.Version = time.Time{}, u.Version-1
				prev.Modified = fromNanos(prevModified[part[i].(int64)])
				evs = append(evs, store.UserEvents(&prev, &u)...)
			}
			out = append(out, us...)
		}
		return evs, nil
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: claim reminders: %w", err)
	}
	return out, nil
}
