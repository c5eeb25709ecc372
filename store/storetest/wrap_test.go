package storetest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
	"github.com/scimkit/scimkit/store/storetest"
)

// TestWrappedErrors runs the suite against an adapter that wraps every
// error it returns: the suite must match errors with errors.Is and
// errors.As only.
func TestWrappedErrors(t *testing.T) {
	newStore := func(*testing.T) store.Store { return wrapping{memstore.New()} }
	storetest.Run(t, newStore)
	storetest.RunConcurrency(t, newStore)
}

// wrapping is a store.Store that wraps every error of s.
type wrapping struct{ s store.Store }

func wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("wrapping adapter: %w", err)
}

func (w wrapping) CreateAccount(ctx context.Context, a store.Account) (store.Account, error) {
	a, err := w.s.CreateAccount(ctx, a)
	return a, wrap(err)
}

func (w wrapping) GetAccount(ctx context.Context, id string) (store.Account, error) {
	a, err := w.s.GetAccount(ctx, id)
	return a, wrap(err)
}

func (w wrapping) UpdateAccount(ctx context.Context, a store.Account) (store.Account, error) {
	a, err := w.s.UpdateAccount(ctx, a)
	return a, wrap(err)
}

func (w wrapping) AccountIDs(ctx context.Context) ([]string, error) {
	ids, err := w.s.AccountIDs(ctx)
	return ids, wrap(err)
}

func (w wrapping) AddToken(ctx context.Context, accountID string, t store.Token) (store.Token, error) {
	t, err := w.s.AddToken(ctx, accountID, t)
	return t, wrap(err)
}

func (w wrapping) TokenByHash(ctx context.Context, hash [32]byte) (store.Token, error) {
	t, err := w.s.TokenByHash(ctx, hash)
	return t, wrap(err)
}

func (w wrapping) ListTokens(ctx context.Context, accountID string) ([]store.Token, error) {
	ts, err := w.s.ListTokens(ctx, accountID)
	return ts, wrap(err)
}

func (w wrapping) RevokeToken(ctx context.Context, accountID, tokenID string) error {
	return wrap(w.s.RevokeToken(ctx, accountID, tokenID))
}

func (w wrapping) CreateUser(ctx context.Context, accountID string, u store.User) (store.User, error) {
	u, err := w.s.CreateUser(ctx, accountID, u)
	return u, wrap(err)
}

func (w wrapping) GetUser(ctx context.Context, accountID, id string) (store.User, error) {
	u, err := w.s.GetUser(ctx, accountID, id)
	return u, wrap(err)
}

func (w wrapping) UserByUserName(ctx context.Context, accountID, userName string) (store.User, error) {
	u, err := w.s.UserByUserName(ctx, accountID, userName)
	return u, wrap(err)
}

func (w wrapping) UserByExternalID(ctx context.Context, accountID, externalID string) (store.User, error) {
	u, err := w.s.UserByExternalID(ctx, accountID, externalID)
	return u, wrap(err)
}

func (w wrapping) UsersByEmail(ctx context.Context, accountID, email string) ([]store.User, error) {
	us, err := w.s.UsersByEmail(ctx, accountID, email)
	return us, wrap(err)
}

func (w wrapping) ListUsers(ctx context.Context, accountID string, q store.Query) (store.UserPage, error) {
	p, err := w.s.ListUsers(ctx, accountID, q)
	return p, wrap(err)
}

func (w wrapping) UpdateUser(ctx context.Context, accountID string, u store.User) (store.User, error) {
	u, err := w.s.UpdateUser(ctx, accountID, u)
	return u, wrap(err)
}

func (w wrapping) DeleteUser(ctx context.Context, accountID, id string) error {
	return wrap(w.s.DeleteUser(ctx, accountID, id))
}

func (w wrapping) GroupsOfUser(ctx context.Context, accountID, userID string) ([]store.Group, error) {
	gs, err := w.s.GroupsOfUser(ctx, accountID, userID)
	return gs, wrap(err)
}

func (w wrapping) CreateGroup(ctx context.Context, accountID string, g store.Group, members []string) (store.Group, error) {
	g, err := w.s.CreateGroup(ctx, accountID, g, members)
	return g, wrap(err)
}

func (w wrapping) GetGroup(ctx context.Context, accountID, id string) (store.Group, error) {
	g, err := w.s.GetGroup(ctx, accountID, id)
	return g, wrap(err)
}

func (w wrapping) GroupByDisplayName(ctx context.Context, accountID, name string) (store.Group, error) {
	g, err := w.s.GroupByDisplayName(ctx, accountID, name)
	return g, wrap(err)
}

func (w wrapping) GroupByExternalID(ctx context.Context, accountID, externalID string) (store.Group, error) {
	g, err := w.s.GroupByExternalID(ctx, accountID, externalID)
	return g, wrap(err)
}

func (w wrapping) ListGroups(ctx context.Context, accountID string, q store.Query) (store.GroupPage, error) {
	p, err := w.s.ListGroups(ctx, accountID, q)
	return p, wrap(err)
}

func (w wrapping) UpdateGroup(ctx context.Context, accountID, id string, upd store.GroupUpdate) (store.Group, store.MemberDelta, error) {
	g, d, err := w.s.UpdateGroup(ctx, accountID, id, upd)
	return g, d, wrap(err)
}

func (w wrapping) DeleteGroup(ctx context.Context, accountID, id string) error {
	return wrap(w.s.DeleteGroup(ctx, accountID, id))
}

func (w wrapping) Members(ctx context.Context, accountID, groupID string) ([]string, error) {
	ms, err := w.s.Members(ctx, accountID, groupID)
	return ms, wrap(err)
}

func (w wrapping) ClaimReminders(ctx context.Context, accountID string, invitedBefore, now time.Time, limit int) ([]store.User, error) {
	us, err := w.s.ClaimReminders(ctx, accountID, invitedBefore, now, limit)
	return us, wrap(err)
}

func (w wrapping) Events(ctx context.Context, accountID string, after int64, limit int) ([]store.Event, error) {
	evs, err := w.s.Events(ctx, accountID, after, limit)
	return evs, wrap(err)
}

func (w wrapping) PruneEvents(ctx context.Context, accountID string, before time.Time) (int, error) {
	n, err := w.s.PruneEvents(ctx, accountID, before)
	return n, wrap(err)
}

func (w wrapping) Cursor(ctx context.Context, consumer, accountID string) (int64, error) {
	seq, err := w.s.Cursor(ctx, consumer, accountID)
	return seq, wrap(err)
}

func (w wrapping) SetCursor(ctx context.Context, consumer, accountID string, seq int64) error {
	return wrap(w.s.SetCursor(ctx, consumer, accountID, seq))
}

func (w wrapping) Lease(ctx context.Context, consumer, accountID, holder string, now time.Time, ttl time.Duration) (bool, error) {
	ok, err := w.s.Lease(ctx, consumer, accountID, holder, now, ttl)
	return ok, wrap(err)
}
