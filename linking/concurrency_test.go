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

	"github.com/scimkit/scimkit/feed"
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
			inv, _ := e.sent(t)
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

// TestDeliverWhileTheUserChanges: Deliver reads the user again and sends
// only what is still due when the feed hands it the event.
func TestDeliverWhileTheUserChanges(t *testing.T) {
	provision := func(t *testing.T, e *env) store.User {
		u, _, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("zoe@acme.com", "zoe@acme.com", "00u-zoe"))
		require.NoError(t, err)
		return u
	}
	t.Run("renamed before delivery: the invite goes out with the new name", func(t *testing.T) {
		e := newEnv(t)
		u := provision(t, e)
		u.DisplayName = "renamed meanwhile"
		_, err := e.st.UpdateUser(e.ctx, acct, u)
		require.NoError(t, err)
		require.NoError(t, e.deliver(t))
		inv, _ := e.n.sent()
		assert.Equal(t, []string{"acme/zoe@acme.com"}, inv)
	})
	t.Run("accepted before delivery: not invited", func(t *testing.T) {
		e := newEnv(t)
		u := provision(t, e)
		_, err := e.svc.AcceptInvite(e.ctx, acct, u.ID)
		require.NoError(t, err)
		require.NoError(t, e.deliver(t))
		inv, _ := e.n.sent()
		assert.Empty(t, inv)
	})
	t.Run("deleted before delivery: acknowledged, nothing sent", func(t *testing.T) {
		e := newEnv(t)
		u := provision(t, e)
		require.NoError(t, e.st.DeleteUser(e.ctx, acct, u.ID))
		require.NoError(t, e.deliver(t))
		inv, _ := e.n.sent()
		assert.Empty(t, inv)
	})
	t.Run("reminder of a user suspended before delivery: not sent", func(t *testing.T) {
		e := newEnv(t)
		u := provision(t, e)
		require.NoError(t, e.deliver(t))
		n, err := e.svc.ClaimReminders(e.ctx, t0.Add(48*time.Hour))
		require.NoError(t, err)
		require.Equal(t, 1, n)
		u, err = e.st.GetUser(e.ctx, acct, u.ID)
		require.NoError(t, err)
		linking.Suspend(&u)
		_, err = e.st.UpdateUser(e.ctx, acct, u)
		require.NoError(t, err)
		require.NoError(t, e.deliver(t))
		_, rem := e.n.sent()
		assert.Empty(t, rem)
	})
	t.Run("a failing notifier holds the event until it succeeds, then sends once", func(t *testing.T) {
		e := newEnv(t)
		provision(t, e)
		e.n.set(true, false)
		for range 3 {
			assert.ErrorIs(t, e.deliver(t), errSMTP, "the failure reaches the runner, which retries")
		}
		e.n.set(false, false)
		require.NoError(t, e.deliver(t))
		require.NoError(t, e.deliver(t))
		inv, _ := e.n.sent()
		assert.Equal(t, []string{"acme/zoe@acme.com"}, inv)
	})
	t.Run("without a Notifier Deliver refuses the events it would have to send", func(t *testing.T) {
		e := newEnv(t)
		provision(t, e)
		rulesOnly := linking.New(e.st, nil)
		_, err := rulesOnly.DeliverPending(e.ctx)
		assert.ErrorContains(t, err, "no Notifier")
	})
}

// TestRunNotifierLogsFailures: the runner logs a failing Notifier through
// the Service's logger and keeps the invite.
func TestRunNotifierLogsFailures(t *testing.T) {
	e := newEnv(t)
	var (
		mu  sync.Mutex
		buf bytes.Buffer
	)
	logger := slog.New(slog.NewTextHandler(&lockedWriter{mu: &mu, w: &buf}, nil))
	e.n.set(true, false)
	svc := linking.New(e.st, e.n, linking.WithClock(e.clock.Now), linking.WithLogger(logger))
	u, _, err := svc.ProvisionUserID(e.ctx, acct, idpUser("abe@acme.com", "abe@acme.com", "00u-abe"))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() {
		done <- svc.RunNotifier(ctx, time.Hour, feed.WithPoll(5*time.Millisecond), feed.WithBackoff(time.Millisecond, 5*time.Millisecond))
	}()
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Contains(buf.String(), errSMTP.Error())
	}, 10*time.Second, 5*time.Millisecond)
	e.n.set(false, false)
	require.Eventually(t, func() bool { inv, _ := e.n.sent(); return len(inv) == 1 }, 10*time.Second, 5*time.Millisecond)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	mu.Lock()
	defer mu.Unlock()
	assert.Contains(t, buf.String(), "user "+u.ID, "the log names the user")
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestCancelledContext(t *testing.T) {
	e := newEnv(t)
	_, _, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("bea@acme.com", "bea@acme.com", "00u-bea"))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	n, err := e.svc.ClaimReminders(ctx, t0.Add(72*time.Hour))
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
	assert.Equal(t, 0, n)
	_, _, err = e.svc.ProvisionUserID(ctx, acct, idpUser("cy@acme.com", "cy@acme.com", "00u-cy"))
	assert.ErrorIs(t, err, context.Canceled)
	_, rem := e.sent(t)
	assert.Empty(t, rem)
}
