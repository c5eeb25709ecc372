package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/scimkit/scimkit/store"
)

// contractTests check rules that are easy to get subtly wrong in an
// adapter: exact version checks, time precision, Unicode case folding,
// pattern characters in string filters, group versions on user deletion,
// and copies of every returned value.
var contractTests = []test{
	{"zero version sets no precondition", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		acct := newAccount(t, s)
		u := createUser(t, s, acct, user("zero@example.com"))
		u.DisplayName = "second"
		u, err := s.UpdateUser(ctx, acct, u)
		noErr(t, err, "UpdateUser with the version read")
		blind := u
		blind.Version = 0
		blind.DisplayName = "blind write"
		got, err := s.UpdateUser(ctx, acct, blind)
		noErr(t, err, "UpdateUser with Version 0 applies whatever the stored version (as UpdateGroup with Version 0)")
		if got.DisplayName != "blind write" || got.Version != u.Version+1 {
			fail(t, "a zero-version UpdateUser writes and bumps the version", "stored %q at version %d, want %q at %d", got.DisplayName, got.Version, "blind write", u.Version+1)
		}
		stale := got
		stale.Version = u.Version
		_, err = s.UpdateUser(ctx, acct, stale)
		isErr(t, err, store.ErrVersionMismatch, "UpdateUser with a stale non-zero Version fails with ErrVersionMismatch")
		g, err := s.CreateGroup(ctx, acct, store.Group{DisplayName: "zero"}, nil)
		noErr(t, err, "CreateGroup")
		name := "zero renamed"
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{DisplayName: &name})
		noErr(t, err, "UpdateGroup with Version 0 applies whatever the stored version")
	}},
	{"microsecond precision", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		acct := newAccount(t, s)
		at := time.Date(2026, 3, 4, 5, 6, 7, 123456000, time.UTC)
		u := user("micro@example.com")
		u.State, u.InvitedAt, u.AcceptedAt = store.StateInvited, at, at.Add(time.Microsecond)
		created := createUser(t, s, acct, u)
		got := getUser(t, s, acct, created.ID)
		if !got.InvitedAt.Equal(at) || !got.AcceptedAt.Equal(at.Add(time.Microsecond)) {
			fail(t, "adapters keep at least microsecond precision", "InvitedAt %v, AcceptedAt %v; want %v and %v", got.InvitedAt, got.AcceptedAt, at, at.Add(time.Microsecond))
		}
		claimed, err := s.ClaimReminders(ctx, acct, at, at.Add(time.Hour), 10)
		noErr(t, err, "ClaimReminders with the cutoff exactly at InvitedAt")
		if len(claimed) != 1 {
			fail(t, "the cutoff is inclusive to the microsecond", "claimed %d users, want 1", len(claimed))
		}
	}},
	{"unicode case folding", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		acct := newAccount(t, s)
		u := user("Élodie.Ørsted@example.com")
		u.Emails = []store.Email{{Value: "ÉLODIE.ØRSTED@example.com", Type: "work", Primary: true}}
		created := createUser(t, s, acct, u)
		got, err := s.UserByUserName(ctx, acct, "élodie.ørsted@EXAMPLE.com")
		noErr(t, err, "UserByUserName folds non-ASCII letters with store.Fold")
		if got.ID != created.ID {
			fail(t, "UserByUserName folds non-ASCII letters", "found %s, want %s", got.ID, created.ID)
		}
		byEmail, err := s.UsersByEmail(ctx, acct, "élodie.ørsted@example.com")
		noErr(t, err, "UsersByEmail")
		if len(byEmail) != 1 {
			fail(t, "UsersByEmail folds non-ASCII letters", "found %d users, want 1", len(byEmail))
		}
		_, err = s.CreateUser(ctx, acct, user("ÉLODIE.ØRSTED@example.com"))
		conflictOn(t, err, "userName", "userName uniqueness folds non-ASCII letters")
		page, err := s.ListUsers(ctx, acct, store.Query{Count: 10, Filter: cmp(store.AttrUserName, store.OpSw, "ÉLO")})
		noErr(t, err, "ListUsers with sw on a non-ASCII prefix")
		if page.Total != 1 {
			fail(t, "sw compares folded non-ASCII values", "total %d, want 1", page.Total)
		}
	}},
	{"pattern characters in string filters", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		acct := newAccount(t, s)
		names := []string{`a%b@example.com`, `a_b@example.com`, `a\b@example.com`, `a*b@example.com`, `a?b@example.com`, `a[b]@example.com`, `axb@example.com`}
		ids := map[string]string{}
		for _, n := range names {
			ids[n] = createUser(t, s, acct, user(n)).ID
		}
		for _, tc := range []struct {
			op    store.Op
			value string
			want  []string
		}{
			{store.OpCo, "%", []string{`a%b@example.com`}},
			{store.OpCo, "_", []string{`a_b@example.com`}},
			{store.OpCo, `\`, []string{`a\b@example.com`}},
			{store.OpCo, "*", []string{`a*b@example.com`}},
			{store.OpCo, "?", []string{`a?b@example.com`}},
			{store.OpCo, "[b]", []string{`a[b]@example.com`}},
			{store.OpSw, "a%", []string{`a%b@example.com`}},
			{store.OpEw, "_b@example.com", []string{`a_b@example.com`}},
		} {
			page, err := s.ListUsers(ctx, acct, store.Query{Count: 100, Filter: cmp(store.AttrUserName, tc.op, tc.value)})
			noErr(t, err, "ListUsers with a pattern character in the value")
			var got []string
			for _, u := range page.Users {
				got = append(got, u.UserName)
			}
			if !sameIDs(got, tc.want) {
				fail(t, "co, sw and ew match their value literally: %, _, \\, *, ? and [ are not wildcards", "userName %s %q matched %q, want %q", tc.op, tc.value, got, tc.want)
			}
		}
	}},
	{"deleting a user bumps the groups it leaves", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		acct := newAccount(t, s)
		u := createUser(t, s, acct, user("leaver@example.com"))
		g := createGroup(t, s, acct, store.Group{DisplayName: "Left"}, u.ID)
		other := createGroup(t, s, acct, store.Group{DisplayName: "Untouched"})
		noErr(t, s.DeleteUser(ctx, acct, u.ID), "DeleteUser")
		if got := getGroup(t, s, acct, g.ID); got.Version <= g.Version {
			fail(t, "a group that loses a member to DeleteUser gets a new version", "version %d, was %d", got.Version, g.Version)
		}
		if got := getGroup(t, s, acct, other.ID); got.Version != other.Version {
			fail(t, "DeleteUser leaves other groups' versions alone", "version %d, was %d", got.Version, other.Version)
		}
	}},
	{"claimed reminders and account ids are copies", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		acct := newAccount(t, s)
		u := user("copy@example.com")
		u.State, u.InvitedAt = store.StateInvited, ts(1, 0)
		u.Emails = []store.Email{{Value: "copy@example.com", Primary: true}}
		created := createUser(t, s, acct, u)
		claimed, err := s.ClaimReminders(ctx, acct, ts(3, 0), ts(3, 0), 10)
		noErr(t, err, "ClaimReminders")
		if len(claimed) != 1 {
			fail(t, "ClaimReminders claims the due invitee", "claimed %d", len(claimed))
		}
		claimed[0].Emails[0].Value = "mutated@example.com"
		if got := getUser(t, s, acct, created.ID); got.Emails[0].Value != "copy@example.com" {
			fail(t, "values ClaimReminders returns are copies", "stored email became %q", got.Emails[0].Value)
		}
		ids, err := s.AccountIDs(ctx)
		noErr(t, err, "AccountIDs")
		for i := range ids {
			ids[i] = "mutated"
		}
		again, err := s.AccountIDs(ctx)
		noErr(t, err, "AccountIDs")
		for _, id := range again {
			if id == "mutated" {
				fail(t, "the slice AccountIDs returns is a copy", "a mutation reached the store")
			}
		}
	}},
}

// RunReplicas checks the promises the contract makes across processes:
// newReplicas returns several Store values on one backend (separate
// connections to one database, as several replicas of a host would have).
// Of concurrent creates of one userName through different replicas exactly
// one wins; concurrent member adds through different replicas all land;
// each reminder is claimed by exactly one replica; writers on every
// replica give one account's feed 1..N without gap; one replica gets a
// lease. An adapter whose
// locking is only in-process fails it. memstore, which cannot be shared
// between processes, runs it with the same Store several times.
func RunReplicas(t *testing.T, newReplicas func(t *testing.T) []store.Store) {
	t.Helper()
	var c tally
	c.rule(t, "Replicas/one userName, one winner", "Replicas/one userName, one winner", func(t *testing.T) {
		rs := replicas(t, newReplicas)
		acct := newAccount(t, rs[0])
		errs := race(16, func(i int) error {
			_, err := rs[i%len(rs)].CreateUser(context.Background(), acct, user("same@example.com"))
			return err
		})
		oneWinner(t, errs, store.ErrConflict, "exactly one of concurrent creates of one userName through different replicas succeeds")
	})
	c.rule(t, "Replicas/no lost member", "Replicas/no lost member", func(t *testing.T) {
		rs := replicas(t, newReplicas)
		acct := newAccount(t, rs[0])
		g := createGroup(t, rs[0], acct, store.Group{DisplayName: "Many"})
		var ids []string
		for range 16 {
			ids = append(ids, createUser(t, rs[0], acct, user(randomID()+"@example.com")).ID)
		}
		errs := race(len(ids), func(i int) error {
			_, _, err := rs[i%len(rs)].UpdateGroup(context.Background(), acct, g.ID, store.GroupUpdate{AddMembers: []string{ids[i]}})
			return err
		})
		if err := errors.Join(errs...); err != nil {
			fail(t, "unconditional member adds through different replicas all succeed", "%v", err)
		}
		got := members(t, rs[len(rs)-1], acct, g.ID)
		slices.Sort(got)
		slices.Sort(ids)
		if !sameIDs(got, ids) {
			fail(t, "no membership is lost across replicas", "have %d members, want %d", len(got), len(ids))
		}
	})
	c.rule(t, "Replicas/each reminder once", "Replicas/each reminder once", func(t *testing.T) {
		rs := replicas(t, newReplicas)
		acct := newAccount(t, rs[0])
		const n = 24
		for i := range n {
			u := user(randomID() + "@example.com")
			u.State, u.InvitedAt = store.StateInvited, ts(1, i%12)
			createUser(t, rs[0], acct, u)
		}
		seen := make(chan string, n*2)
		errs := race(8, func(i int) error {
			for {
				got, err := rs[i%len(rs)].ClaimReminders(context.Background(), acct, ts(2, 0), ts(3, 0), 3)
				if err != nil || len(got) == 0 {
					return err
				}
				for _, u := range got {
					seen <- u.ID
				}
			}
		})
		if err := errors.Join(errs...); err != nil {
			fail(t, "concurrent ClaimReminders through different replicas succeed", "%v", err)
		}
		close(seen)
		count := map[string]int{}
		for id := range seen {
			count[id]++
		}
		for id, c := range count {
			if c != 1 {
				fail(t, "each reminder is claimed by exactly one replica", "user %s claimed %d times", id, c)
			}
		}
		if len(count) != n {
			fail(t, "every due reminder is claimed", "claimed %d, want %d", len(count), n)
		}
	})
	runFeedReplicas(t, &c, newReplicas)
	c.report(t, "RunReplicas")
}

func runFeedReplicas(t *testing.T, c *tally, newReplicas func(t *testing.T) []store.Store) {
	c.rule(t, "Replicas/one feed, no gap", "Replicas/one feed, no gap", func(t *testing.T) { checkGapless(t, replicas(t, newReplicas)) })
	c.rule(t, "Replicas/one lease holder", "Replicas/one lease holder", func(t *testing.T) { checkLeaseRace(t, replicas(t, newReplicas)) })
}

func replicas(t *testing.T, newReplicas func(t *testing.T) []store.Store) []store.Store {
	t.Helper()
	rs := newReplicas(t)
	if len(rs) < 2 {
		t.Fatalf("storetest.RunReplicas: newReplicas returned %d stores, want at least 2", len(rs))
	}
	return rs
}
