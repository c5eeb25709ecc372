package linking

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scimkit/scimkit/feed"
	"github.com/scimkit/scimkit/store"
)

// NotifierConsumer is the change-feed consumer name under which RunNotifier
// delivers invites and reminders (its cursors and leases in the store).
const NotifierConsumer = "scimkit.notifier"

// Deliver is the change-feed handler (a feed.Handler) that sends what the
// feed says is due: for a store.UserInvited event the Notifier's
// SendInvite, for a store.UserReminded event its SendReminder. Other
// events are acknowledged without doing anything. RunNotifier runs it;
// a host with its own feed consumer may call it from there instead.
//
// Before sending, Deliver reads the user again and sends nothing (and
// acknowledges) when the message is no longer due: the user was deleted,
// has accepted, or the invite or reminder the event records was replaced
// by a later one (whose own event sends it). An invitee suspended before
// the invite went out still gets it, as it would have had the invite been
// sent a moment earlier; the host's accept flow refuses suspended users.
//
// An error from the Notifier (or from the store) is returned, so the
// feed runner retries the event with backoff and never skips it: an
// invite is sent at least once. The Notifier may see the same invite
// twice after a crash; (account, user id, InvitedAt) identifies an invite
// and (account, user id, RemindedAt) a reminder, for a host that wants to
// drop repeats. A Service without a Notifier returns an error for the
// events it would have to send.
func (s *Service) Deliver(ctx context.Context, e store.Event) error {
	if e.Type != store.UserInvited && e.Type != store.UserReminded {
		return nil
	}
	if s.n == nil {
		return fmt.Errorf("linking: %s event %s: the Service has no Notifier", e.Type, e.ID)
	}
	if e.Data.User == nil {
		return nil // nothing to act on (an adapter that stores no data)
	}
	ev := *e.Data.User
	u, err := s.st.GetUser(ctx, e.AccountID, e.ResourceID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("linking: read user %s for %s: %w", e.ResourceID, e.Type, err)
	}
	if !u.AcceptedAt.IsZero() || u.State == store.StateActive {
		return nil // joined meanwhile: nothing to invite or remind
	}
	if e.Type == store.UserInvited {
		if !sameInstant(u.InvitedAt, ev.InvitedAt) {
			return nil // re-invited since: that invite's event sends it
		}
		if err := s.n.SendInvite(ctx, e.AccountID, u); err != nil {
			return fmt.Errorf("linking: invite for user %s in account %s: %w", u.ID, e.AccountID, err)
		}
		return nil
	}
	if u.State != store.StateInvited || !sameInstant(u.RemindedAt, ev.RemindedAt) {
		return nil // suspended or re-claimed since: no reminder
	}
	if err := s.n.SendReminder(ctx, e.AccountID, u); err != nil {
		return fmt.Errorf("linking: reminder for user %s in account %s: %w", u.ID, e.AccountID, err)
	}
	return nil
}

// RunNotifier is the ready-made runner that sends invites and reminders.
// Until ctx is done it
//
//   - delivers the change feed to Deliver as the consumer NotifierConsumer
//     (feed.Run with opts: in order per account, at least once, resuming
//     after a restart from the committed cursor, one replica per account
//     at a time), and
//   - every interval (one minute if interval <= 0) runs ClaimInvites and
//     ClaimReminders with the Service's clock, whose writes append the
//     user.invited and user.reminded events Deliver acts on.
//
// Because the invite is recorded in the same store write that creates the
// invitee, and sent from the feed, a crash between the two loses nothing:
// after a restart the runner sends what it had not acknowledged. It
// returns ctx's error, or at once an error when the Service has no
// Notifier or opts are invalid. Running it in every replica is safe.
func (s *Service) RunNotifier(ctx context.Context, interval time.Duration, opts ...feed.Option) error {
	if s.n == nil {
		return errors.New("linking: RunNotifier needs a Service with a Notifier")
	}
	if interval <= 0 {
		interval = time.Minute
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	claims := make(chan struct{})
	go func() {
		defer close(claims)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			s.claimPass(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	opts = append([]feed.Option{feed.WithLogger(s.log)}, opts...)
	err := feed.Run(ctx, s.st, NotifierConsumer, s.Deliver, opts...)
	cancel()
	<-claims
	return err
}

func (s *Service) claimPass(ctx context.Context) {
	now := s.now()
	if n, err := s.ClaimInvites(ctx, now); err != nil && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "linking: invite claim pass", "claimed", n, "err", err)
	}
	if n, err := s.ClaimReminders(ctx, now); err != nil && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "linking: reminder claim pass", "claimed", n, "err", err)
	}
}

// DeliverPending is one synchronous delivery pass for hosts that run
// jobs on a schedule instead of RunNotifier (and for tests): it hands
// every event pending for NotifierConsumer to Deliver, with feed.Drain,
// and returns how many it handled. A failing send stops its account at
// that event, to be tried again by the next pass; the errors are
// returned. Pair it with ClaimInvites and ClaimReminders.
func (s *Service) DeliverPending(ctx context.Context) (int, error) {
	return feed.Drain(ctx, s.st, NotifierConsumer, s.Deliver, feed.WithLogger(s.log), feed.WithClock(s.now))
}
