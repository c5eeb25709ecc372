package linking_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// t0 is when every test starts.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fakeClock is a settable clock shared by the store and the service.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// recorder is a Notifier that records what it was asked to send and can be
// told to fail.
type recorder struct {
	mu           sync.Mutex
	invites      []string // "account/userName"
	reminders    []string
	failInvite   bool
	failReminder bool
}

var errSMTP = errors.New("smtp: connection refused")

func (r *recorder) SendInvite(_ context.Context, accountID string, u store.User) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failInvite {
		return errSMTP
	}
	r.invites = append(r.invites, accountID+"/"+u.UserName)
	return nil
}

func (r *recorder) SendReminder(_ context.Context, accountID string, u store.User) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failReminder {
		return errSMTP
	}
	r.reminders = append(r.reminders, accountID+"/"+u.UserName)
	return nil
}

func (r *recorder) set(failInvite, failReminder bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failInvite, r.failReminder = failInvite, failReminder
}

func (r *recorder) sent() (invites, reminders []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string{}, r.invites...), append([]string{}, r.reminders...)
}

// env is one test's world: a memstore, a service, a clock and a recorder,
// with account "acme" provisioning-enabled for acme.com and acme.org.
type env struct {
	ctx   context.Context
	clock *fakeClock
	st    *memstore.Store
	n     *recorder
	svc   *linking.Service
}

const acct = "acme"

var owner = linking.Member{ID: "m-owner", Role: linking.RoleOwner}

func newEnv(t *testing.T, opts ...linking.Option) *env {
	t.Helper()
	clock := &fakeClock{now: t0}
	var mu sync.Mutex
	next := 0
	ids := func() string {
		mu.Lock()
		defer mu.Unlock()
		next++
		return fmt.Sprintf("id%04d", next)
	}
	st := memstore.New(memstore.WithClock(clock.Now), memstore.WithIDs(ids))
	n := &recorder{}
	svc := linking.New(st, n, append([]linking.Option{linking.WithClock(clock.Now)}, opts...)...)
	e := &env{ctx: t.Context(), clock: clock, st: st, n: n, svc: svc}
	require.NoError(t, svc.SetAllowedDomains(e.ctx, acct, owner, []string{"acme.com", "acme.org"}))
	_, err := svc.EnableProvisioning(e.ctx, acct, owner, "okta")
	require.NoError(t, err)
	return e
}

// hostUser stores an existing host member (not linked, active).
func (e *env) hostUser(t *testing.T, userName, email string) store.User {
	t.Helper()
	u := store.User{UserName: userName, State: store.StateActive, DisplayName: "host " + userName}
	if email != "" {
		u.Emails = []store.Email{{Value: email, Type: "work", Primary: true}}
	}
	u, err := e.st.CreateUser(e.ctx, acct, u)
	require.NoError(t, err)
	return u
}

// setDomains writes the account's allowed domains directly, bypassing the
// checks of SetAllowedDomains (to list a public domain).
func (e *env) setDomains(t *testing.T, domains ...string) {
	t.Helper()
	a, err := e.st.GetAccount(e.ctx, acct)
	require.NoError(t, err)
	a.AllowedDomains = domains
	_, err = e.st.UpdateAccount(e.ctx, a)
	require.NoError(t, err)
}

// idpUser is what the SCIM layer maps from an Okta create.
func idpUser(userName, email, externalID string) store.User {
	u := store.User{
		UserName:    userName,
		ExternalID:  externalID,
		Name:        store.Name{GivenName: "Given", FamilyName: "Family"},
		DisplayName: "Given Family",
		Locale:      "en-US",
	}
	if email != "" {
		u.Emails = []store.Email{{Value: email, Type: "work", Primary: true}}
	}
	return u
}

// allUsers returns every user of the account.
func (e *env) allUsers(t *testing.T) []store.User {
	t.Helper()
	p, err := e.st.ListUsers(e.ctx, acct, store.Query{Count: 10000})
	require.NoError(t, err)
	return p.Users
}

func (e *env) allGroups(t *testing.T) []store.Group {
	t.Helper()
	p, err := e.st.ListGroups(e.ctx, acct, store.Query{Count: 10000})
	require.NoError(t, err)
	return p.Groups
}

// detail returns the *linking.Error's Detail, failing if err is not one.
func detail(t *testing.T, err error) string {
	t.Helper()
	var le *linking.Error
	require.ErrorAs(t, err, &le)
	return le.Detail
}

// deliver runs one delivery pass of the notifier consumer (the events of
// every account, in order; an account stops at its first failure, which
// the next pass retries, as the runner does) and returns the failures.
func (e *env) deliver(t *testing.T) error {
	t.Helper()
	_, err := e.svc.DeliverPending(e.ctx)
	return err
}

// sent delivers the feed as RunNotifier would (failures stay pending for
// the next call) and returns everything the notifier has sent so far.
func (e *env) sent(t *testing.T) (invites, reminders []string) {
	t.Helper()
	_ = e.deliver(t)
	return e.n.sent()
}
