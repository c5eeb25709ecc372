package linking

import (
	"context"

	"github.com/scimkit/scimkit/store"
)

// The lifecycle steps UpdateUser applies, for the tests of their rules.
var (
	Suspend    = suspend
	Reactivate = reactivate
	MarkLinked = markLinked
)

// ProvisionUserID is ProvisionUser with the account read by id, as the
// tests call it.
func (s *Service) ProvisionUserID(ctx context.Context, accountID string, u store.User) (store.User, Outcome, error) {
	a, err := s.accountForTest(ctx, accountID)
	if err != nil {
		return store.User{}, 0, err
	}
	return s.ProvisionUser(ctx, a, u)
}

// ProvisionGroupID is ProvisionGroup with the account read by id.
func (s *Service) ProvisionGroupID(ctx context.Context, accountID string, g store.Group, members []string) (store.Group, Outcome, error) {
	a, err := s.accountForTest(ctx, accountID)
	if err != nil {
		return store.Group{}, 0, err
	}
	return s.ProvisionGroup(ctx, a, g, members)
}

// ClaimPendingInvite issues u's pending invite now, as ClaimInvites does.
func (s *Service) ClaimPendingInvite(ctx context.Context, accountID string, u store.User) (bool, error) {
	return s.claimPending(ctx, accountID, u, s.now())
}

// accountForTest reads the account; a missing one is the zero account
// with the id (provisioning off), as the rules see it.
func (s *Service) accountForTest(ctx context.Context, id string) (store.Account, error) {
	a, err := s.st.GetAccount(ctx, id)
	if isNotFound(err) {
		return store.Account{ID: id}, nil
	}
	return a, err
}
