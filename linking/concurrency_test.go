package linking_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

// race runs f n times at once and returns the results.
func race[T any](n int, f func(i int) T) []T {
	out := make([]T, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			out[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return out
}

type provisioned struct {
	u   store.User
	out linking.Outcome
	err error
}

func TestProvisionUserConcurrent(t *testing.T) {
	const n = 8
	tests := []struct {
		name     string
		hostUser bool
		// in returns the i-th concurrent request.
		in func(i int) store.User
		// wantOK requests succeed with wantOut; the rest fail with wantErr.
		wantOut linking.Outcome
		wantErr error
		invites int
	}{
		{
			name:     "different identities race for one host user: one links, the others are told it is linked elsewhere",
			hostUser: true,
			in: func(i int) store.User {
				return idpUser(fmt.Sprintf("x%d@acme.com", i), "xena@acme.com", fmt.Sprintf("00u-%d", i))
			},
			wantOut: linking.OutcomeLinked,
			wantErr: linking.ErrLinkedElsewhere,
		},
		{
			name:     "the same identity retried concurrently: one links, the others conflict",
			hostUser: true,
			in:       func(int) store.User { return idpUser("xena@acme.com", "xena@acme.com", "00u-xena") },
			wantOut:  linking.OutcomeLinked,
			wantErr:  store.ErrConflict,
		},
		{
			name:    "a new user created concurrently: one created and invited once, the others conflict",
			in:      func(int) store.User { return idpUser("yan@acme.com", "yan@acme.com", "00u-yan") },
			wantOut: linking.OutcomeCreated,
			wantErr: store.ErrConflict,
			invites: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if tt.hostUser {
				e.hostUser(t, "xena", "xena@acme.com")
			}
			res := race(n, func(i int) provisioned {
				u, out, err := e.svc.ProvisionUserID(e.ctx, acct, tt.in(i))
				return provisioned{u, out, err}
			})
			ok := 0
			for _, r := range res {
				if r.err == nil {
					ok++
					assert.Equal(t, tt.wantOut, r.out)
					continue
				}
				assert.ErrorIs(t, r.err, tt.wantErr)
			}
			assert.Equal(t, 1, ok, "exactly one request wins")
			assert.Len(t, e.allUsers(t), 1, "one user in the end")
			inv, _ := e.n.sent()
			assert.Len(t, inv, tt.invites)
		})
	}
}

func TestProvisionGroupConcurrent(t *testing.T) {
	e := newEnv(t)
	g, err := e.st.CreateGroup(e.ctx, acct, store.Group{DisplayName: "Eng", Managed: true}, nil)
	require.NoError(t, err)
	res := race(8, func(i int) error {
		_, out, err := e.svc.ProvisionGroupID(e.ctx, acct, store.Group{DisplayName: "eng", ExternalID: fmt.Sprintf("00g-%d", i)}, nil)
		if err == nil {
			assert.Equal(t, linking.OutcomeLinked, out)
		}
		return err
	})
	ok := 0
	for _, err := range res {
		if err == nil {
			ok++
			continue
		}
		assert.ErrorIs(t, err, store.ErrConflict)
	}
	assert.Equal(t, 1, ok, "the group is adopted once")
	gs := e.allGroups(t)
	require.Len(t, gs, 1)
	assert.Equal(t, g.ID, gs[0].ID)
	assert.True(t, gs[0].Linked)
}

// hookNotifier runs a function before failing or succeeding, to simulate
// the host changing a user while a message is being sent.
type hookNotifier struct {
	invite, reminder func(ctx context.Context, u store.User) error
}

func (h hookNotifier) SendInvite(ctx context.Context, _ string, u store.User) error {
	if h.invite == nil {
		return nil
	}
	return h.invite(ctx, u)
}

func (h hookNotifier) SendReminder(ctx context.Context, _ string, u store.User) error {
	if h.reminder == nil {
		return nil
	}
	return h.reminder(ctx, u)
}

func TestFailedMessagesWhileTheUserChanges(t *testing.T) {
	rename := func(e *env) func(ctx context.Context, u store.User) error {
		return func(ctx context.Context, u store.User) error {
			u, err := e.st.GetUser(ctx, acct, u.ID)
			if err != nil {
				return err
			}
			u.DisplayName = "renamed meanwhile"
			if _, err := e.st.UpdateUser(ctx, acct, u); err != nil {
				return err
			}
			return errSMTP
		}
	}
	accept := func(e *env) func(ctx context.Context, u store.User) error {
		return func(ctx context.Context, u store.User) error {
			if _, err := e.svc.AcceptInvite(ctx, acct, u.ID); err != nil {
				return err
			}
			return errSMTP
		}
	}
	t.Run("failed invite, user renamed meanwhile: still released for retry", func(t *testing.T) {
		e := newEnv(t)
		svc := linking.New(e.st, hookNotifier{invite: rename(e)}, linking.WithClock(e.clock.Now))
		u, _, err := svc.ProvisionUserID(e.ctx, acct, idpUser("zoe@acme.com", "zoe@acme.com", "00u-zoe"))
		require.NoError(t, err)
		assert.True(t, u.InvitedAt.IsZero())
		assert.Equal(t, "renamed meanwhile", u.DisplayName, "the answer is the stored user")
		n, err := e.svc.RetryInvites(e.ctx, e.clock.Now())
		require.NoError(t, err)
		assert.Equal(t, 1, n)
	})
	t.Run("failed invite, user accepted meanwhile: not re-invited", func(t *testing.T) {
		e := newEnv(t)
		svc := linking.New(e.st, hookNotifier{invite: accept(e)}, linking.WithClock(e.clock.Now))
		u, _, err := svc.ProvisionUserID(e.ctx, acct, idpUser("zoe@acme.com", "zoe@acme.com", "00u-zoe"))
		require.NoError(t, err)
		assert.Equal(t, store.StateActive, u.State)
		n, err := e.svc.RetryInvites(e.ctx, e.clock.Now())
		require.NoError(t, err)
		assert.Equal(t, 0, n)
	})
	t.Run("failed reminder, user renamed meanwhile: released and sent by the next pass", func(t *testing.T) {
		e := newEnv(t)
		_, _, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("zoe@acme.com", "zoe@acme.com", "00u-zoe"))
		require.NoError(t, err)
		svc := linking.New(e.st, hookNotifier{reminder: rename(e)}, linking.WithClock(e.clock.Now))
		n, err := svc.SendReminders(e.ctx, t0.Add(48*time.Hour))
		assert.ErrorIs(t, err, errSMTP)
		assert.Equal(t, 0, n)
		n, err = e.svc.SendReminders(e.ctx, t0.Add(49*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, 1, n)
	})
	t.Run("failed reminder, user accepted meanwhile: not reminded again", func(t *testing.T) {
		e := newEnv(t)
		_, _, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("zoe@acme.com", "zoe@acme.com", "00u-zoe"))
		require.NoError(t, err)
		svc := linking.New(e.st, hookNotifier{reminder: accept(e)}, linking.WithClock(e.clock.Now))
		_, err = svc.SendReminders(e.ctx, t0.Add(48*time.Hour))
		assert.ErrorIs(t, err, errSMTP)
		n, err := e.svc.SendReminders(e.ctx, t0.Add(49*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, 0, n)
	})
}

func TestFailuresAreLogged(t *testing.T) {
	e := newEnv(t)
	var buf bytes.Buffer
	svc := linking.New(e.st, e.n, linking.WithClock(e.clock.Now),
		linking.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	e.n.set(true, false)
	u, _, err := svc.ProvisionUserID(e.ctx, acct, idpUser("abe@acme.com", "abe@acme.com", "00u-abe"))
	require.NoError(t, err)
	assert.True(t, strings.Contains(buf.String(), "invite not sent") && strings.Contains(buf.String(), "user="+u.ID) &&
		strings.Contains(buf.String(), errSMTP.Error()), "log: %s", buf.String())
}

func TestCancelledContext(t *testing.T) {
	e := newEnv(t)
	_, _, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("bea@acme.com", "bea@acme.com", "00u-bea"))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	n, err := e.svc.SendReminders(ctx, t0.Add(72*time.Hour))
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
	assert.Equal(t, 0, n)
	_, _, err = e.svc.ProvisionUserID(ctx, acct, idpUser("cy@acme.com", "cy@acme.com", "00u-cy"))
	assert.ErrorIs(t, err, context.Canceled)
	_, rem := e.n.sent()
	assert.Empty(t, rem)
}
