package linking

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scimkit/scimkit/store"
)

// This file is the setup API behind an admin console: what the pages of
// package console call and what a host with its own front end calls
// directly. Every change needs an owner or administrator (ErrNotAuthorized
// otherwise) and is recorded in the change feed with that member as its
// actor (store.ActorAdmin).

// TokenInfo describes one token of an account for the admin: never its
// secret or hash.
type TokenInfo struct {
	ID      string
	Label   string
	Created time.Time
	// LastUsed is when the IdP last authenticated with the token, as
	// far as it is known (zero: never, or the store keeps no usage; see
	// store.TokenUsage). It may lag behind by the recorder's flush
	// interval (a minute by default).
	LastUsed time.Time
}

// Account returns the account's settings (ErrNotFound, wrapped, if the
// host has not created it and nobody has turned provisioning on yet).
func (s *Service) Account(ctx context.Context, accountID string) (store.Account, error) {
	a, err := s.st.GetAccount(ctx, accountID)
	if err != nil {
		return store.Account{}, fmt.Errorf("linking: account %s: %w", accountID, err)
	}
	return a, nil
}

// ListTokens returns the account's tokens in creation order, with their
// last use when the store keeps it (store.TokenUsage). Owner or
// administrator only; ErrNotFound (wrapped) if the account does not exist.
func (s *Service) ListTokens(ctx context.Context, accountID string, actor Member) ([]TokenInfo, error) {
	if err := authorize(actor, "see the provisioning tokens"); err != nil {
		return nil, err
	}
	toks, err := s.st.ListTokens(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("linking: list tokens: %w", err)
	}
	var used map[string]time.Time
	if tu, ok := s.st.(store.TokenUsage); ok {
		if used, err = tu.TokensLastUsed(ctx, accountID); err != nil {
			return nil, fmt.Errorf("linking: tokens last used: %w", err)
		}
	}
	out := make([]TokenInfo, len(toks))
	for i, t := range toks {
		out[i] = TokenInfo{ID: t.ID, Label: t.Label, Created: t.Created, LastUsed: used[t.ID]}
	}
	return out, nil
}

// PauseProvisioning turns the sync switch off without touching tokens
// (DisableProvisioning) and returns the account. While paused every SCIM
// request for the account gets 403 and changes nothing.
func (s *Service) PauseProvisioning(ctx context.Context, accountID string, actor Member) (store.Account, error) {
	if err := authorize(actor, "pause provisioning"); err != nil {
		return store.Account{}, err
	}
	return s.updateAccount(asAdmin(ctx, actor), accountID, false, func(a *store.Account) { a.ProvisioningEnabled = false })
}

// ResumeProvisioning turns the sync switch back on without minting a
// token: the IdP's existing tokens work again at once. Owner or
// administrator only; ErrNotFound (wrapped) if the account does not exist
// (use EnableProvisioning for the first setup, which mints the token).
func (s *Service) ResumeProvisioning(ctx context.Context, accountID string, actor Member) (store.Account, error) {
	if err := authorize(actor, "resume provisioning"); err != nil {
		return store.Account{}, err
	}
	return s.updateAccount(asAdmin(ctx, actor), accountID, false, func(a *store.Account) { a.ProvisioningEnabled = true })
}

// PreflightDomains is the check before saving a new allowed-domains list:
// it normalises domains as SetAllowedDomains would (refusing public and
// malformed domains with the same *Error) and returns the list and every
// existing member, in creation order, whose email the new list would
// refuse. It changes nothing and needs no role (it reveals only what the
// members page shows). ErrNotFound (wrapped) if the account does not
// exist.
func (s *Service) PreflightDomains(ctx context.Context, accountID string, domains []string) ([]string, []DomainViolation, error) {
	norm, err := s.NormalizeDomains(domains)
	if err != nil {
		return nil, nil, err
	}
	a, err := s.st.GetAccount(ctx, accountID)
	if err != nil {
		return nil, nil, fmt.Errorf("linking: get account: %w", err)
	}
	a.AllowedDomains = norm
	v, err := s.violations(ctx, a)
	return norm, v, err
}

// ErrNotInvited: ResendInvite was asked for a user who has no pending
// invite (already accepted, active or suspended).
var ErrNotInvited = errors.New("linking: user has no pending invite")

// ErrNoNotifier: the Service was built without a Notifier, so it cannot
// send an invite itself.
var ErrNoNotifier = errors.New("linking: no notifier")

// ResendInvite sends the invite of an invitee again, now, through the
// Notifier (the reminder schedule is unchanged). Owner or administrator
// only; an *Error of kind ErrNotInvited if the user is not a pending
// invitee; ErrNoNotifier if the Service has no Notifier; ErrNotFound
// (wrapped) for a missing user. The Notifier's error is returned wrapped.
func (s *Service) ResendInvite(ctx context.Context, accountID string, actor Member, userID string) (store.User, error) {
	if err := authorize(actor, "resend invites"); err != nil {
		return store.User{}, err
	}
	if s.n == nil {
		return store.User{}, fmt.Errorf("linking: resend invite: this Service was built without a Notifier: %w", ErrNoNotifier)
	}
	u, err := s.st.GetUser(ctx, accountID, userID)
	if err != nil {
		return store.User{}, fmt.Errorf("linking: resend invite: %w", err)
	}
	if u.State != store.StateInvited || !u.AcceptedAt.IsZero() {
		return store.User{}, refuse(ErrNotInvited, "%s has no pending invite (the user is %s)", u.UserName, u.State)
	}
	if err := s.n.SendInvite(asAdmin(ctx, actor), accountID, u); err != nil {
		return store.User{}, fmt.Errorf("linking: resend invite to %s: %w", u.ID, err)
	}
	return u, nil
}
