package scim_test

import (
	"context"
	"sync"
	"time"

	"github.com/scimkit/scimkit/store"
)

// counting is a store.Store that counts the calls made to each method of s.
type counting struct {
	s     store.Store
	mu    sync.Mutex
	calls map[string]int
}

func (c *counting) count(method string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[method]++
}

// reset returns the counts so far and starts again from zero.
func (c *counting) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = map[string]int{}
	return out
}

var _ store.Store = (*counting)(nil)

func (c *counting) CreateAccount(ctx context.Context, a store.Account) (store.Account, error) {
	c.count("CreateAccount")
	return c.s.CreateAccount(ctx, a)
}

func (c *counting) GetAccount(ctx context.Context, id string) (store.Account, error) {
	c.count("GetAccount")
	return c.s.GetAccount(ctx, id)
}

func (c *counting) UpdateAccount(ctx context.Context, a store.Account) (store.Account, error) {
	c.count("UpdateAccount")
	return c.s.UpdateAccount(ctx, a)
}

func (c *counting) AccountIDs(ctx context.Context) ([]string, error) {
	c.count("AccountIDs")
	return c.s.AccountIDs(ctx)
}

func (c *counting) AddToken(ctx context.Context, accountID string, t store.Token) (store.Token, error) {
	c.count("AddToken")
	return c.s.AddToken(ctx, accountID, t)
}

func (c *counting) TokenByHash(ctx context.Context, hash [32]byte) (store.Token, error) {
	c.count("TokenByHash")
	return c.s.TokenByHash(ctx, hash)
}

func (c *counting) ListTokens(ctx context.Context, accountID string) ([]store.Token, error) {
	c.count("ListTokens")
	return c.s.ListTokens(ctx, accountID)
}

func (c *counting) RevokeToken(ctx context.Context, accountID, tokenID string) error {
	c.count("RevokeToken")
	return c.s.RevokeToken(ctx, accountID, tokenID)
}

func (c *counting) CreateUser(ctx context.Context, accountID string, u store.User) (store.User, error) {
	c.count("CreateUser")
	return c.s.CreateUser(ctx, accountID, u)
}

func (c *counting) GetUser(ctx context.Context, accountID, id string) (store.User, error) {
	c.count("GetUser")
	return c.s.GetUser(ctx, accountID, id)
}

func (c *counting) UserByUserName(ctx context.Context, accountID, userName string) (store.User, error) {
	c.count("UserByUserName")
	return c.s.UserByUserName(ctx, accountID, userName)
}

func (c *counting) UserByExternalID(ctx context.Context, accountID, externalID string) (store.User, error) {
	c.count("UserByExternalID")
	return c.s.UserByExternalID(ctx, accountID, externalID)
}

func (c *counting) UsersByEmail(ctx context.Context, accountID, email string) ([]store.User, error) {
	c.count("UsersByEmail")
	return c.s.UsersByEmail(ctx, accountID, email)
}

func (c *counting) ListUsers(ctx context.Context, accountID string, q store.Query) (store.UserPage, error) {
	c.count("ListUsers")
	return c.s.ListUsers(ctx, accountID, q)
}

func (c *counting) UpdateUser(ctx context.Context, accountID string, u store.User) (store.User, error) {
	c.count("UpdateUser")
	return c.s.UpdateUser(ctx, accountID, u)
}

func (c *counting) DeleteUser(ctx context.Context, accountID, id string) error {
	c.count("DeleteUser")
	return c.s.DeleteUser(ctx, accountID, id)
}

func (c *counting) GroupsOfUser(ctx context.Context, accountID, userID string) ([]store.Group, error) {
	c.count("GroupsOfUser")
	return c.s.GroupsOfUser(ctx, accountID, userID)
}

func (c *counting) CreateGroup(ctx context.Context, accountID string, g store.Group, members []string) (store.Group, error) {
	c.count("CreateGroup")
	return c.s.CreateGroup(ctx, accountID, g, members)
}

func (c *counting) GetGroup(ctx context.Context, accountID, id string) (store.Group, error) {
	c.count("GetGroup")
	return c.s.GetGroup(ctx, accountID, id)
}

func (c *counting) GroupByDisplayName(ctx context.Context, accountID, name string) (store.Group, error) {
	c.count("GroupByDisplayName")
	return c.s.GroupByDisplayName(ctx, accountID, name)
}

func (c *counting) GroupByExternalID(ctx context.Context, accountID, externalID string) (store.Group, error) {
	c.count("GroupByExternalID")
	return c.s.GroupByExternalID(ctx, accountID, externalID)
}

func (c *counting) ListGroups(ctx context.Context, accountID string, q store.Query) (store.GroupPage, error) {
	c.count("ListGroups")
	return c.s.ListGroups(ctx, accountID, q)
}

func (c *counting) UpdateGroup(ctx context.Context, accountID, id string, upd store.GroupUpdate) (store.Group, store.MemberDelta, error) {
	c.count("UpdateGroup")
	return c.s.UpdateGroup(ctx, accountID, id, upd)
}

func (c *counting) DeleteGroup(ctx context.Context, accountID, id string) error {
	c.count("DeleteGroup")
	return c.s.DeleteGroup(ctx, accountID, id)
}

func (c *counting) Members(ctx context.Context, accountID, groupID string) ([]string, error) {
	c.count("Members")
	return c.s.Members(ctx, accountID, groupID)
}

func (c *counting) ClaimReminders(ctx context.Context, accountID string, invitedBefore, now time.Time, limit int) ([]store.User, error) {
	c.count("ClaimReminders")
	return c.s.ClaimReminders(ctx, accountID, invitedBefore, now, limit)
}

func (c *counting) Events(ctx context.Context, accountID string, after int64, limit int) ([]store.Event, error) {
	c.count("Events")
	return c.s.Events(ctx, accountID, after, limit)
}

func (c *counting) PruneEvents(ctx context.Context, accountID string, before time.Time) (int, error) {
	c.count("PruneEvents")
	return c.s.PruneEvents(ctx, accountID, before)
}

func (c *counting) Cursor(ctx context.Context, consumer, accountID string) (int64, error) {
	c.count("Cursor")
	return c.s.Cursor(ctx, consumer, accountID)
}

func (c *counting) SetCursor(ctx context.Context, consumer, accountID string, seq int64) error {
	c.count("SetCursor")
	return c.s.SetCursor(ctx, consumer, accountID, seq)
}

func (c *counting) Lease(ctx context.Context, consumer, accountID, holder string, now time.Time, ttl time.Duration) (bool, error) {
	c.count("Lease")
	return c.s.Lease(ctx, consumer, accountID, holder, now, ttl)
}
