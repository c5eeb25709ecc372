package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/scimkit/scimkit/store"
)

// invitee returns a user in state st invited at invitedAt (zero: never).
func invitee(userName string, st store.UserState, invitedAt time.Time) store.User {
	u := user(userName)
	u.State = st
	u.InvitedAt = invitedAt
	return u
}

var reminderTests = []test{
	{"Claim", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		cutoff := ts(10, 12)
		now := ts(12, 12)
		mk := func(name string, st store.UserState, at time.Time) store.User {
			return createUser(t, s, acct, invitee(name, st, at))
		}
		early := mk("early@example.com", store.StateInvited, cutoff.Add(-72*time.Hour))
		exact := mk("exact@example.com", store.StateInvited, cutoff) // at the cutoff: included
		mk("late@example.com", store.StateInvited, cutoff.Add(time.Second))
		mk("never@example.com", store.StateInvited, time.Time{})
		never2 := invitee("never2@example.com", store.StateInvited, time.Time{})
		never2.Title, never2.AcceptedAt = "Engineer", cutoff.Add(-time.Hour) // other fields set, still never invited
		createUser(t, s, acct, never2)
		mk("active@example.com", store.StateActive, cutoff.Add(-72*time.Hour))
		mk("suspended@example.com", store.StateSuspended, cutoff.Add(-72*time.Hour))
		r := invitee("reminded@example.com", store.StateInvited, cutoff.Add(-96*time.Hour))
		r.RemindedAt = cutoff.Add(-24 * time.Hour)
		createUser(t, s, acct, r)
		third := mk("third@example.com", store.StateInvited, cutoff.Add(-time.Hour))

		got, err := s.ClaimReminders(ctx, acct, cutoff, now, 2)
		noErr(t, err, "ClaimReminders must succeed")
		if ids := userIDs(got); !slices.Equal(ids, []string{early.ID, exact.ID}) {
			fail(t, "ClaimReminders returns up to limit invited, not yet reminded users invited at or before the cutoff, in creation order",
				"got %q, want [early exact]", userNames(got))
		}
		for i, u := range got {
			before := []store.User{early, exact}[i]
			if !u.RemindedAt.Equal(now) || u.Version != before.Version+1 {
				fail(t, "ClaimReminders sets RemindedAt to now and bumps the version", "got RemindedAt %v version %d", u.RemindedAt, u.Version)
			}
			stored := getUser(t, s, acct, u.ID)
			if !stored.RemindedAt.Equal(now) || stored.Version != before.Version+1 {
				fail(t, "ClaimReminders stores RemindedAt and the new version", "stored RemindedAt %v version %d", stored.RemindedAt, stored.Version)
			}
		}

		got, err = s.ClaimReminders(ctx, acct, cutoff, now, 10)
		noErr(t, err, "ClaimReminders must succeed")
		if ids := userIDs(got); !slices.Equal(ids, []string{third.ID}) {
			fail(t, "a user is claimed at most once; active, suspended, late, never-invited and already reminded users are never claimed",
				"second claim got %q, want [third]", userNames(got))
		}
		got, err = s.ClaimReminders(ctx, acct, cutoff.Add(24*time.Hour), now, 10)
		noErr(t, err, "ClaimReminders must succeed")
		if ids := userIDs(got); len(ids) != 1 || got[0].UserName != "late@example.com" {
			fail(t, "a later cutoff claims the users invited before it that are still unclaimed", "got %q, want [late]", userNames(got))
		}
		got, err = s.ClaimReminders(ctx, acct, cutoff.Add(24*time.Hour), now, 10)
		noErr(t, err, "ClaimReminders with nothing to claim is not an error")
		if len(got) != 0 {
			fail(t, "a user is claimed at most once", "third claim got %q", userNames(got))
		}
	}},
	{"AfterUpdateAndDelete", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		cutoff, now := ts(10, 0), ts(11, 0)
		accepted := createUser(t, s, acct, invitee("accepted@example.com", store.StateInvited, ts(1, 0)))
		deleted := createUser(t, s, acct, invitee("deleted@example.com", store.StateInvited, ts(1, 0)))
		later := createUser(t, s, acct, user("later@example.com"))
		edited := createUser(t, s, acct, invitee("edited@example.com", store.StateInvited, ts(1, 0)))

		accepted.State, accepted.AcceptedAt = store.StateActive, ts(2, 0)
		_, err := s.UpdateUser(ctx, acct, accepted)
		noErr(t, err, "UpdateUser must succeed")
		noErr(t, s.DeleteUser(ctx, acct, deleted.ID), "DeleteUser must succeed")
		later.State, later.InvitedAt = store.StateInvited, ts(3, 0)
		_, err = s.UpdateUser(ctx, acct, later)
		noErr(t, err, "UpdateUser must succeed")
		edited.Title = "Still invited"
		_, err = s.UpdateUser(ctx, acct, edited)
		noErr(t, err, "UpdateUser must succeed")

		got, err := s.ClaimReminders(ctx, acct, cutoff, now, 10)
		noErr(t, err, "ClaimReminders must succeed")
		if ids := userIDs(got); !slices.Equal(ids, []string{later.ID, edited.ID}) {
			fail(t, "ClaimReminders claims users as they are now: not one that accepted or was deleted, but one invited by an update, in creation order",
				"got %q, want [later edited]", userNames(got))
		}
	}},
	{"Limit", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		u := createUser(t, s, acct, invitee("i@example.com", store.StateInvited, ts(1, 0)))
		for _, limit := range []int{0, -1} {
			got, err := s.ClaimReminders(ctx, acct, ts(5, 0), ts(6, 0), limit)
			noErr(t, err, "ClaimReminders with limit <= 0 is not an error")
			if len(got) != 0 {
				fail(t, "ClaimReminders with limit <= 0 returns nothing", "limit %d got %q", limit, userNames(got))
			}
		}
		if g := getUser(t, s, acct, u.ID); !g.RemindedAt.IsZero() || g.Version != 1 {
			fail(t, "ClaimReminders with limit <= 0 claims nothing", "user has RemindedAt %v version %d", g.RemindedAt, g.Version)
		}
		got, err := s.ClaimReminders(ctx, acct, ts(5, 0), ts(6, 0), 1)
		noErr(t, err, "ClaimReminders must succeed")
		if len(got) != 1 || got[0].ID != u.ID {
			fail(t, "a user not claimed by a limit <= 0 call is still claimable", "got %q", userNames(got))
		}
	}},
}
