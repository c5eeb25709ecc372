package linking

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scimkit/scimkit/store"
)

// SendReminders runs one reminder pass at time now: in every account whose
// provisioning is on, every user still in StateInvited who was invited at
// or before now minus the reminder delay (48 hours by default) and has not
// been reminded gets exactly one Notifier.SendReminder. It returns the
// number of reminders sent.
//
// The pass is safe to run from several replicas at once: users are claimed
// with store.ClaimReminders, which hands each user to exactly one caller,
// so no reminder is sent twice. A reminder whose SendReminder fails is
// released again (RemindedAt reset, if the user has not changed since) so
// that a later pass retries it; the errors are returned joined after the
// pass has gone through every account. Accounts with provisioning off are
// skipped until it is turned on again (invites never expire, so their
// reminders are only delayed). Invites never expire: there is no second
// reminder and no cut-off, an invitee can accept at any time. A Service
// without a Notifier returns 0 and claims nothing.
func (s *Service) SendReminders(ctx context.Context, now time.Time) (int, error) {
	if s.n == nil {
		return 0, nil
	}
	ids, err := s.st.AccountIDs(ctx)
	if err != nil {
		return 0, fmt.Errorf("linking: account ids: %w", err)
	}
	before := now.Add(-s.reminderAfter)
	sent := 0
	var errs []error
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		if _, err := s.enabledAccount(ctx, id); err != nil {
			if !errors.Is(err, ErrProvisioningOff) {
				errs = append(errs, err)
			}
			continue
		}
		n, err := s.remindAccount(ctx, id, before, now)
		sent += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

func (s *Service) remindAccount(ctx context.Context, accountID string, before, now time.Time) (int, error) {
	sent := 0
	var errs []error
	for {
		users, err := s.st.ClaimReminders(ctx, accountID, before, now, reminderBatch)
		if err != nil {
			errs = append(errs, fmt.Errorf("linking: claim reminders in account %s: %w", accountID, err))
			return sent, errors.Join(errs...)
		}
		for _, u := range users {
			if err := s.n.SendReminder(ctx, accountID, u); err != nil {
				s.log.ErrorContext(ctx, "linking: reminder not sent; a later pass will try again",
					"account", accountID, "user", u.ID, "err", err)
				errs = append(errs, fmt.Errorf("linking: reminder for user %s in account %s: %w", u.ID, accountID, err))
				if rerr := s.releaseReminder(ctx, accountID, u); rerr != nil {
					s.log.ErrorContext(ctx, "linking: could not release failed reminder",
						"account", accountID, "user", u.ID, "err", rerr)
				}
				continue
			}
			sent++
		}
		// A released reminder is claimable again at once; stop after a short
		// batch rather than claiming it twice in the same pass.
		if len(users) < reminderBatch || len(errs) > 0 {
			return sent, errors.Join(errs...)
		}
	}
}

// releaseReminder undoes the claim of a reminder that could not be sent,
// unless the user has changed since (accepted, suspended, reclaimed).
func (s *Service) releaseReminder(ctx context.Context, accountID string, u store.User) error {
	claimed := u.RemindedAt
	_, err := store.UpdateUser(ctx, s.st, accountID, u.ID, func(u store.User) (store.User, error) {
		if u.State == store.StateInvited && sameInstant(u.RemindedAt, claimed) {
			u.RemindedAt = time.Time{}
		}
		return u, nil
	})
	return err
}

// retryPage is how many invited users RetryInvites reads per store call.
const retryPage = 500

// RetryInvites sends the invites that failed: in every account whose
// provisioning is on, each user in StateInvited whose InvitedAt is zero (an
// invite that SendInvite could not deliver, or an invitee the host stored
// without inviting) is claimed by setting InvitedAt to now with an
// optimistic version check, then Notifier.SendInvite is called; a failure
// releases the claim again. Safe from several replicas at once: only the
// replica whose version check wins sends. Returns the number of invites
// sent. The reminder then falls due the reminder delay after this retry.
// A Service without a Notifier returns 0 and claims nothing.
func (s *Service) RetryInvites(ctx context.Context, now time.Time) (int, error) {
	if s.n == nil {
		return 0, nil
	}
	ids, err := s.st.AccountIDs(ctx)
	if err != nil {
		return 0, fmt.Errorf("linking: account ids: %w", err)
	}
	sent := 0
	var errs []error
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		if _, err := s.enabledAccount(ctx, id); err != nil {
			if !errors.Is(err, ErrProvisioningOff) {
				errs = append(errs, err)
			}
			continue
		}
		n, err := s.retryAccount(ctx, id, now)
		sent += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
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
	sent := 0
	var errs []error
	for _, u := range pending {
		out, err := s.sendPending(ctx, accountID, u, now)
		if err != nil {
			s.log.ErrorContext(ctx, "linking: invite retry failed; a later pass will try again",
				"account", accountID, "user", u.ID, "err", err)
			errs = append(errs, err)
			continue
		}
		if !out.InvitedAt.IsZero() && out.Version != u.Version {
			sent++
		}
	}
	return sent, errors.Join(errs...)
}

// RunReminders is the ready-made runner for hosts that do not schedule the
// passes themselves: it runs RetryInvites and SendReminders at once and
// then every interval, with the Service's clock, until ctx is done, and
// returns ctx's error. Failures of a pass are logged and do not stop the
// loop. The host starts it in its own goroutine (New never does); running
// it in every replica is safe. interval <= 0 means one minute.
func (s *Service) RunReminders(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.runPass(ctx)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (s *Service) runPass(ctx context.Context) {
	now := s.now()
	if n, err := s.RetryInvites(ctx, now); err != nil && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "linking: invite retry pass", "sent", n, "err", err)
	}
	if n, err := s.SendReminders(ctx, now); err != nil && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "linking: reminder pass", "sent", n, "err", err)
	}
}
