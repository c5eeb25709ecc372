package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/scimkit/scimkit/store"
)

// allEvents reads every event of the account, a small page at a time (so
// paging is exercised too), and checks that they are numbered 1.. or from
// the first kept one on, without gap or repetition.
func allEvents(t *testing.T, s store.Store, acct string) []store.Event {
	t.Helper()
	var out []store.Event
	after := int64(0)
	for {
		page, err := s.Events(t.Context(), acct, after, 7)
		noErr(t, err, "Events of an existing account must succeed")
		if len(page) == 0 {
			return out
		}
		for _, e := range page {
			if e.Seq <= after {
				fail(t, "Events returns events with Seq > after, in Seq order", "after %d got Seq %d", after, e.Seq)
			}
			if len(out) > 0 && e.Seq != after+1 {
				fail(t, "an account's sequence numbers have no gap", "Seq %d follows %d", e.Seq, after)
			}
			if e.AccountID != acct {
				fail(t, "an account's feed holds only its own events", "event %d of %q has AccountID %q", e.Seq, acct, e.AccountID)
			}
			after = e.Seq
			out = append(out, e)
		}
	}
}

// eventsAfter returns the account's events after seq (one big page).
func eventsAfter(t *testing.T, s store.Store, acct string, after int64) []store.Event {
	t.Helper()
	evs, err := s.Events(t.Context(), acct, after, 1<<20)
	noErr(t, err, "Events of an existing account must succeed")
	return evs
}

// lastSeq returns the account's last event sequence number.
func lastSeq(t *testing.T, s store.Store, acct string) int64 {
	t.Helper()
	evs := allEvents(t, s, acct)
	if len(evs) == 0 {
		return 0
	}
	return evs[len(evs)-1].Seq
}

func types(evs []store.Event) []store.EventType {
	out := make([]store.EventType, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

// expectEvents checks that the events after seq are exactly want (types and
// resource ids) and returns them.
func expectEvents(t *testing.T, s store.Store, acct string, after int64, rule string, want ...store.EventType) []store.Event {
	t.Helper()
	got := eventsAfter(t, s, acct, after)
	if !slices.Equal(types(got), want) {
		fail(t, rule, "events after #%d are %v, want %v", after, types(got), want)
	}
	for i, e := range got {
		if e.Seq != after+int64(i)+1 {
			fail(t, rule, "event %d has Seq %d, want %d", i, e.Seq, after+int64(i)+1)
		}
		if e.ID == "" || e.Time.IsZero() || e.AccountID != acct || e.ResourceID == "" || e.Resource == "" {
			fail(t, "every event has an id, a time, the account, a resource type and id", "%+v", e)
		}
	}
	return got
}

var feedTests = []test{
	{"EveryWriteAppends", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		evs := expectEvents(t, s, acct, 0, "CreateAccount appends account.created as the account's first event (Seq 1)", store.AccountCreated)
		if evs[0].Data.Account == nil || evs[0].Data.Account.ID != acct || evs[0].Resource != store.ResourceAccount {
			fail(t, "account.created carries the account", "%+v", evs[0])
		}
		if evs[0].Actor.Kind != store.ActorHost {
			fail(t, "a write without an actor in its context is the host's", "actor %+v", evs[0].Actor)
		}

		in := user("ada@example.com")
		in.Name.GivenName = "Ada"
		u := createUser(t, s, acct, in)
		evs = expectEvents(t, s, acct, 1, "CreateUser appends user.created", store.UserCreated)
		if evs[0].ResourceID != u.ID || evs[0].Resource != store.ResourceUser || evs[0].Data.User == nil || evs[0].Data.User.UserName != u.UserName {
			fail(t, "user.created names the user and carries it", "%+v", evs[0])
		}

		u.Name.GivenName = "Augusta"
		u.Title = "Countess"
		u, err := s.UpdateUser(ctx, acct, u)
		noErr(t, err, "UpdateUser")
		evs = expectEvents(t, s, acct, 2, "UpdateUser that changes profile fields appends user.updated", store.UserUpdated)
		d := evs[0].Data
		if !slices.Equal(d.Changed, []string{store.AttrGivenName, store.AttrTitle}) {
			fail(t, "user.updated lists the changed fields (store.ChangedUserFields)", "Changed %v", d.Changed)
		}
		if d.PreviousUser == nil || d.PreviousUser.Name.GivenName != "Ada" || d.User == nil || d.User.Name.GivenName != "Augusta" {
			fail(t, "user.updated carries the user before and after", "%+v", d)
		}
		if d.User.Version != u.Version {
			fail(t, "user.updated carries the user as stored", "version %d, want %d", d.User.Version, u.Version)
		}

		u.State = store.StateSuspended
		u, err = s.UpdateUser(ctx, acct, u)
		noErr(t, err, "UpdateUser")
		u.State = store.StateActive
		u, err = s.UpdateUser(ctx, acct, u)
		noErr(t, err, "UpdateUser")
		expectEvents(t, s, acct, 3, "suspending appends user.suspended, reactivating user.reactivated",
			store.UserSuspended, store.UserReactivated)

		v := createUser(t, s, acct, user("bob@example.com"))
		g := createGroup(t, s, acct, store.Group{DisplayName: "Eng"}, u.ID)
		evs = expectEvents(t, s, acct, 5, "CreateGroup appends group.created", store.UserCreated, store.GroupCreated)
		if !slices.Equal(evs[1].Data.Added, []string{u.ID}) || evs[1].Data.Group == nil || evs[1].Data.Group.ID != g.ID {
			fail(t, "group.created carries the group and its initial members", "%+v", evs[1].Data)
		}

		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{DisplayName: ptr("Engineering"), AddMembers: []string{v.ID}, RemoveMembers: []string{u.ID}})
		noErr(t, err, "UpdateGroup")
		evs = expectEvents(t, s, acct, 7, "a rename with member deltas appends group.renamed then group.members_changed",
			store.GroupRenamed, store.GroupMembersChanged)
		if !slices.Equal(evs[1].Data.Added, []string{v.ID}) || !slices.Equal(evs[1].Data.Removed, []string{u.ID}) {
			fail(t, "group.members_changed lists who joined and left", "%+v", evs[1].Data)
		}
		if evs[0].Data.PreviousGroup == nil || evs[0].Data.PreviousGroup.DisplayName != "Eng" || evs[0].Data.Group.DisplayName != "Engineering" {
			fail(t, "group.renamed carries the group before and after", "%+v", evs[0].Data)
		}
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{Managed: ptr(true)})
		noErr(t, err, "UpdateGroup")
		expectEvents(t, s, acct, 9, "changing the managed flag appends group.updated", store.GroupUpdated)

		noErr(t, s.DeleteUser(ctx, acct, v.ID), "DeleteUser")
		evs = expectEvents(t, s, acct, 10, "DeleteUser appends user.deleted and group.members_changed for each group it leaves",
			store.UserDeleted, store.GroupMembersChanged)
		if evs[0].ResourceID != v.ID || evs[0].Data.User == nil || evs[0].Data.User.UserName != "bob@example.com" {
			fail(t, "user.deleted carries the user as it was", "%+v", evs[0])
		}
		if evs[1].ResourceID != g.ID || !slices.Equal(evs[1].Data.Removed, []string{v.ID}) {
			fail(t, "the group.members_changed of a deletion names the group and the user", "%+v", evs[1])
		}
		noErr(t, s.DeleteGroup(ctx, acct, g.ID), "DeleteGroup")
		expectEvents(t, s, acct, 12, "DeleteGroup appends group.deleted", store.GroupDeleted)

		tok, err := s.AddToken(ctx, acct, store.Token{Hash: [32]byte{1, 2, 3}, Label: "okta"})
		noErr(t, err, "AddToken")
		noErr(t, s.RevokeToken(ctx, acct, tok.ID), "RevokeToken")
		evs = expectEvents(t, s, acct, 13, "AddToken appends token.minted, RevokeToken token.revoked", store.TokenMinted, store.TokenRevoked)
		for _, e := range evs {
			if e.ResourceID != tok.ID || e.Data.Token == nil || e.Data.Token.Label != "okta" {
				fail(t, "token events name and carry the token", "%+v", e)
			}
			if e.Data.Token.Hash != ([32]byte{}) {
				fail(t, "token events never carry the token's hash", "%+v", e.Data.Token)
			}
		}

		a, err := s.GetAccount(ctx, acct)
		noErr(t, err, "GetAccount")
		a.AllowedDomains = []string{"example.com"}
		_, err = s.UpdateAccount(ctx, a)
		noErr(t, err, "UpdateAccount")
		evs = expectEvents(t, s, acct, 15, "UpdateAccount appends account.updated", store.AccountUpdated)
		if !slices.Equal(evs[0].Data.Changed, []string{"allowedDomains"}) {
			fail(t, "account.updated lists the changed settings", "Changed %v", evs[0].Data.Changed)
		}

		inv := user("carol@example.com")
		inv.State, inv.InvitedAt = store.StateInvited, ts(1, 0)
		invited := createUser(t, s, acct, inv)
		expectEvents(t, s, acct, 16, "creating an invitee with InvitedAt appends user.created then user.invited", store.UserCreated, store.UserInvited)
		_, err = s.ClaimReminders(ctx, acct, ts(3, 0), ts(3, 1), 10)
		noErr(t, err, "ClaimReminders")
		evs = expectEvents(t, s, acct, 18, "ClaimReminders appends user.reminded for each user it claims", store.UserReminded)
		if evs[0].ResourceID != invited.ID || evs[0].Data.User == nil || !evs[0].Data.User.RemindedAt.Equal(ts(3, 1)) {
			fail(t, "user.reminded carries the claimed user", "%+v", evs[0].Data.User)
		}

		ids := map[string]bool{}
		for _, e := range allEvents(t, s, acct) {
			if ids[e.ID] {
				fail(t, "event ids are unique", "id %q repeats", e.ID)
			}
			ids[e.ID] = true
		}
	}},
	{"Actor", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		idp := store.Actor{Kind: store.ActorIdP, ID: "token-1"}
		_, err := s.CreateUser(store.WithActor(t.Context(), idp), acct, user("ada@example.com"))
		noErr(t, err, "CreateUser")
		evs := expectEvents(t, s, acct, 1, "CreateUser appends user.created", store.UserCreated)
		if evs[0].Actor != idp {
			fail(t, "an event carries the actor of its write's context (store.WithActor)", "actor %+v, want %+v", evs[0].Actor, idp)
		}
	}},
	{"RefusedWritesAppendNothing", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		u := createUser(t, s, acct, user("ada@example.com"))
		g := createGroup(t, s, acct, store.Group{DisplayName: "Eng"})
		createGroup(t, s, acct, store.Group{DisplayName: "Ops"})
		before := lastSeq(t, s, acct)

		_, err := s.CreateUser(ctx, acct, user("ADA@example.com"))
		isErr(t, err, store.ErrConflict, "a duplicate userName is refused")
		stale := u
		stale.Version = 99
		stale.Title = "x"
		_, err = s.UpdateUser(ctx, acct, stale)
		isErr(t, err, store.ErrVersionMismatch, "a stale update is refused")
		_, err = s.CreateUser(ctx, acct, store.User{})
		isErr(t, err, store.ErrInvalid, "an empty userName is refused")
		_, err = s.CreateGroup(ctx, acct, store.Group{DisplayName: "Sales"}, []string{"ghost"})
		isErr(t, err, store.ErrUnknownMember, "an unknown member is refused")
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{DisplayName: ptr("ops")})
		isErr(t, err, store.ErrConflict, "a taken displayName is refused")
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{DisplayName: ptr("New"), AddMembers: []string{u.ID, "ghost"}})
		isErr(t, err, store.ErrUnknownMember, "an update adding an unknown member is refused")
		isErr(t, s.DeleteUser(ctx, acct, "no-such-user"), store.ErrNotFound, "deleting a missing user")
		isErr(t, s.DeleteGroup(ctx, acct, "no-such-group"), store.ErrNotFound, "deleting a missing group")
		isErr(t, s.RevokeToken(ctx, acct, "no-such-token"), store.ErrNotFound, "revoking a missing token")
		a, err := s.GetAccount(ctx, acct)
		noErr(t, err, "GetAccount")
		a.Version++
		a.ProvisioningEnabled = !a.ProvisioningEnabled
		_, err = s.UpdateAccount(ctx, a)
		isErr(t, err, store.ErrVersionMismatch, "a stale account update is refused")
		if got := lastSeq(t, s, acct); got != before {
			fail(t, "a write that fails or is refused appends no event", "the feed grew from #%d to #%d: %v",
				before, got, types(eventsAfter(t, s, acct, before)))
		}
	}},
	{"NoOpWritesAppendNothing", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		u := createUser(t, s, acct, user("ada@example.com"))
		g := createGroup(t, s, acct, store.Group{DisplayName: "Eng"}, u.ID)
		before := lastSeq(t, s, acct)
		_, err := s.UpdateUser(ctx, acct, u)
		noErr(t, err, "UpdateUser to the same values")
		_, d, err := s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{AddMembers: []string{u.ID}, RemoveMembers: []string{"never-a-member"}})
		noErr(t, err, "UpdateGroup adding a member already in")
		if len(d.Added)+len(d.Removed) != 0 {
			fail(t, "UpdateGroup reports only the members that really joined or left", "delta %+v", d)
		}
		if got := lastSeq(t, s, acct); got != before {
			fail(t, "a write that changes nothing but store-set fields appends no event", "got %v", types(eventsAfter(t, s, acct, before)))
		}
	}},
	{"MemberDelta", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		var u []string
		for i := range 5 {
			u = append(u, createUser(t, s, acct, user(fmt.Sprintf("u%d@example.com", i))).ID)
		}
		g := createGroup(t, s, acct, store.Group{DisplayName: "Eng"}, u[0], u[1])
		_, d, err := s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{AddMembers: []string{u[3], u[0], u[2], u[3]}, RemoveMembers: []string{u[4], u[1]}})
		noErr(t, err, "UpdateGroup")
		if !slices.Equal(d.Added, []string{u[3], u[2]}) || !slices.Equal(d.Removed, []string{u[1]}) {
			fail(t, "UpdateGroup reports the ids that really joined (in the order given, once) and left",
				"delta %+v, want added [u3 u2], removed [u1]", d)
		}
		seq := lastSeq(t, s, acct)
		_, d, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{ReplaceMembers: true, Members: []string{u[4], u[2], u[4]}})
		noErr(t, err, "UpdateGroup")
		if !slices.Equal(d.Added, []string{u[4]}) || !slices.Equal(d.Removed, []string{u[0], u[3]}) {
			fail(t, "a replacement reports who joined (in the order given) and who left (in the order they had been added)",
				"delta %+v, want added [u4], removed [u0 u3]", d)
		}
		evs := expectEvents(t, s, acct, seq, "a replacement appends group.members_changed", store.GroupMembersChanged)
		if !slices.Equal(evs[0].Data.Added, d.Added) || !slices.Equal(evs[0].Data.Removed, d.Removed) {
			fail(t, "group.members_changed holds the delta UpdateGroup reported", "event %+v, delta %+v", evs[0].Data, d)
		}
	}},
	{"Paging", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		for i := range 9 {
			createUser(t, s, acct, user(fmt.Sprintf("u%d@example.com", i)))
		}
		all := allEvents(t, s, acct)
		if len(all) != 10 || all[0].Seq != 1 || all[9].Seq != 10 {
			fail(t, "the feed numbers events 1..N", "got %d events %v", len(all), types(all))
		}
		page, err := s.Events(ctx, acct, 3, 4)
		noErr(t, err, "Events")
		if len(page) != 4 || page[0].Seq != 4 || page[3].Seq != 7 {
			fail(t, "Events(after, limit) returns up to limit events after the number", "got %d events from %v", len(page), page)
		}
		for _, lim := range []int{0, -1} {
			page, err = s.Events(ctx, acct, 0, lim)
			noErr(t, err, "Events with limit <= 0")
			if page == nil || len(page) != 0 {
				fail(t, "Events with limit <= 0 returns no events (an empty slice)", "limit %d: %v", lim, page)
			}
		}
		page, err = s.Events(ctx, acct, 10, 5)
		noErr(t, err, "Events after the last")
		if page == nil || len(page) != 0 {
			fail(t, "Events after the last event is empty, not an error", "got %v", page)
		}
		_, err = s.Events(ctx, "no-such-account-"+randomID(), 0, 5)
		isErr(t, err, store.ErrNotFound, "Events of a missing account is ErrNotFound")
	}},
	{"Prune", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		for i := range 5 {
			createUser(t, s, acct, user(fmt.Sprintf("u%d@example.com", i)))
		}
		all := allEvents(t, s, acct)
		n, err := s.PruneEvents(ctx, acct, all[0].Time.Add(-time.Hour))
		noErr(t, err, "PruneEvents")
		if n != 0 || len(allEvents(t, s, acct)) != 6 {
			fail(t, "PruneEvents keeps events at or after the cutoff", "deleted %d", n)
		}
		cut := all[len(all)-1].Time
		want := 0
		for _, e := range all {
			if e.Time.Before(cut) {
				want++
			}
		}
		n, err = s.PruneEvents(ctx, acct, cut)
		noErr(t, err, "PruneEvents")
		if n != want {
			fail(t, "PruneEvents deletes the events before the cutoff and says how many", "deleted %d, want %d", n, want)
		}
		n, err = s.PruneEvents(ctx, acct, cut.Add(time.Hour))
		noErr(t, err, "PruneEvents")
		if n != len(all)-want || len(eventsAfter(t, s, acct, 0)) != 0 {
			fail(t, "PruneEvents with a cutoff after every event deletes them all", "deleted %d more", n)
		}
		createUser(t, s, acct, user("late@example.com"))
		evs := eventsAfter(t, s, acct, 0)
		if len(evs) != 1 || evs[0].Seq != 7 {
			fail(t, "after pruning, new events continue the sequence", "got %v", evs)
		}
		_, err = s.PruneEvents(ctx, "no-such-account-"+randomID(), cut)
		isErr(t, err, store.ErrNotFound, "PruneEvents of a missing account is ErrNotFound")
	}},
	{"Cursors", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		a, b := newAccount(t, s), newAccount(t, s)
		seq, err := s.Cursor(ctx, "webhook", a)
		noErr(t, err, "Cursor")
		if seq != 0 {
			fail(t, "a consumer that never set a cursor is at 0", "got %d", seq)
		}
		noErr(t, s.SetCursor(ctx, "webhook", a, 5), "SetCursor")
		noErr(t, s.SetCursor(ctx, "invites", a, 2), "SetCursor")
		noErr(t, s.SetCursor(ctx, "webhook", b, 9), "SetCursor")
		for _, c := range []struct {
			consumer, acct string
			want           int64
		}{{"webhook", a, 5}, {"invites", a, 2}, {"webhook", b, 9}, {"invites", b, 0}} {
			got, err := s.Cursor(ctx, c.consumer, c.acct)
			noErr(t, err, "Cursor")
			if got != c.want {
				fail(t, "cursors are kept per consumer and account", "%s in %s: %d, want %d", c.consumer, c.acct, got, c.want)
			}
		}
		noErr(t, s.SetCursor(ctx, "webhook", a, 1), "SetCursor back (a replay)")
		if got, _ := s.Cursor(ctx, "webhook", a); got != 1 {
			fail(t, "SetCursor may move a cursor back (a replay)", "got %d", got)
		}
		isErr(t, s.SetCursor(ctx, "webhook", a, -1), store.ErrInvalid, "a negative cursor is ErrInvalid")
		gone := "no-such-account-" + randomID()
		_, err = s.Cursor(ctx, "webhook", gone)
		isErr(t, err, store.ErrNotFound, "Cursor of a missing account")
		isErr(t, s.SetCursor(ctx, "webhook", gone, 1), store.ErrNotFound, "SetCursor of a missing account")
	}},
	{"Lease", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		t0, ttl := ts(1, 0), time.Minute
		lease := func(holder string, now time.Time, ttl time.Duration) bool {
			t.Helper()
			ok, err := s.Lease(ctx, "webhook", acct, holder, now, ttl)
			noErr(t, err, "Lease")
			return ok
		}
		if !lease("a", t0, ttl) {
			fail(t, "a free lease is taken", "holder a got false")
		}
		if lease("b", t0.Add(30*time.Second), ttl) {
			fail(t, "a running lease is not given to another holder", "holder b got true")
		}
		ok, err := s.Lease(ctx, "invites", acct, "b", t0, ttl)
		noErr(t, err, "Lease")
		if !ok {
			fail(t, "leases are per consumer", "holder b of another consumer got false")
		}
		if !lease("a", t0.Add(50*time.Second), ttl) {
			fail(t, "the holder renews its lease", "holder a got false")
		}
		if lease("b", t0.Add(100*time.Second), ttl) {
			fail(t, "a renewed lease runs from the renewal", "holder b got the lease 50 s after a renewed it for 60 s")
		}
		if !lease("b", t0.Add(110*time.Second), ttl) {
			fail(t, "an expired lease is taken", "holder b got false at the expiry")
		}
		if lease("a", t0.Add(111*time.Second), ttl) {
			fail(t, "a holder whose lease was taken over does not get it back while the new one runs", "holder a got true")
		}
		lease("a", t0.Add(112*time.Second), 0) // not the holder: nothing happens
		if lease("c", t0.Add(113*time.Second), ttl) {
			fail(t, "releasing with a holder that does not hold the lease changes nothing", "holder c got true")
		}
		lease("b", t0.Add(114*time.Second), 0)
		if !lease("c", t0.Add(115*time.Second), ttl) {
			fail(t, "a released lease is free", "holder c got false")
		}
		_, err = s.Lease(ctx, "webhook", acct, "", t0, ttl)
		isErr(t, err, store.ErrInvalid, "an empty holder is ErrInvalid")
		_, err = s.Lease(ctx, "webhook", "no-such-account-"+randomID(), "a", t0, ttl)
		isErr(t, err, store.ErrNotFound, "Lease on a missing account")
	}},
	{"Isolation", func(t *testing.T, s store.Store) {
		a, b := newAccount(t, s), newAccount(t, s)
		createUser(t, s, a, user("ada@example.com"))
		createUser(t, s, a, user("bob@example.com"))
		createUser(t, s, b, user("ada@example.com"))
		ea, eb := allEvents(t, s, a), allEvents(t, s, b)
		if len(ea) != 3 || len(eb) != 2 || eb[0].Seq != 1 || eb[1].Seq != 2 {
			fail(t, "each account has its own feed, numbered from 1", "account a has %d events, b %d: %v", len(ea), len(eb), eb)
		}
	}},
	{"Copies", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		in := user("ada@example.com")
		in.Emails = []store.Email{{Value: "ada@example.com"}}
		createUser(t, s, acct, in)
		evs := eventsAfter(t, s, acct, 1)
		evs[0].Data.User.Emails[0].Value = "mutated"
		evs[0].Type = "mutated"
		again := eventsAfter(t, s, acct, 1)
		if again[0].Type != store.UserCreated || again[0].Data.User.Emails[0].Value != "ada@example.com" {
			fail(t, "the events Events returns are copies", "a mutation reached the store: %+v", again[0])
		}
	}},
	{"Context", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		ctx := cancelled(t)
		_, err := s.Events(ctx, acct, 0, 10)
		isErr(t, err, context.Canceled, "Events with a cancelled context")
		isErr(t, s.SetCursor(ctx, "c", acct, 1), context.Canceled, "SetCursor with a cancelled context")
		_, err = s.Lease(ctx, "c", acct, "h", ts(1, 0), time.Minute)
		isErr(t, err, context.Canceled, "Lease with a cancelled context")
		_, err = s.CreateUser(ctx, acct, user("ada@example.com"))
		isErr(t, err, context.Canceled, "CreateUser with a cancelled context")
		if got := lastSeq(t, s, acct); got != 1 {
			fail(t, "a write with a cancelled context appends nothing", "last seq %d", got)
		}
	}},
}

// feedConcurrencyTests race writers (and readers) on one account's feed.
var feedConcurrencyTests = []test{
	{"FeedGapless", func(t *testing.T, s store.Store) {
		checkGapless(t, []store.Store{s})
	}},
	{"FeedLeaseOneWinner", func(t *testing.T, s store.Store) {
		checkLeaseRace(t, []store.Store{s})
	}},
}

// checkGapless runs 64 writers at once on one account, spread over rs,
// each making several kinds of write, while a reader follows the feed, and
// checks that the feed is 1..N without gap or repetition, that the reader
// never saw a number appear below one it had already read, and that every
// successful write has its events.
func checkGapless(t *testing.T, rs []store.Store) {
	t.Helper()
	const writers = 64
	acct := newAccount(t, rs[0])
	g := createGroup(t, rs[0], acct, store.Group{DisplayName: "All"})
	ctx := context.Background()
	done := make(chan struct{})
	var (
		readErr error
		wg      sync.WaitGroup
	)
	wg.Go(func() {
		after := int64(0)
		for {
			select {
			case <-done:
				return
			default:
			}
			page, err := rs[len(rs)-1].Events(ctx, acct, after, 50)
			if err != nil {
				readErr = err
				return
			}
			for _, e := range page {
				if e.Seq != after+1 {
					readErr = fmt.Errorf("a reader following the feed read #%d right after #%d", e.Seq, after)
					return
				}
				after = e.Seq
			}
		}
	})
	errs := race(writers, func(i int) error {
		s := rs[i%len(rs)]
		u, err := s.CreateUser(ctx, acct, user(fmt.Sprintf("w%d@example.com", i)))
		if err != nil {
			return err
		}
		u.Title = "engineer"
		if _, err := s.UpdateUser(ctx, acct, u); err != nil {
			return err
		}
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{AddMembers: []string{u.ID}})
		return err
	})
	close(done)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		fail(t, "concurrent creates, updates and member adds in one account succeed", "%v", err)
	}
	if readErr != nil {
		fail(t, "a reader never sees a gap that a later commit fills", "%v", readErr)
	}
	evs := allEvents(t, rs[0], acct) // checks 1..N without gap
	count := map[store.EventType]int{}
	seen := map[int64]bool{}
	for _, e := range evs {
		if seen[e.Seq] {
			fail(t, "no sequence number repeats", "#%d twice", e.Seq)
		}
		seen[e.Seq] = true
		count[e.Type]++
	}
	if evs[0].Seq != 1 || int(evs[len(evs)-1].Seq) != len(evs) {
		fail(t, "an account's feed is numbered 1..N", "first #%d, last #%d, %d events", evs[0].Seq, evs[len(evs)-1].Seq, len(evs))
	}
	if count[store.UserCreated] != writers || count[store.UserUpdated] != writers || count[store.GroupMembersChanged] != writers {
		fail(t, "every successful write has its event", "counts %v, want %d of each", count, writers)
	}
}

// checkLeaseRace has 16 holders, spread over rs, ask for one lease at the
// same moment: exactly one gets it.
func checkLeaseRace(t *testing.T, rs []store.Store) {
	t.Helper()
	acct := newAccount(t, rs[0])
	var (
		mu  sync.Mutex
		won []int
	)
	errs := race(16, func(i int) error {
		ok, err := rs[i%len(rs)].Lease(context.Background(), "race", acct, fmt.Sprintf("holder-%d", i), ts(1, 0), time.Minute)
		if ok {
			mu.Lock()
			won = append(won, i)
			mu.Unlock()
		}
		return err
	})
	if err := errors.Join(errs...); err != nil {
		fail(t, "concurrent Lease calls succeed", "%v", err)
	}
	if len(won) != 1 {
		fail(t, "of concurrent holders asking for one lease exactly one gets it", "winners %v", won)
	}
}
