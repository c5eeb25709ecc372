package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/scimkit/scimkit/store"
)

// groupFixture creates an account with users n0..n(k-1) and returns the
// account and the user ids.
func groupFixture(t *testing.T, s store.Store, k int) (string, []string) {
	t.Helper()
	acct := newAccount(t, s)
	ids := make([]string, k)
	for i := range ids {
		ids[i] = createUser(t, s, acct, user("n"+string(rune('a'+i))+"@example.com")).ID
	}
	return acct, ids
}

// memberErrorFor stops the test unless err is a *store.MemberError (found
// with errors.As) listing exactly the ids, and matches ErrUnknownMember.
func memberErrorFor(t *testing.T, err error, ids []string, rule string) {
	t.Helper()
	isErr(t, err, store.ErrUnknownMember, rule)
	var me *store.MemberError
	if !errors.As(err, &me) {
		fail(t, rule, "got %v, want a *store.MemberError (errors.As)", err)
	}
	got := slices.Sorted(slices.Values(me.IDs))
	if !slices.Equal(slices.Compact(got), slices.Sorted(slices.Values(ids))) {
		fail(t, rule, "MemberError lists %q, want %q", me.IDs, ids)
	}
}

var groupTests = []test{
	{"CreateGet", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct, u := groupFixture(t, s, 3)
		in := store.Group{ID: "ignored", ExternalID: "ext-eng", DisplayName: "Engineering", Managed: true, Privileged: true, Linked: true,
			Created: ts(1, 1), Modified: ts(1, 2), Version: 42} // the store sets ID, times and version
		g, err := s.CreateGroup(ctx, acct, in, []string{u[2], u[0], u[2]})
		noErr(t, err, "CreateGroup with known members must succeed")
		if g.ID == "" || g.ID == "ignored" || g.Version != 1 || g.Created.IsZero() || g.Modified.IsZero() || g.Created.Equal(in.Created) {
			fail(t, "CreateGroup assigns ID, Created, Modified and Version 1", "got %+v", g)
		}
		want := in
		want.ID, want.Created, want.Modified, want.Version = g.ID, g.Created, g.Modified, 1
		sameGroup(t, g, want, "CreateGroup returns the group as given")
		sameGroup(t, getGroup(t, s, acct, g.ID), g, "GetGroup returns what CreateGroup returned")
		if ms := members(t, s, acct, g.ID); !slices.Equal(ms, []string{u[2], u[0]}) {
			fail(t, "Members returns the initial members in the order given, duplicates ignored", "got %q", ms)
		}
		got, err := s.GroupByDisplayName(ctx, acct, "ENGINEERING")
		noErr(t, err, "GroupByDisplayName matches case-insensitively")
		sameGroup(t, got, g, "GroupByDisplayName returns the stored group")
		got, err = s.GroupByExternalID(ctx, acct, "ext-eng")
		noErr(t, err, "GroupByExternalID finds the group")
		sameGroup(t, got, g, "GroupByExternalID returns the stored group")
		_, err = s.GroupByExternalID(ctx, acct, "EXT-ENG")
		isErr(t, err, store.ErrNotFound, "GroupByExternalID is case-exact")
		empty := createGroup(t, s, acct, store.Group{DisplayName: "Empty"})
		_, err = s.GroupByExternalID(ctx, acct, "")
		isErr(t, err, store.ErrNotFound, "GroupByExternalID(\"\") matches nothing")
		ms, err := s.Members(ctx, acct, empty.ID)
		noErr(t, err, "Members of an empty group must succeed")
		if ms == nil || len(ms) != 0 {
			fail(t, "Members of an empty group is empty, not nil", "got %#v", ms)
		}
		_, err = s.GetGroup(ctx, acct, "no-such-group")
		isErr(t, err, store.ErrNotFound, "GetGroup of an unknown id is ErrNotFound")
		_, err = s.GroupByDisplayName(ctx, acct, "nope")
		isErr(t, err, store.ErrNotFound, "GroupByDisplayName of an unknown name is ErrNotFound")
		_, err = s.Members(ctx, acct, "no-such-group")
		isErr(t, err, store.ErrNotFound, "Members of an unknown group is ErrNotFound")
	}},
	{"NamedMembers", func(t *testing.T, s store.Store) {
		// store.NamedMembersOf answers with the store's NamedMembers when
		// it has one, else with Members and GetUser: both must agree.
		ctx := t.Context()
		acct := newAccount(t, s)
		named := user("named@example.com")
		named.DisplayName = "Ada Lovelace"
		a := createUser(t, s, acct, named)
		b := createUser(t, s, acct, user("bare@example.com"))
		c := createUser(t, s, acct, user("gone@example.com"))
		g := createGroup(t, s, acct, store.Group{DisplayName: "Named"}, b.ID, a.ID, c.ID)
		noErr(t, s.DeleteUser(ctx, acct, c.ID), "DeleteUser must succeed")
		_, _, err := s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{DisplayName: ptr("Named")})
		noErr(t, err, "UpdateGroup must succeed")
		a.DisplayName = "Countess of Lovelace"
		_, err = s.UpdateUser(ctx, acct, a)
		noErr(t, err, "UpdateUser must succeed")
		ms, err := store.NamedMembersOf(ctx, s, acct, g.ID)
		noErr(t, err, "NamedMembers of a group must succeed")
		want := []store.Member{{ID: b.ID, Display: "bare@example.com"}, {ID: a.ID, Display: "Countess of Lovelace"}}
		if !slices.Equal(ms, want) {
			fail(t, "NamedMembers lists the members in the order added, each with its current displayName, else its userName", "got %+v, want %+v", ms, want)
		}
		empty := createGroup(t, s, acct, store.Group{DisplayName: "Nobody"})
		ms, err = store.NamedMembersOf(ctx, s, acct, empty.ID)
		noErr(t, err, "NamedMembers of an empty group must succeed")
		if ms == nil || len(ms) != 0 {
			fail(t, "NamedMembers of an empty group is empty, not nil", "got %#v", ms)
		}
		_, err = store.NamedMembersOf(ctx, s, acct, "no-such-group")
		isErr(t, err, store.ErrNotFound, "NamedMembers of an unknown group is ErrNotFound")
	}},
	{"CreateRefused", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct, u := groupFixture(t, s, 2)
		createGroup(t, s, acct, store.Group{DisplayName: "Eng", ExternalID: "ext-1"})
		_, err := s.CreateGroup(ctx, acct, store.Group{}, nil)
		isErr(t, err, store.ErrInvalid, "CreateGroup with an empty displayName is ErrInvalid")
		_, err = s.CreateGroup(ctx, acct, store.Group{DisplayName: "eNG"}, []string{u[0]})
		conflictOn(t, err, "displayName", "group displayName is unique per account case-insensitively")
		_, err = s.CreateGroup(ctx, acct, store.Group{DisplayName: "Other", ExternalID: "ext-1"}, nil)
		conflictOn(t, err, "externalId", "a non-empty group externalId is unique per account")
		_, err = s.CreateGroup(ctx, acct, store.Group{DisplayName: "New"}, []string{u[0], "ghost", u[1]})
		memberErrorFor(t, err, []string{"ghost"}, "CreateGroup with a member id that is not a user of the account is a MemberError naming it")
		_, err = s.GroupByDisplayName(ctx, acct, "New")
		isErr(t, err, store.ErrNotFound, "a refused CreateGroup stores nothing")
		gs, err := s.GroupsOfUser(ctx, acct, u[0])
		noErr(t, err, "GroupsOfUser must succeed")
		if len(gs) != 0 {
			fail(t, "a refused CreateGroup stores no membership", "user is in %q", groupIDs(gs))
		}
		_, err = s.CreateGroup(ctx, "storetest-missing-"+randomID(), store.Group{DisplayName: "X"}, nil)
		isErr(t, err, store.ErrNotFound, "CreateGroup in an unknown account is ErrNotFound")
		p, err := s.ListGroups(ctx, acct, store.Query{Count: 10})
		noErr(t, err, "ListGroups must succeed")
		if p.Total != 1 {
			fail(t, "refused CreateGroup calls store nothing", "account has %d groups, want 1", p.Total)
		}
		createGroup(t, s, acct, store.Group{DisplayName: "NoExt1"})
		createGroup(t, s, acct, store.Group{DisplayName: "NoExt2"}) // "" externalId is not unique
	}},
	{"UpdateMembers", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct, u := groupFixture(t, s, 6)
		g := createGroup(t, s, acct, store.Group{DisplayName: "G"}, u[0], u[1])
		step := func(upd store.GroupUpdate, want []string, rule string) {
			t.Helper()
			before := getGroup(t, s, acct, g.ID)
			got, _, err := s.UpdateGroup(ctx, acct, g.ID, upd)
			noErr(t, err, rule)
			if got.Version != before.Version+1 || got.ID != g.ID || got.DisplayName != before.DisplayName {
				fail(t, "every successful UpdateGroup bumps the version by one, membership changes included", "got %+v, was %+v", got, before)
			}
			if ms := members(t, s, acct, g.ID); !slices.Equal(ms, want) {
				fail(t, rule, "members %q, want %q", ms, want)
			}
		}
		step(store.GroupUpdate{AddMembers: []string{u[3], u[2]}}, []string{u[0], u[1], u[3], u[2]}, "AddMembers appends new members in the order added")
		step(store.GroupUpdate{AddMembers: []string{u[1], u[4]}}, []string{u[0], u[1], u[3], u[2], u[4]}, "AddMembers ignores ids already in the group")
		step(store.GroupUpdate{RemoveMembers: []string{u[1], u[5], "ghost"}}, []string{u[0], u[3], u[2], u[4]}, "RemoveMembers removes members and ignores ids not in the group")
		step(store.GroupUpdate{AddMembers: []string{u[1]}, RemoveMembers: []string{u[0]}}, []string{u[3], u[2], u[4], u[1]}, "AddMembers and RemoveMembers apply together")
		step(store.GroupUpdate{}, []string{u[3], u[2], u[4], u[1]}, "an empty update changes nothing but the version")
		step(store.GroupUpdate{ReplaceMembers: true, Members: []string{u[5], u[2], u[5]}}, []string{u[2], u[5]}, "ReplaceMembers makes the membership exactly Members")
		step(store.GroupUpdate{ReplaceMembers: true}, nil, "ReplaceMembers with no Members empties the group")
		if ms := members(t, s, acct, g.ID); ms == nil {
			fail(t, "Members of an emptied group is empty, not nil", "got nil")
		}
		step(store.GroupUpdate{AddMembers: []string{u[0]}}, []string{u[0]}, "a group can be refilled after being emptied")
	}},
	{"UpdateFields", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct, _ := groupFixture(t, s, 1)
		g := createGroup(t, s, acct, store.Group{DisplayName: "Old", ExternalID: "ext-old"})
		got, _, err := s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{Version: g.Version,
			DisplayName: ptr("New"), ExternalID: ptr("ext-new"), Managed: ptr(true), Privileged: ptr(true), Linked: ptr(true)})
		noErr(t, err, "UpdateGroup with the current version must succeed")
		want := g
		want.DisplayName, want.ExternalID, want.Managed, want.Privileged, want.Linked = "New", "ext-new", true, true, true
		want.Version, want.Modified = 2, got.Modified
		sameGroup(t, got, want, "UpdateGroup sets the given fields, keeps ID and Created and bumps the version")
		if got.Modified.Before(g.Modified) {
			fail(t, "UpdateGroup does not move Modified backwards", "got %v, was %v", got.Modified, g.Modified)
		}
		sameGroup(t, getGroup(t, s, acct, g.ID), got, "GetGroup returns the updated group")
		_, err = s.GroupByDisplayName(ctx, acct, "old")
		isErr(t, err, store.ErrNotFound, "after a rename the old displayName no longer finds the group")
		_, err = s.GroupByExternalID(ctx, acct, "ext-old")
		isErr(t, err, store.ErrNotFound, "after UpdateGroup the old externalId no longer finds the group")
		if x, err := s.GroupByDisplayName(ctx, acct, "NEW"); err != nil || x.ID != g.ID {
			fail(t, "after a rename the new displayName finds the group", "got %v, %v", x.ID, err)
		}
		got, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{DisplayName: ptr("NEW"), ExternalID: ptr(""), Managed: ptr(false)})
		noErr(t, err, "UpdateGroup may change the case of the group's own displayName and clear its externalId (Version 0: no check)")
		if got.DisplayName != "NEW" || got.ExternalID != "" || got.Managed || !got.Privileged || !got.Linked || got.Version != 3 {
			fail(t, "nil fields of GroupUpdate leave things as they are", "got %+v", got)
		}
		_, _, err = s.UpdateGroup(ctx, acct, "no-such-group", store.GroupUpdate{DisplayName: ptr("X")})
		isErr(t, err, store.ErrNotFound, "UpdateGroup of an unknown group is ErrNotFound")
	}},
	{"UpdateRefused", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct, u := groupFixture(t, s, 3)
		createGroup(t, s, acct, store.Group{DisplayName: "Taken", ExternalID: "ext-taken"})
		g := createGroup(t, s, acct, store.Group{DisplayName: "G", ExternalID: "ext-g"}, u[0])
		g, _, err := s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{AddMembers: []string{u[1]}})
		noErr(t, err, "UpdateGroup must succeed")
		check := func(err error, target error, rule string) {
			t.Helper()
			isErr(t, err, target, rule)
			sameGroup(t, getGroup(t, s, acct, g.ID), g, rule+"; a refused UpdateGroup changes nothing")
			if ms := members(t, s, acct, g.ID); !slices.Equal(ms, []string{u[0], u[1]}) {
				fail(t, rule+"; a refused UpdateGroup changes no membership", "members %q", ms)
			}
		}
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{Version: 1, DisplayName: ptr("Stale"), AddMembers: []string{u[2]}})
		check(err, store.ErrVersionMismatch, "UpdateGroup with a stale Version is ErrVersionMismatch")
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{DisplayName: ptr("TAKEN"), AddMembers: []string{u[2]}})
		conflictOn(t, err, "displayName", "UpdateGroup to another group's displayName (any case) is a ConflictError")
		check(err, store.ErrConflict, "UpdateGroup to a taken displayName")
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{ExternalID: ptr("ext-taken"), RemoveMembers: []string{u[0]}})
		conflictOn(t, err, "externalId", "UpdateGroup to another group's externalId is a ConflictError")
		check(err, store.ErrConflict, "UpdateGroup to a taken externalId")
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{DisplayName: ptr("Renamed"), AddMembers: []string{u[2], "ghost"}})
		memberErrorFor(t, err, []string{"ghost"}, "UpdateGroup adding an id that is not a user is a MemberError naming it")
		check(err, store.ErrUnknownMember, "UpdateGroup adding an unknown member")
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{ReplaceMembers: true, Members: []string{u[2], "ghost"}})
		check(err, store.ErrUnknownMember, "UpdateGroup replacing members with an unknown id is ErrUnknownMember")
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{DisplayName: ptr("")})
		check(err, store.ErrInvalid, "UpdateGroup to an empty displayName is ErrInvalid")
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{AddMembers: []string{u[2]}, RemoveMembers: []string{u[2]}})
		check(err, store.ErrInvalid, "UpdateGroup adding and removing the same id is ErrInvalid")
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{ReplaceMembers: true, Members: []string{u[2]}, AddMembers: []string{u[1]}})
		check(err, store.ErrInvalid, "UpdateGroup with deltas together with ReplaceMembers is ErrInvalid")
		_, err = s.GroupByDisplayName(ctx, acct, "Renamed")
		isErr(t, err, store.ErrNotFound, "a refused UpdateGroup changes no index")
		if gs, _ := s.GroupsOfUser(ctx, acct, u[2]); len(gs) != 0 {
			fail(t, "a refused UpdateGroup changes no membership", "user 2 is in %q", groupIDs(gs))
		}
	}},
	{"GroupsOfUser", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct, u := groupFixture(t, s, 2)
		var want []string
		for i := range 8 {
			var initial []string
			if i == 2 {
				initial = []string{u[0]}
			}
			want = append(want, createGroup(t, s, acct, store.Group{DisplayName: fmt.Sprintf("G%d", i)}, initial...).ID)
		}
		// Join the others in a scrambled order.
		for _, i := range []int{5, 0, 7, 3, 1, 6, 4} {
			_, _, err := s.UpdateGroup(ctx, acct, want[i], store.GroupUpdate{AddMembers: []string{u[0]}})
			noErr(t, err, "UpdateGroup must succeed")
		}
		gs, err := s.GroupsOfUser(ctx, acct, u[0])
		noErr(t, err, "GroupsOfUser must succeed")
		if ids := groupIDs(gs); !slices.Equal(ids, want) {
			fail(t, "GroupsOfUser returns the user's groups in group creation order (not the order joined)", "got %q, want %q", ids, want)
		}
		sameGroup(t, gs[0], getGroup(t, s, acct, want[0]), "GroupsOfUser returns the groups as stored")
		gs, err = s.GroupsOfUser(ctx, acct, u[1])
		noErr(t, err, "GroupsOfUser of a user in no group is not an error")
		if len(gs) != 0 {
			fail(t, "GroupsOfUser of a user in no group is empty", "got %q", groupIDs(gs))
		}
		_, err = s.GroupsOfUser(ctx, acct, "no-such-user")
		isErr(t, err, store.ErrNotFound, "GroupsOfUser of an unknown user is ErrNotFound")
	}},
	{"Delete", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct, u := groupFixture(t, s, 2)
		g := createGroup(t, s, acct, store.Group{DisplayName: "Doomed", ExternalID: "ext-d"}, u[0], u[1])
		keep := createGroup(t, s, acct, store.Group{DisplayName: "Kept"}, u[0])
		noErr(t, s.DeleteGroup(ctx, acct, g.ID), "DeleteGroup of a stored group must succeed")
		_, err := s.GetGroup(ctx, acct, g.ID)
		isErr(t, err, store.ErrNotFound, "a deleted group is ErrNotFound")
		_, err = s.GroupByDisplayName(ctx, acct, "doomed")
		isErr(t, err, store.ErrNotFound, "a deleted group is not found by displayName")
		_, err = s.GroupByExternalID(ctx, acct, "ext-d")
		isErr(t, err, store.ErrNotFound, "a deleted group is not found by externalId")
		_, err = s.Members(ctx, acct, g.ID)
		isErr(t, err, store.ErrNotFound, "Members of a deleted group is ErrNotFound")
		gs, err := s.GroupsOfUser(ctx, acct, u[0])
		noErr(t, err, "GroupsOfUser must succeed")
		if ids := groupIDs(gs); !slices.Equal(ids, []string{keep.ID}) {
			fail(t, "DeleteGroup removes its memberships", "user is in %q", ids)
		}
		if us := allUsers(t, s, acct); len(us) != 2 {
			fail(t, "DeleteGroup never deletes the member users", "account has %d users, want 2", len(us))
		}
		isErr(t, s.DeleteGroup(ctx, acct, g.ID), store.ErrNotFound, "DeleteGroup of a deleted group is ErrNotFound")
		createGroup(t, s, acct, store.Group{DisplayName: "Doomed", ExternalID: "ext-d"}) // name and externalId are free again
	}},
}
