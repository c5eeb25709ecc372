package hostadapter

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/storekit"
)

// The optional fast paths (storekit.UserFinder, UserQuerier, GroupFinder,
// MemberTester): indexed queries instead of storekit's scans. The adapter
// is complete without this file (TestConformanceFallbacksOnly); with it,
// lookups, uniqueness checks and Okta's paged import cost O(log n)
// instead of O(n), and TestSameAnswers proves they answer as the
// fallbacks do.

// UserByUserName, UserByExternalID and UsersByEmail are the
// storekit.UserFinder fast path: indexed side columns instead of a scan.
func (t *txn) UserByUserName(ctx context.Context, accountID, userName string) (store.User, error) {
	return t.oneUser(ctx, accountID, "userName "+strconv.Quote(userName), `AND m.id = (SELECT member_id FROM scim_users WHERE org_id = ? AND name_fold = ?)`, accountID, store.Fold(userName))
}

func (t *txn) UserByExternalID(ctx context.Context, accountID, externalID string) (store.User, error) {
	return t.oneUser(ctx, accountID, "externalId "+strconv.Quote(externalID), `AND m.id = (SELECT member_id FROM scim_users WHERE org_id = ? AND external_id = ?)`, accountID, externalID)
}

func (t *txn) UsersByEmail(ctx context.Context, accountID, email string) ([]store.User, error) {
	return t.users(ctx, accountID, `AND m.id IN (SELECT member_id FROM scim_emails WHERE org_id = ? AND value_fold = ?) ORDER BY m.id`,
		accountID, store.Fold(email))
}

// QueryUsers is the storekit.UserQuerier fast path for the listings IdPs
// send most: every user, paged (Okta's import), and userName or
// externalId eq (a lookup before a create). Other filters are left to
// storekit's evaluator.
func (t *txn) QueryUsers(ctx context.Context, accountID string, f store.Filter, start, count int) (store.UserPage, error) {
	page := store.UserPage{Users: []store.User{}}
	c, _ := storekit.Plain(f).(store.Compare)
	v, _ := c.Value.(string)
	var err error
	switch {
	case f == nil:
		n, err := first(ctx, t, "org", scanInt, `SELECT COUNT(*) FROM members WHERE org_id = ?`, accountID)
		if page.Total = int(n); err == nil {
			// The offset walks the org's index only; the page is then read by key.
			page.Users, err = t.users(ctx, accountID, `AND m.id >= (SELECT id FROM members WHERE org_id = ? ORDER BY id LIMIT 1 OFFSET ?)
				ORDER BY m.id LIMIT ?`, accountID, start-1, count)
		}
		return page, err
	case c.Op == store.OpEq && c.Attr == store.AttrUserName:
		page.Users, err = t.users(ctx, accountID, `AND m.id IN (SELECT member_id FROM scim_users WHERE org_id = ? AND name_fold = ?)`, accountID, store.Fold(v))
	case c.Op == store.OpEq && c.Attr == store.AttrExternalID && v != "":
		page.Users, err = t.users(ctx, accountID, `AND m.id IN (SELECT member_id FROM scim_users WHERE org_id = ? AND external_id = ?)`, accountID, v)
	default:
		return page, errors.ErrUnsupported
	}
	page.Total = len(page.Users)
	page.Users = append([]store.User{}, page.Users[min(start-1, page.Total):min(start-1+count, page.Total)]...)
	return page, err
}

// GroupByDisplayName, GroupByExternalID and GroupsOfUser are the
// storekit.GroupFinder fast path; MembersAmong is storekit.MemberTester.
func (t *txn) GroupByDisplayName(ctx context.Context, accountID, name string) (store.Group, error) {
	return t.oneGroup(ctx, accountID, "displayName "+strconv.Quote(name), `AND t.id = (SELECT team_id FROM scim_groups WHERE org_id = ? AND name_fold = ?)`, accountID, store.Fold(name))
}

func (t *txn) GroupByExternalID(ctx context.Context, accountID, externalID string) (store.Group, error) {
	return t.oneGroup(ctx, accountID, "externalId "+strconv.Quote(externalID), `AND t.id = (SELECT team_id FROM scim_groups WHERE org_id = ? AND external_id = ?)`, accountID, externalID)
}

func (t *txn) GroupsOfUser(ctx context.Context, accountID, userID string) ([]store.Group, error) {
	n, _ := key("m", userID)
	return t.groups(ctx, accountID, `AND t.id IN (SELECT team_id FROM team_members WHERE member_id = ?) ORDER BY t.id`, n)
}

func (t *txn) MembersAmong(ctx context.Context, accountID, groupID string, ids []string) ([]string, error) {
	var out []string
	g, _ := key("t", groupID)
	for part := range slices.Chunk(ids, 500) {
		args := []any{g}
		for _, id := range part {
			n, _ := key("m", id)
			args = append(args, n)
		}
		got, err := all(ctx, t, scanString, `SELECT 'm' || member_id FROM team_members WHERE team_id = ? AND member_id IN (?`+
			strings.Repeat(", ?", len(part)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

var (
	_ storekit.Tx           = (*txn)(nil)
	_ storekit.UserFinder   = (*txn)(nil)
	_ storekit.GroupFinder  = (*txn)(nil)
	_ storekit.MemberTester = (*txn)(nil)
	_ storekit.UserQuerier  = (*txn)(nil)
)
