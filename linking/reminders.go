package linking

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scimkit/scimkit/store"
)

// ClaimReminders runs one reminder pass at time now: in every account
// whose provisioning is on, every user still in StateInvited who was
// invited at or before now minus the reminder delay (48 hours by default)
// and has not been reminded gets its RemindedAt set, in a store write that
// appends the store.UserReminded event; Deliver (run by RunNotifier) then
// sends the reminder from the feed. It returns the number of reminders
// claimed.
//
// The pass is safe to run from several replicas at once: users are claimed
// with store.ClaimReminders, which hands each user to exactly one caller,
// so no reminder is claimed, and so sent, twice (a send that fails is
// retried by the feed runner, not by claiming again). Accounts with
// provisioning off are skipped until it is turned on again (invites never
// expire, so their reminders are only delayed). Invites never expire:
// there is no second reminder and no cut-off, an invitee can accept at any
// time. A Service without a Notifier returns 0 and claims nothing.
func (s *Service) ClaimReminders(ctx context.Context, now time.Time) (int, error) {
	if s.n == nil {
		return 0, nil
	}
	before := now.Add(-s.reminderAfter)
	return s.eachEnabledAccount(ctx, func(id string) (int, error) { return s.remindAccount(ctx, id, before, now) })
}

// eachEnabledAccount runs pass for every account whose provisioning is on
// and adds up its counts; errors are joined after every account was tried.
func (s *Service) eachEnabledAccount(ctx context.Context, pass func(accountID string) (int, error)) (int, error) {
	ids, err := s.st.AccountIDs(ctx)
	if err != nil {
		return 0, fmt.Errorf("linking: account ids: %w", err)
	}
	total := 0
	var errs []error
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		if _, err := s.enabledAccount(ctx, id); err != nil {
			if !errors.Is(err, ErrProvisioningOff) {
				errs = append(errs, err)
			}
			continue
		}
		n, err := pass(id)
		total += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return total, errors.Join(errs...)
}

func (s *Service) remindAccount(ctx context.Context, accountID string, before, now time.Time) (int, error) {
	claimed := 0
	for {
		users, err := s.st.ClaimReminders(ctx, accountID, before, now, reminderBatch)
		if err != nil {
			return claimed, fmt.Errorf("linking: claim reminders in account %s: %w", accountID, err)
		}
		claimed += len(users)
		if len(users) < reminderBatch {
			return claimed, nil
		}
	}
}

// retryPage is how many invited users ClaimInvites reads per store call.
const retryPage = 500

// ClaimInvites issues the invites still pending: in every account whose
// provisioning is on, each user in StateInvited whose InvitedAt is zero
// (an invitee stored by a Service without a Notifier, or by the host
// without inviting) gets InvitedAt now, with an optimistic version check,
// in a store write that appends the store.UserInvited event; Deliver (run
// by RunNotifier) then sends the invite from the feed. Safe from several
// replicas at once: only the replica whose version check wins claims.
// Returns the number of invites claimed. The reminder then falls due the
// reminder delay after this claim. A Service without a Notifier returns 0
// and claims nothing.
func (s *Service) ClaimInvites(ctx context.Context, now time.Time) (int, error) {
	if s.n == nil {
		return 0, nil
	}
	return s.eachEnabledAccount(ctx, func(id string) (int, error) { return s.retryAccount(ctx, id, now) })
}

func (s *Service) retryAccount(ctx context.Context, accountID string, now time.Time) (int, error) {
	invited := store.Compare{Attr: store.AttrState, Op: store.OpEq, Value: string(store.StateInvited)}
	var pending []store.User
	for start := 1; ; {
		page, err := s.st.ListUsers(ctx, accountID, store.Query{Filter: invited, StartIndex: start, Count: retryPage})
		if err != nil {
			return 0, fmt.Errorf("linking: list invited users in account %s: %w", accountID, err)
		}
		for _, u := range page.Users {
			if u.InvitedAt.IsZero() {
				pending = append(pending, u)
			}
		}
		start += len(page.Users)
		if len(page.Users) == 0 || start > page.Total {
			break
		}
	}
	claimed := 0
	var errs []error
	for _, u := range pending {
		ok, err := s.claimPending(ctx, accountID, u, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ok {
			claimed++
		}
	}
	return claimed, errors.Join(errs...)
}
