package linking_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/feed"
	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

func TestClaimReminders(t *testing.T) {
	const day = 24 * time.Hour
	// Each step runs a pass at t0+at (after doing, if set) and expects that
	// many reminders from that pass.
	type step struct {
		at time.Duration
		do func(t *testing.T, e *env, u store.User)
		// claims is how many reminders the pass claims; the feed then
		// sends them (a failing send stays in the feed until it works).
		claims int
	}
	tests := []struct {
		name  string
		steps []step
		// wantState is the invitee's state at the end.
		wantState store.UserState
	}{
		{
			name:      "not at 1 day 23 hours",
			steps:     []step{{at: day + 23*time.Hour, claims: 0}, {at: 2*day - time.Second, claims: 0}},
			wantState: store.StateInvited,
		},
		{
			name:      "exactly at 2 days",
			steps:     []step{{at: 2 * day, claims: 1}},
			wantState: store.StateInvited,
		},
		{
			name:      "never twice",
			steps:     []step{{at: 2 * day, claims: 1}, {at: 2 * day, claims: 0}, {at: 3 * day, claims: 0}, {at: 30 * day, claims: 0}},
			wantState: store.StateInvited,
		},
		{
			name:      "late passes still send the one reminder",
			steps:     []step{{at: day, claims: 0}, {at: 10 * day, claims: 1}},
			wantState: store.StateInvited,
		},
		{
			name: "not after acceptance",
			steps: []step{{at: day, claims: 0, do: func(t *testing.T, e *env, u store.User) {
				_, err := e.svc.AcceptInvite(e.ctx, acct, u.ID)
				require.NoError(t, err)
			}}, {at: 2 * day, claims: 0}},
			wantState: store.StateActive,
		},
		{
			name: "not while suspended; due again once reactivated",
			steps: []step{
				{at: day, claims: 0, do: func(t *testing.T, e *env, u store.User) {
					linking.Suspend(&u)
					_, err := e.st.UpdateUser(e.ctx, acct, u)
					require.NoError(t, err)
				}},
				{at: 3 * day, claims: 0},
				{at: 4 * day, claims: 1, do: func(t *testing.T, e *env, u store.User) {
					u, err := e.st.GetUser(e.ctx, acct, u.ID)
					require.NoError(t, err)
					linking.Reactivate(&u)
					_, err = e.st.UpdateUser(e.ctx, acct, u)
					require.NoError(t, err)
				}},
			},
			wantState: store.StateInvited,
		},
		{
			name:      "no expiry after 90 days: still invited, still accepts",
			steps:     []step{{at: 2 * day, claims: 1}, {at: 90 * day, claims: 0}, {at: 91 * day, claims: 0}},
			wantState: store.StateInvited,
		},
		{
			name: "skipped while provisioning is off, resumes when on",
			steps: []step{
				{at: 2 * day, claims: 0, do: func(t *testing.T, e *env, _ store.User) {
					require.NoError(t, e.svc.DisableProvisioning(e.ctx, acct, owner))
				}},
				{at: 3 * day, claims: 1, do: func(t *testing.T, e *env, _ store.User) {
					_, err := e.svc.EnableProvisioning(e.ctx, acct, owner, "again")
					require.NoError(t, err)
				}},
			},
			wantState: store.StateInvited,
		},
		{
			name: "a failed reminder stays in the feed and is sent once when the notifier works again",
			steps: []step{
				{at: 2 * day, claims: 1, do: func(t *testing.T, e *env, _ store.User) { e.n.set(false, true) }},
				{at: 2*day + time.Hour, claims: 0, do: func(t *testing.T, e *env, _ store.User) { e.n.set(false, false) }},
				{at: 3 * day, claims: 0},
			},
			wantState: store.StateInvited,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			u, _, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("sam@acme.com", "sam@acme.com", "00u-sam"))
			require.NoError(t, err)
			total := 0
			for i, s := range tt.steps {
				e.clock.now = t0.Add(s.at) // single goroutine here
				if s.do != nil {
					s.do(t, e, u)
				}
				n, err := e.svc.ClaimReminders(e.ctx, e.clock.Now())
				assert.NoError(t, err, "step %d", i)
				assert.Equal(t, s.claims, n, "step %d (t0+%v)", i, s.at)
				total += n
				if err := e.deliver(t); e.n.failReminder {
					assert.ErrorIs(t, err, errSMTP, "step %d: the failure reaches the runner", i)
				} else {
					assert.NoError(t, err, "step %d", i)
				}
			}
			_, rem := e.n.sent()
			assert.Len(t, rem, total, "every claimed reminder sent once")
			got, err := e.st.GetUser(e.ctx, acct, u.ID)
			require.NoError(t, err)
			assert.Equal(t, tt.wantState, got.State)
			if tt.wantState == store.StateInvited {
				acc, err := e.svc.AcceptInvite(e.ctx, acct, u.ID)
				require.NoError(t, err, "an invite can always be accepted")
				assert.Equal(t, store.StateActive, acc.State)
			}
		})
	}
}

func TestClaimRemindersCustomDelay(t *testing.T) {
	e := newEnv(t, linking.WithReminderAfter(time.Hour))
	_, _, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("tia@acme.com", "tia@acme.com", "00u-tia"))
	require.NoError(t, err)
	n, err := e.svc.ClaimReminders(e.ctx, t0.Add(59*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	n, err = e.svc.ClaimReminders(e.ctx, t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

// TestClaimRemindersConcurrent runs many passes at once, from several
// Service values sharing one store as replicas would, over more invitees
// than one claim batch, in two accounts: every invitee is reminded exactly
// once.
func TestClaimRemindersConcurrent(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, e.svc.SetAllowedDomains(e.ctx, "beta", owner, []string{"beta.io"}))
	_, err := e.svc.EnableProvisioning(e.ctx, "beta", owner, "okta")
	require.NoError(t, err)
	const perAccount = 230
	for i := range perAccount {
		for _, a := range []struct{ id, domain string }{{acct, "acme.com"}, {"beta", "beta.io"}} {
			email := fmt.Sprintf("u%03d@%s", i, a.domain)
			_, _, err := e.svc.ProvisionUserID(e.ctx, a.id, idpUser(email, email, "00u-"+email))
			require.NoError(t, err)
		}
	}
	now := t0.Add(48 * time.Hour)
	const replicas, passesEach = 4, 3
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
		errs  []error
	)
	start := make(chan struct{})
	for range replicas {
		svc := linking.New(e.st, e.n, linking.WithClock(e.clock.Now))
		for range passesEach {
			wg.Go(func() {
				<-start
				n, err := svc.ClaimReminders(e.ctx, now)
				mu.Lock()
				defer mu.Unlock()
				total += n
				if err != nil {
					errs = append(errs, err)
				}
			})
		}
	}
	close(start)
	wg.Wait()
	assert.Empty(t, errs)
	assert.Equal(t, 2*perAccount, total, "sum of the counts of all passes")
	_, rem := e.sent(t)
	assert.Len(t, rem, 2*perAccount)
	seen := map[string]int{}
	for _, r := range rem {
		seen[r]++
	}
	for who, n := range seen {
		if n != 1 {
			t.Errorf("%s reminded %d times, want once", who, n)
		}
	}
	assert.Len(t, seen, 2*perAccount, "every invitee reminded")
}

// TestClaimInvitesConcurrent: several replicas claiming the same pending
// invites (stored by a rules-only Service) issue each exactly once, and
// the feed sends each once.
func TestClaimInvitesConcurrent(t *testing.T) {
	e := newEnv(t)
	rulesOnly := linking.New(e.st, nil, linking.WithClock(e.clock.Now))
	const users = 40
	for i := range users {
		email := fmt.Sprintf("r%02d@acme.com", i)
		_, _, err := rulesOnly.ProvisionUserID(e.ctx, acct, idpUser(email, email, "00u-"+email))
		require.NoError(t, err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
	)
	start := make(chan struct{})
	for range 6 {
		svc := linking.New(e.st, e.n, linking.WithClock(e.clock.Now))
		wg.Go(func() {
			<-start
			n, err := svc.ClaimInvites(e.ctx, t0.Add(time.Minute))
			assert.NoError(t, err)
			mu.Lock()
			total += n
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	assert.Equal(t, users, total)
	inv, _ := e.sent(t)
	assert.Len(t, inv, users)
	seen := map[string]bool{}
	for _, s := range inv {
		assert.False(t, seen[s], "%s invited twice", s)
		seen[s] = true
	}
}

// TestRunNotifier drives the real runner: the invite goes out from the
// feed, the claim pass claims the reminder 48 hours later, and the feed
// sends it; then the runner stops.
func TestRunNotifier(t *testing.T) {
	e := newEnv(t)
	_, _, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("una@acme.com", "una@acme.com", "00u-una"))
	require.NoError(t, err)
	e.clock.Advance(48 * time.Hour)
	ctx, cancel := context.WithCancel(e.ctx)
	n := &cancelOnReminder{recorder: e.n, cancel: cancel}
	svc := linking.New(e.st, n, linking.WithClock(e.clock.Now))
	err = svc.RunNotifier(ctx, time.Hour, feed.WithPoll(5*time.Millisecond))
	assert.ErrorIs(t, err, context.Canceled)
	inv, rem := e.n.sent()
	assert.Equal(t, []string{"acme/una@acme.com"}, inv)
	assert.Equal(t, []string{"acme/una@acme.com"}, rem)

	err = linking.New(e.st, nil).RunNotifier(e.ctx, time.Hour)
	assert.ErrorContains(t, err, "Notifier", "a Service without a Notifier cannot run it")
}

// cancelOnReminder cancels the runner's context once a reminder is sent.
type cancelOnReminder struct {
	*recorder
	cancel context.CancelFunc
}

func (c *cancelOnReminder) SendReminder(ctx context.Context, accountID string, u store.User) error {
	defer c.cancel()
	return c.recorder.SendReminder(ctx, accountID, u)
}

// TestNilNotifier: a rules-only Service (the SCIM handler's default) stores
// invitees with the invite pending and sends and claims nothing; the host's
// Service with a Notifier then sends the invite, and the reminder 48 hours
// after it.
func TestNilNotifier(t *testing.T) {
	e := newEnv(t)
	rulesOnly := linking.New(e.st, nil, linking.WithClock(e.clock.Now))
	u, out, err := rulesOnly.ProvisionUserID(e.ctx, acct, idpUser("ned@acme.com", "ned@acme.com", "00u-ned"))
	require.NoError(t, err)
	assert.Equal(t, linking.OutcomeCreated, out)
	assert.Equal(t, store.StateInvited, u.State)
	assert.True(t, u.InvitedAt.IsZero(), "the invite is pending, not pretended sent")

	for _, pass := range []func(context.Context, time.Time) (int, error){rulesOnly.ClaimReminders, rulesOnly.ClaimInvites} {
		n, err := pass(e.ctx, t0.Add(72*time.Hour))
		assert.NoError(t, err)
		assert.Equal(t, 0, n, "a Service without a Notifier sends and claims nothing")
	}

	n, err := e.svc.ClaimInvites(e.ctx, t0)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the host's Service sends the invite")
	inv, _ := e.sent(t)
	assert.Len(t, inv, 1)

	n, err = e.svc.ClaimReminders(e.ctx, t0.Add(47*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 0, n, "the reminder clock starts when the invite is sent")
	n, err = e.svc.ClaimReminders(e.ctx, t0.Add(48*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the host's Service sends the reminder")
}
