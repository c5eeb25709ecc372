package hostadapter

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/scimkit/scimkit/store"
)

// A user is a members row (email is the userName, full_name the
// displayName, invited_at, joined_at as AcceptedAt, disabled_at set while
// suspended) and its scim_users side row. A member the host made without
// one (before the org was adopted) reads as version 1, linked false, with
// its email as its one email.

const userCols = `SELECT m.id, m.email, m.full_name, m.invited_at, m.joined_at, m.disabled_at, m.created_at, m.updated_at,
	COALESCE(s.external_id, ''), COALESCE(s.state, ''), COALESCE(s.linked, 0), s.reminded_at, COALESCE(s.version, 1), s.profile
	FROM members m LEFT JOIN scim_users s ON s.member_id = m.id WHERE m.org_id = ? `

// profile is the part of a user the host has no column for.
type profile struct {
	Name              store.Name       `json:",omitzero"`
	NickName          string           `json:",omitempty"`
	Title             string           `json:",omitempty"`
	UserType          string           `json:",omitempty"`
	PreferredLanguage string           `json:",omitempty"`
	Locale            string           `json:",omitempty"`
	Timezone          string           `json:",omitempty"`
	Emails            []store.Email    `json:",omitempty"`
	Enterprise        store.Enterprise `json:",omitzero"`
	Extra             map[string]any   `json:",omitempty"`
}

func scanUser(s scanner) (store.User, error) {
	var (
		u                               store.User
		id                              int64
		invited, joined, disabled, c, m sql.NullInt64
		reminded                        sql.NullInt64
		state                           string
		prof                            sql.NullString
	)
	if err := s.Scan(&id, &u.UserName, &u.DisplayName, &invited, &joined, &disabled, &c, &m,
		&u.ExternalID, &state, &u.Linked, &reminded, &u.Version, &prof); err != nil {
		return u, err
	}
	u.ID = userID(id)
	u.InvitedAt, u.AcceptedAt, u.RemindedAt = fromMicros(invited), fromMicros(joined), fromMicros(reminded)
	u.Created, u.Modified = fromMicros(c), fromMicros(m)
	switch u.State = store.UserState(state); {
	case disabled.Valid: // the host's switch wins
		u.State = store.StateSuspended
	case u.State == store.StateInvited || u.State == store.StateActive:
	case !joined.Valid && invited.Valid:
		u.State = store.StateInvited
	default:
		u.State = store.StateActive
	}
	if !prof.Valid {
		u.Emails = []store.Email{{Value: u.UserName, Type: "work", Primary: true}}
		return u, nil
	}
	var p profile
	err := json.Unmarshal([]byte(prof.String), &p)
	u.Name, u.NickName, u.Title, u.UserType = p.Name, p.NickName, p.Title, p.UserType
	u.PreferredLanguage, u.Locale, u.Timezone = p.PreferredLanguage, p.Locale, p.Timezone
	u.Emails, u.Enterprise, u.Extra = p.Emails, p.Enterprise, p.Extra
	return u, err
}

// users returns the org's users matching cond (SQL after the WHERE).
func (t *txn) users(ctx context.Context, accountID, cond string, args ...any) ([]store.User, error) {
	return all(ctx, t, scanUser, userCols+cond, append([]any{accountID}, args...)...)
}

func (t *txn) oneUser(ctx context.Context, accountID, what, cond string, args ...any) (store.User, error) {
	return first(ctx, t, "user "+what, scanUser, userCols+cond, append([]any{accountID}, args...)...)
}

func (t *txn) User(ctx context.Context, accountID, id string) (store.User, error) {
	n, ok := key("m", id)
	if !ok {
		return store.User{}, fmt.Errorf("hostadapter: user %q: %w", id, store.ErrNotFound)
	}
	return t.oneUser(ctx, accountID, strconv.Quote(id), `AND m.id = ?`, n)
}

func (t *txn) EachUser(ctx context.Context, accountID string, fn func(store.User) bool) error {
	return each(ctx, t, scanUser, fn, userCols+`ORDER BY m.id`, accountID)
}

func (t *txn) InsertUser(ctx context.Context, accountID string, u store.User) (string, error) {
	id, err := t.insert(ctx, `INSERT INTO members (org_id, email, full_name, invited_at, joined_at, disabled_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, accountID, u.UserName, u.DisplayName, micros(u.InvitedAt), micros(u.AcceptedAt),
		disabledAt(&u), micros(u.Created), micros(u.Modified))
	if err != nil {
		return "", err
	}
	return userID(id), t.putSide(ctx, accountID, id, &u)
}

func disabledAt(u *store.User) any {
	if u.State == store.StateSuspended {
		return micros(u.Modified)
	}
	return nil
}

func (t *txn) UpdateUser(ctx context.Context, accountID string, u store.User) error {
	id, _ := key("m", u.ID)
	// A member already disabled keeps the time the host disabled it.
	err := t.exec(ctx, `UPDATE members SET email = ?, full_name = ?, invited_at = ?, joined_at = ?,
		disabled_at = CASE WHEN ? IS NULL THEN NULL ELSE COALESCE(disabled_at, ?) END, updated_at = ? WHERE org_id = ? AND id = ?`,
		u.UserName, u.DisplayName, micros(u.InvitedAt), micros(u.AcceptedAt), disabledAt(&u), disabledAt(&u),
		micros(u.Modified), accountID, id)
	if err != nil {
		return err
	}
	return t.putSide(ctx, accountID, id, &u)
}

// putSide writes the user's side row and email keys.
func (t *txn) putSide(ctx context.Context, accountID string, id int64, u *store.User) error {
	prof, err := json.Marshal(profile{u.Name, u.NickName, u.Title, u.UserType, u.PreferredLanguage, u.Locale, u.Timezone,
		u.Emails, u.Enterprise, u.Extra})
	if err != nil {
		return err
	}
	err = t.exec(ctx, `INSERT INTO scim_users (member_id, org_id, name_fold, external_id, state, linked, reminded_at, version, profile)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET name_fold = excluded.name_fold,
		external_id = excluded.external_id, state = excluded.state, linked = excluded.linked,
		reminded_at = excluded.reminded_at, version = excluded.version, profile = excluded.profile`,
		id, accountID, store.Fold(u.UserName), nullString(u.ExternalID), string(u.State), u.Linked, micros(u.RemindedAt), u.Version, string(prof))
	if err == nil {
		err = t.exec(ctx, `DELETE FROM scim_emails WHERE member_id = ?`, id)
	}
	for _, e := range u.Emails {
		if err == nil {
			err = t.exec(ctx, `INSERT INTO scim_emails (member_id, org_id, value_fold) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
				id, accountID, store.Fold(e.Value))
		}
	}
	return err
}

func (t *txn) DeleteUser(ctx context.Context, accountID, id string) error {
	n, _ := key("m", id)
	return t.exec(ctx, `DELETE FROM members WHERE org_id = ? AND id = ?`, accountID, n) // side rows cascade
}

// adopt gives every member and team of the org that has no side row one
// (version 1, not linked, its email as its one email), so that the
// indexed lookups find them: the host's existing users are scimkit's from
// the moment provisioning is turned on, and an IdP's user with the same
// email is linked, not duplicated. Members that collide under store.Fold
// make the adoption fail with a unique constraint error.
func (t *txn) adopt(ctx context.Context, accountID string) error {
	us, err := t.users(ctx, accountID, `AND s.member_id IS NULL ORDER BY m.id`)
	for _, u := range us {
		if err == nil {
			id, _ := key("m", u.ID)
			err = t.putSide(ctx, accountID, id, &u)
		}
	}
	if err != nil {
		return err
	}
	gs, err := t.groups(ctx, accountID, `AND g.team_id IS NULL ORDER BY t.id`)
	for _, g := range gs {
		if n, _ := key("t", g.ID); err == nil {
			err = t.exec(ctx, `INSERT INTO scim_groups (team_id, org_id, name_fold, managed, linked, version) VALUES (?, ?, ?, 0, 0, 1)`,
				n, accountID, store.Fold(g.DisplayName))
		}
	}
	return err
}

// A group is a teams row (name, is_admin as Privileged) and its
// scim_groups side row; members are team_members, in rowid order.

const groupCols = `SELECT t.id, t.name, t.is_admin, t.created_at, t.updated_at,
	COALESCE(g.external_id, ''), COALESCE(g.managed, 0), COALESCE(g.linked, 0), COALESCE(g.version, 1)
	FROM teams t LEFT JOIN scim_groups g ON g.team_id = t.id WHERE t.org_id = ? `

func scanGroup(s scanner) (store.Group, error) {
	var (
		g    store.Group
		id   int64
		c, m sql.NullInt64
	)
	err := s.Scan(&id, &g.DisplayName, &g.Privileged, &c, &m, &g.ExternalID, &g.Managed, &g.Linked, &g.Version)
	g.ID, g.Created, g.Modified = groupID(id), fromMicros(c), fromMicros(m)
	return g, err
}

func (t *txn) groups(ctx context.Context, accountID, cond string, args ...any) ([]store.Group, error) {
	return all(ctx, t, scanGroup, groupCols+cond, append([]any{accountID}, args...)...)
}

func (t *txn) oneGroup(ctx context.Context, accountID, what, cond string, args ...any) (store.Group, error) {
	return first(ctx, t, "group "+what, scanGroup, groupCols+cond, append([]any{accountID}, args...)...)
}

func (t *txn) Group(ctx context.Context, accountID, id string) (store.Group, error) {
	n, ok := key("t", id)
	if !ok {
		return store.Group{}, fmt.Errorf("hostadapter: group %q: %w", id, store.ErrNotFound)
	}
	return t.oneGroup(ctx, accountID, strconv.Quote(id), `AND t.id = ?`, n)
}

func (t *txn) EachGroup(ctx context.Context, accountID string, fn func(store.Group) bool) error {
	return each(ctx, t, scanGroup, fn, groupCols+`ORDER BY t.id`, accountID)
}

func (t *txn) InsertGroup(ctx context.Context, accountID string, g store.Group) (string, error) {
	id, err := t.insert(ctx, `INSERT INTO teams (org_id, name, is_admin, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		accountID, g.DisplayName, g.Privileged, micros(g.Created), micros(g.Modified))
	if err != nil {
		return "", err
	}
	return groupID(id), t.exec(ctx, `INSERT INTO scim_groups (team_id, org_id, name_fold, external_id, managed, linked, version)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, accountID, store.Fold(g.DisplayName), nullString(g.ExternalID), g.Managed, g.Linked, g.Version)
}

func (t *txn) UpdateGroup(ctx context.Context, accountID string, g store.Group) error {
	id, _ := key("t", g.ID)
	err := t.exec(ctx, `UPDATE teams SET name = ?, is_admin = ?, updated_at = ? WHERE org_id = ? AND id = ?`,
		g.DisplayName, g.Privileged, micros(g.Modified), accountID, id)
	if err != nil {
		return err
	}
	return t.exec(ctx, `UPDATE scim_groups SET name_fold = ?, external_id = ?, managed = ?, linked = ?, version = ? WHERE team_id = ?`,
		store.Fold(g.DisplayName), nullString(g.ExternalID), g.Managed, g.Linked, g.Version, id)
}

func (t *txn) DeleteGroup(ctx context.Context, accountID, id string) error {
	n, _ := key("t", id)
	return t.exec(ctx, `DELETE FROM teams WHERE org_id = ? AND id = ?`, accountID, n) // memberships and side row cascade
}

func (t *txn) Members(ctx context.Context, accountID, groupID string) ([]string, error) {
	n, _ := key("t", groupID)
	return all(ctx, t, scanString, `SELECT 'm' || member_id FROM team_members WHERE team_id = ? ORDER BY rowid`, n)
}

func (t *txn) AddMembers(ctx context.Context, accountID, groupID string, ids []string) error {
	return t.eachMember(ctx, `INSERT INTO team_members (team_id, member_id) VALUES (?, ?)`, groupID, ids)
}

func (t *txn) RemoveMembers(ctx context.Context, accountID, groupID string, ids []string) error {
	return t.eachMember(ctx, `DELETE FROM team_members WHERE team_id = ? AND member_id = ?`, groupID, ids)
}

func (t *txn) eachMember(ctx context.Context, q, group string, ids []string) error {
	g, _ := key("t", group)
	for _, id := range ids {
		m, _ := key("m", id)
		if err := t.exec(ctx, q, g, m); err != nil {
			return err
		}
	}
	return nil
}
