package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scimkit/scimkit/store"
)

// test is one named check run on a fresh store.
type test struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

// Run checks that the stores newStore returns obey the store.Store
// contract. Every subtest calls newStore once and creates its own accounts
// (with random ids, so a store shared between subtests also works). Run
// checks only what the package store documents, never an adapter's
// internals; errors are matched with errors.Is and errors.As, so adapters
// may wrap them.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	groups := []struct {
		name  string
		tests []test
	}{
		{"Accounts", accountTests},
		{"Tokens", tokenTests},
		{"Users", userTests},
		{"List", listTests},
		{"Filter", filterTests},
		{"Attributes", attributeTests},
		{"Groups", groupTests},
		{"Reminders", reminderTests},
		{"Isolation", isolationTests},
		{"NotFound", missingAccountTests},
		{"Context", contextTests},
		{"Copies", copyTests},
		{"Contract", contractTests},
		{"Identity", identityTests},
		{"Feed", feedTests},
		{"Limits", limitTests},
	}
	var c tally
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				c.rule(t, g.name+"/"+tc.name, tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
			}
		})
	}
	c.report(t, "Run")
}

// tally counts the rules (subtests) a suite ran and how many passed, for
// its summary line.
type tally struct {
	run, passed int
	failed      []string
}

// rule runs fn as the subtest name (path is its name in the summary). A
// panic in the adapter fails the rule, with its stack, instead of ending
// the whole suite. Rules that -run leaves out are not counted.
func (c *tally) rule(t *testing.T, path, name string, fn func(t *testing.T)) {
	t.Helper()
	ran := false
	ok := t.Run(name, func(t *testing.T) {
		ran = true
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("the store panicked: %v\n%s", r, debug.Stack())
			}
		}()
		fn(t)
	})
	if !ran { // left out by -run
		return
	}
	c.run++
	if ok {
		c.passed++
	} else {
		c.failed = append(c.failed, path)
	}
}

// report logs the summary line: "storetest: Run: n of m rules pass", and
// the rules that failed.
func (c *tally) report(t *testing.T, suite string) {
	t.Helper()
	if c.run == 0 {
		return
	}
	if len(c.failed) == 0 {
		t.Logf("storetest: %s: %d of %d rules pass", suite, c.passed, c.run)
		return
	}
	t.Logf("storetest: %s: %d of %d rules pass; failing: %s", suite, c.passed, c.run, strings.Join(c.failed, ", "))
}

// RunConcurrency checks the concurrency promises of the store.Store
// contract with many goroutines racing on one store: exactly one of
// concurrent conflicting writes wins, and no concurrent membership change
// or reminder claim is lost or duplicated. It is slower than Run, so it is
// a separate function; run it under the race detector.
func RunConcurrency(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	var c tally
	for _, tc := range append(slices.Clone(concurrencyTests), feedConcurrencyTests...) {
		c.rule(t, "Concurrency/"+tc.name, "Concurrency/"+tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
	c.report(t, "RunConcurrency")
}

// fail reports that rule was broken and stops the test.
func fail(t *testing.T, rule string, format string, args ...any) {
	t.Helper()
	t.Fatalf("%s\n\t%s", rule, fmt.Sprintf(format, args...))
}

// noErr stops the test if err is not nil; rule says what was being done.
func noErr(t *testing.T, err error, rule string) {
	t.Helper()
	if err != nil {
		fail(t, rule, "unexpected error: %v", err)
	}
}

// isErr stops the test unless errors.Is(err, target).
func isErr(t *testing.T, err, target error, rule string) {
	t.Helper()
	if !errors.Is(err, target) {
		fail(t, rule, "got error %v, want one matching %v (errors.Is)", err, target)
	}
}

// conflictOn stops the test unless err is (or wraps) a *store.ConflictError
// naming attr, and matches store.ErrConflict.
func conflictOn(t *testing.T, err error, attr, rule string) {
	t.Helper()
	isErr(t, err, store.ErrConflict, rule)
	var ce *store.ConflictError
	if !errors.As(err, &ce) {
		fail(t, rule, "got %v, want a *store.ConflictError (errors.As) naming %q", err, attr)
	}
	if ce.Attribute != attr {
		fail(t, rule, "ConflictError names attribute %q, want %q", ce.Attribute, attr)
	}
}

// randomID returns a fresh random suffix for account ids.
func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newAccount creates an account with a random id and returns the id.
func newAccount(t *testing.T, s store.Store) string {
	t.Helper()
	a, err := s.CreateAccount(t.Context(), store.Account{ID: "storetest-" + randomID(), ProvisioningEnabled: true})
	noErr(t, err, "CreateAccount with a new id must succeed")
	return a.ID
}

// user returns a valid active user with the userName.
func user(userName string) store.User {
	return store.User{UserName: userName, State: store.StateActive}
}

// createUser stores u and returns it.
func createUser(t *testing.T, s store.Store, acct string, u store.User) store.User {
	t.Helper()
	got, err := s.CreateUser(t.Context(), acct, u)
	noErr(t, err, fmt.Sprintf("CreateUser(%q) of a valid, unique user must succeed", u.UserName))
	return got
}

// createGroup stores g with members and returns it.
func createGroup(t *testing.T, s store.Store, acct string, g store.Group, members ...string) store.Group {
	t.Helper()
	got, err := s.CreateGroup(t.Context(), acct, g, members)
	noErr(t, err, fmt.Sprintf("CreateGroup(%q) of a valid, unique group must succeed", g.DisplayName))
	return got
}

func getUser(t *testing.T, s store.Store, acct, id string) store.User {
	t.Helper()
	u, err := s.GetUser(t.Context(), acct, id)
	noErr(t, err, "GetUser of a stored user must succeed")
	return u
}

func getGroup(t *testing.T, s store.Store, acct, id string) store.Group {
	t.Helper()
	g, err := s.GetGroup(t.Context(), acct, id)
	noErr(t, err, "GetGroup of a stored group must succeed")
	return g
}

func members(t *testing.T, s store.Store, acct, id string) []string {
	t.Helper()
	ms, err := s.Members(t.Context(), acct, id)
	noErr(t, err, "Members of a stored group must succeed")
	return ms
}

// allUsers lists every user of the account (one big page).
func allUsers(t *testing.T, s store.Store, acct string) []store.User {
	t.Helper()
	p, err := s.ListUsers(t.Context(), acct, store.Query{Count: 1 << 20})
	noErr(t, err, "ListUsers without filter must succeed")
	return p.Users
}

func userIDs(us []store.User) []string {
	ids := make([]string, len(us))
	for i, u := range us {
		ids[i] = u.ID
	}
	return ids
}

func groupIDs(gs []store.Group) []string {
	ids := make([]string, len(gs))
	for i, g := range gs {
		ids[i] = g.ID
	}
	return ids
}

// sameIDs compares two id lists, treating nil and empty alike.
func sameIDs(got, want []string) bool {
	return len(got) == 0 && len(want) == 0 || slices.Equal(got, want)
}

// ts returns a fixed UTC time at whole seconds, which every adapter can
// store exactly.
func ts(day, hour int) time.Time {
	return time.Date(2026, time.March, day, hour, 0, 0, 0, time.UTC)
}

// diffUser describes how got differs from want in the fields the caller
// controls (everything but ID, Created, Modified and Version); "" if none.
// Times compare with Equal, nil and empty lists and maps alike.
func diffUser(got, want store.User) string {
	var d []string
	add := func(field string, g, w any) { d = append(d, fmt.Sprintf("%s = %#v, want %#v", field, g, w)) }
	type pair struct {
		field string
		g, w  any
	}
	for _, p := range []pair{
		{"ExternalID", got.ExternalID, want.ExternalID},
		{"UserName", got.UserName, want.UserName},
		{"Name", got.Name, want.Name},
		{"DisplayName", got.DisplayName, want.DisplayName},
		{"NickName", got.NickName, want.NickName},
		{"Title", got.Title, want.Title},
		{"UserType", got.UserType, want.UserType},
		{"PreferredLanguage", got.PreferredLanguage, want.PreferredLanguage},
		{"Locale", got.Locale, want.Locale},
		{"Timezone", got.Timezone, want.Timezone},
		{"Enterprise", got.Enterprise, want.Enterprise},
		{"State", got.State, want.State},
		{"Linked", got.Linked, want.Linked},
	} {
		if p.g != p.w {
			add(p.field, p.g, p.w)
		}
	}
	if len(got.Emails) != 0 || len(want.Emails) != 0 {
		if !slices.Equal(got.Emails, want.Emails) {
			add("Emails", got.Emails, want.Emails)
		}
	}
	if len(got.Extra) != 0 || len(want.Extra) != 0 {
		if !reflect.DeepEqual(got.Extra, want.Extra) {
			add("Extra", got.Extra, want.Extra)
		}
	}
	for _, p := range []struct {
		field string
		g, w  time.Time
	}{
		{"InvitedAt", got.InvitedAt, want.InvitedAt},
		{"RemindedAt", got.RemindedAt, want.RemindedAt},
		{"AcceptedAt", got.AcceptedAt, want.AcceptedAt},
	} {
		if !p.g.Equal(p.w) {
			add(p.field, p.g, p.w)
		}
	}
	return strings.Join(d, "; ")
}

// sameUser stops the test if got differs from want in any caller-set field
// or in the store-set ID, Created, Modified and Version.
func sameUser(t *testing.T, got, want store.User, rule string) {
	t.Helper()
	d := diffUser(got, want)
	if got.ID != want.ID || got.Version != want.Version ||
		!got.Created.Equal(want.Created) || !got.Modified.Equal(want.Modified) {
		d += fmt.Sprintf("; ID/Version/Created/Modified = %q/%d/%v/%v, want %q/%d/%v/%v",
			got.ID, got.Version, got.Created, got.Modified, want.ID, want.Version, want.Created, want.Modified)
	}
	if d != "" {
		fail(t, rule, "%s", d)
	}
}

// sameGroup stops the test unless got equals want (times with Equal).
func sameGroup(t *testing.T, got, want store.Group, rule string) {
	t.Helper()
	g, w := got, want
	g.Created, g.Modified, w.Created, w.Modified = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if g != w || !got.Created.Equal(want.Created) || !got.Modified.Equal(want.Modified) {
		fail(t, rule, "got %+v, want %+v", got, want)
	}
}

// cancelled returns a context that is already cancelled.
func cancelled(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}

func ptr[T any](v T) *T { return &v }
