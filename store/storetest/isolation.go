package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/scimkit/scimkit/store"
)

var isolationTests = []test{
	{"Accounts", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		a, b := newAccount(t, s), newAccount(t, s)
		ua := fullUser("same@example.com")
		ua.State = store.StateInvited
		ua.InvitedAt = ts(1, 0)
		userA := createUser(t, s, a, ua)
		groupA := createGroup(t, s, a, store.Group{DisplayName: "Same", ExternalID: "ext-same"}, userA.ID)
		tokA, err := s.AddToken(ctx, a, store.Token{Hash: hash("a")})
		noErr(t, err, "AddToken must succeed")

		// The same userName, externalId, displayName are free in another account.
		ub := fullUser("SAME@example.com")
		ub.ExternalID = userA.ExternalID
		ub.State = store.StateActive
		userB := createUser(t, s, b, ub)
		groupB := createGroup(t, s, b, store.Group{DisplayName: "same", ExternalID: "ext-same"}, userB.ID)

		_, err = s.GetUser(ctx, b, userA.ID)
		isErr(t, err, store.ErrNotFound, "a user id of account A is ErrNotFound in account B")
		upd := userA
		upd.Title = "hijacked"
		_, err = s.UpdateUser(ctx, b, upd)
		isErr(t, err, store.ErrNotFound, "UpdateUser through account B of a user of account A is ErrNotFound")
		isErr(t, s.DeleteUser(ctx, b, userA.ID), store.ErrNotFound, "DeleteUser through account B of a user of A is ErrNotFound")
		_, err = s.GroupsOfUser(ctx, b, userA.ID)
		isErr(t, err, store.ErrNotFound, "GroupsOfUser through account B of a user of A is ErrNotFound")
		_, err = s.GetGroup(ctx, b, groupA.ID)
		isErr(t, err, store.ErrNotFound, "a group id of account A is ErrNotFound in account B")
		_, _, err = s.UpdateGroup(ctx, b, groupA.ID, store.GroupUpdate{DisplayName: ptr("hijacked")})
		isErr(t, err, store.ErrNotFound, "UpdateGroup through account B of a group of A is ErrNotFound")
		_, err = s.Members(ctx, b, groupA.ID)
		isErr(t, err, store.ErrNotFound, "Members through account B of a group of A is ErrNotFound")
		isErr(t, s.DeleteGroup(ctx, b, groupA.ID), store.ErrNotFound, "DeleteGroup through account B of a group of A is ErrNotFound")
		_, _, err = s.UpdateGroup(ctx, b, groupB.ID, store.GroupUpdate{AddMembers: []string{userA.ID}})
		memberErrorFor(t, err, []string{userA.ID}, "a user of account A is an unknown member in account B")
		_, err = s.CreateGroup(ctx, b, store.Group{DisplayName: "Other"}, []string{userA.ID})
		isErr(t, err, store.ErrUnknownMember, "a user of account A is an unknown member in account B")
		isErr(t, s.RevokeToken(ctx, b, tokA.ID), store.ErrNotFound, "RevokeToken through account B of a token of A is ErrNotFound")

		got, err := s.UserByUserName(ctx, b, "same@example.com")
		noErr(t, err, "UserByUserName in account B")
		if got.ID != userB.ID {
			fail(t, "lookups are scoped to the account", "UserByUserName in B returned %q, want B's user %q", got.ID, userB.ID)
		}
		got, err = s.UserByExternalID(ctx, b, userA.ExternalID)
		noErr(t, err, "UserByExternalID in account B")
		if got.ID != userB.ID {
			fail(t, "lookups are scoped to the account", "UserByExternalID in B returned %q, want %q", got.ID, userB.ID)
		}
		us, err := s.UsersByEmail(ctx, b, "same@example.com")
		noErr(t, err, "UsersByEmail in account B")
		if !slices.Equal(userIDs(us), []string{userB.ID}) {
			fail(t, "UsersByEmail is scoped to the account", "got %q", userIDs(us))
		}
		g, err := s.GroupByDisplayName(ctx, b, "SAME")
		if err != nil || g.ID != groupB.ID {
			fail(t, "GroupByDisplayName is scoped to the account", "got %q, %v", g.ID, err)
		}
		g, err = s.GroupByExternalID(ctx, b, "ext-same")
		if err != nil || g.ID != groupB.ID {
			fail(t, "GroupByExternalID is scoped to the account", "got %q, %v", g.ID, err)
		}

		for _, f := range []store.Filter{nil, cmp(store.AttrUserName, store.OpEq, "same@example.com"), cmp(store.AttrID, store.OpEq, userA.ID), cmp(store.AttrActive, store.OpEq, true)} {
			p, err := s.ListUsers(ctx, b, store.Query{Filter: f, Count: 100})
			noErr(t, err, "ListUsers in account B")
			for _, u := range p.Users {
				if u.ID == userA.ID {
					fail(t, "listing account B never shows account A's users", "filter %v", f)
				}
			}
		}
		for _, f := range []store.Filter{nil, cmp(store.AttrMemberValue, store.OpEq, userA.ID), cmp(store.AttrID, store.OpEq, groupA.ID)} {
			p, err := s.ListGroups(ctx, b, store.Query{Filter: f, Count: 100})
			noErr(t, err, "ListGroups in account B")
			for _, g := range p.Groups {
				if g.ID == groupA.ID {
					fail(t, "listing account B never shows account A's groups", "filter %v", f)
				}
			}
		}
		rs, err := s.ClaimReminders(ctx, b, ts(30, 0), ts(30, 0), 100)
		noErr(t, err, "ClaimReminders in account B")
		if len(rs) != 0 {
			fail(t, "ClaimReminders in account B never claims account A's users", "got %q", userNames(rs))
		}
		tb, err := s.ListTokens(ctx, b)
		noErr(t, err, "ListTokens of account B")
		if len(tb) != 0 {
			fail(t, "ListTokens of account B never shows account A's tokens", "got %d tokens", len(tb))
		}

		// Account A is untouched by all of the above.
		sameUser(t, getUser(t, s, a, userA.ID), userA, "nothing done through account B changes account A")
		sameGroup(t, getGroup(t, s, a, groupA.ID), groupA, "nothing done through account B changes account A")
		if ms := members(t, s, a, groupA.ID); !slices.Equal(ms, []string{userA.ID}) {
			fail(t, "nothing done through account B changes account A", "members %q", ms)
		}
		if _, err := s.TokenByHash(ctx, tokA.Hash); err != nil {
			fail(t, "nothing done through account B changes account A", "token: %v", err)
		}
	}},
}

// missingAccountTests call every account-scoped method on an account that
// does not exist.
var missingAccountTests = []test{
	{"MissingAccount", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct, u := groupFixture(t, s, 1) // some data elsewhere
		g := createGroup(t, s, acct, store.Group{DisplayName: "G"}, u[0])
		gone := "storetest-missing-" + randomID()
		calls := []struct {
			name string
			call func() error
		}{
			{"UpdateAccount", func() error { _, err := s.UpdateAccount(ctx, store.Account{ID: gone, Version: 1}); return err }},
			{"AddToken", func() error { _, err := s.AddToken(ctx, gone, store.Token{Hash: hash("x")}); return err }},
			{"ListTokens", func() error { _, err := s.ListTokens(ctx, gone); return err }},
			{"RevokeToken", func() error { return s.RevokeToken(ctx, gone, "t") }},
			{"CreateUser", func() error { _, err := s.CreateUser(ctx, gone, user("a@example.com")); return err }},
			{"GetUser", func() error { _, err := s.GetUser(ctx, gone, u[0]); return err }},
			{"UserByUserName", func() error { _, err := s.UserByUserName(ctx, gone, "na@example.com"); return err }},
			{"UserByExternalID", func() error { _, err := s.UserByExternalID(ctx, gone, "x"); return err }},
			{"UsersByEmail", func() error { _, err := s.UsersByEmail(ctx, gone, "na@example.com"); return err }},
			{"ListUsers", func() error { _, err := s.ListUsers(ctx, gone, store.Query{Count: 10}); return err }},
			{"ListGroups", func() error { _, err := s.ListGroups(ctx, gone, store.Query{Count: 10}); return err }},
			{"ClaimReminders", func() error { _, err := s.ClaimReminders(ctx, gone, ts(1, 0), ts(1, 0), 10); return err }},
			{"UpdateUser", func() error {
				v := getUser(t, s, acct, u[0])
				_, err := s.UpdateUser(ctx, gone, v)
				return err
			}},
			{"DeleteUser", func() error { return s.DeleteUser(ctx, gone, u[0]) }},
			{"GroupsOfUser", func() error { _, err := s.GroupsOfUser(ctx, gone, u[0]); return err }},
			{"CreateGroup", func() error { _, err := s.CreateGroup(ctx, gone, store.Group{DisplayName: "X"}, nil); return err }},
			{"GetGroup", func() error { _, err := s.GetGroup(ctx, gone, g.ID); return err }},
			{"GroupByDisplayName", func() error { _, err := s.GroupByDisplayName(ctx, gone, "G"); return err }},
			{"GroupByExternalID", func() error { _, err := s.GroupByExternalID(ctx, gone, "x"); return err }},
			{"UpdateGroup", func() error { _, _, err := s.UpdateGroup(ctx, gone, g.ID, store.GroupUpdate{}); return err }},
			{"DeleteGroup", func() error { return s.DeleteGroup(ctx, gone, g.ID) }},
			{"Members", func() error { _, err := s.Members(ctx, gone, g.ID); return err }},
		}
		for _, c := range calls {
			if err := c.call(); !errors.Is(err, store.ErrNotFound) {
				fail(t, "a call addressed to an account that does not exist is ErrNotFound", "%s returned %v", c.name, err)
			}
		}
		if _, err := s.GetAccount(ctx, gone); !errors.Is(err, store.ErrNotFound) {
			fail(t, "calls on a missing account create nothing", "GetAccount(%q) returned %v", gone, err)
		}
	}},
}

// contextTests call every method with a cancelled context.
var contextTests = []test{
	{"Cancelled", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct, u := groupFixture(t, s, 2)
		inv := createUser(t, s, acct, invitee("inv@example.com", store.StateInvited, ts(1, 0)))
		g := createGroup(t, s, acct, store.Group{DisplayName: "G"}, u[0])
		h := hash("tok")
		tok, err := s.AddToken(ctx, acct, store.Token{Hash: h})
		noErr(t, err, "AddToken must succeed")
		acc, err := s.GetAccount(ctx, acct)
		noErr(t, err, "GetAccount must succeed")
		u0 := getUser(t, s, acct, u[0])

		dead := cancelled(t)
		newAcct := "storetest-" + randomID()
		changed := u0
		changed.Title = "changed"
		calls := []struct {
			name string
			call func() error
		}{
			{"CreateAccount", func() error { _, err := s.CreateAccount(dead, store.Account{ID: newAcct}); return err }},
			{"GetAccount", func() error { _, err := s.GetAccount(dead, acct); return err }},
			{"UpdateAccount", func() error {
				a := acc
				a.ProvisioningEnabled = !a.ProvisioningEnabled
				_, err := s.UpdateAccount(dead, a)
				return err
			}},
			{"AccountIDs", func() error { _, err := s.AccountIDs(dead); return err }},
			{"AddToken", func() error { _, err := s.AddToken(dead, acct, store.Token{Hash: hash("new")}); return err }},
			{"TokenByHash", func() error { _, err := s.TokenByHash(dead, h); return err }},
			{"ListTokens", func() error { _, err := s.ListTokens(dead, acct); return err }},
			{"RevokeToken", func() error { return s.RevokeToken(dead, acct, tok.ID) }},
			{"CreateUser", func() error { _, err := s.CreateUser(dead, acct, user("new@example.com")); return err }},
			{"GetUser", func() error { _, err := s.GetUser(dead, acct, u[0]); return err }},
			{"UserByUserName", func() error { _, err := s.UserByUserName(dead, acct, u0.UserName); return err }},
			{"UserByExternalID", func() error { _, err := s.UserByExternalID(dead, acct, "x"); return err }},
			{"UsersByEmail", func() error { _, err := s.UsersByEmail(dead, acct, "x@example.com"); return err }},
			{"ListUsers", func() error { _, err := s.ListUsers(dead, acct, store.Query{Count: 10}); return err }},
			{"UpdateUser", func() error { _, err := s.UpdateUser(dead, acct, changed); return err }},
			{"DeleteUser", func() error { return s.DeleteUser(dead, acct, u[1]) }},
			{"GroupsOfUser", func() error { _, err := s.GroupsOfUser(dead, acct, u[0]); return err }},
			{"CreateGroup", func() error { _, err := s.CreateGroup(dead, acct, store.Group{DisplayName: "New"}, nil); return err }},
			{"GetGroup", func() error { _, err := s.GetGroup(dead, acct, g.ID); return err }},
			{"GroupByDisplayName", func() error { _, err := s.GroupByDisplayName(dead, acct, "G"); return err }},
			{"GroupByExternalID", func() error { _, err := s.GroupByExternalID(dead, acct, "x"); return err }},
			{"ListGroups", func() error { _, err := s.ListGroups(dead, acct, store.Query{Count: 10}); return err }},
			{"UpdateGroup", func() error {
				_, _, err := s.UpdateGroup(dead, acct, g.ID, store.GroupUpdate{DisplayName: ptr("Renamed"), AddMembers: []string{u[1]}})
				return err
			}},
			{"DeleteGroup", func() error { return s.DeleteGroup(dead, acct, g.ID) }},
			{"Members", func() error { _, err := s.Members(dead, acct, g.ID); return err }},
			{"ClaimReminders", func() error { _, err := s.ClaimReminders(dead, acct, ts(20, 0), ts(20, 0), 10); return err }},
		}
		for _, c := range calls {
			if err := c.call(); !errors.Is(err, context.Canceled) {
				fail(t, "a call whose context is already cancelled returns an error matching context.Canceled",
					"%s returned %v", c.name, err)
			}
		}

		// Nothing changed.
		const rule = "a call whose context is already cancelled changes nothing"
		if _, err := s.GetAccount(ctx, newAcct); !errors.Is(err, store.ErrNotFound) {
			fail(t, rule, "CreateAccount stored the account (GetAccount: %v)", err)
		}
		if a, _ := s.GetAccount(ctx, acct); a.Version != acc.Version || a.ProvisioningEnabled != acc.ProvisioningEnabled {
			fail(t, rule, "UpdateAccount changed the account: %+v", a)
		}
		if toks, _ := s.ListTokens(ctx, acct); len(toks) != 1 {
			fail(t, rule, "AddToken or RevokeToken changed the tokens: %d tokens", len(toks))
		}
		if _, err := s.UserByUserName(ctx, acct, "new@example.com"); !errors.Is(err, store.ErrNotFound) {
			fail(t, rule, "CreateUser stored the user (%v)", err)
		}
		sameUser(t, getUser(t, s, acct, u[0]), u0, rule+" (UpdateUser)")
		getUser(t, s, acct, u[1]) // DeleteUser did not delete
		if ms := members(t, s, acct, g.ID); !slices.Equal(ms, []string{u[0]}) {
			fail(t, rule, "UpdateGroup changed the members: %q", ms)
		}
		sameGroup(t, getGroup(t, s, acct, g.ID), g, rule+" (UpdateGroup, DeleteGroup)")
		if _, err := s.GroupByDisplayName(ctx, acct, "New"); !errors.Is(err, store.ErrNotFound) {
			fail(t, rule, "CreateGroup stored the group (%v)", err)
		}
		sameUser(t, getUser(t, s, acct, inv.ID), inv, rule+" (ClaimReminders)")
	}},
}

// copyTests check that values passed in are not retained and values
// returned are copies.
var copyTests = []test{
	{"User", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		in := fullUser("ann@example.com")
		u, err := s.CreateUser(ctx, acct, in)
		noErr(t, err, "CreateUser must succeed")
		want := u.Clone()

		// Mutate what was passed in and what came back.
		in.Emails[0].Value = "mutated-in@example.com"
		in.Extra["badge"] = "mutated"
		in.Extra["meta"].(map[string]any)["k"] = "mutated"
		u.Emails[0].Value = "mutated-out@example.com"
		u.Emails = append(u.Emails[:1], store.Email{Value: "added@example.com"})
		u.Extra["badge"] = "mutated"
		u.Extra["tags"].([]any)[0] = "mutated"
		sameUser(t, getUser(t, s, acct, want.ID), want, "values passed to and returned from CreateUser are copies: mutating them changes nothing stored")

		got := getUser(t, s, acct, want.ID)
		got.Emails[0].Value = "mutated@example.com"
		got.Extra["meta"].(map[string]any)["k"] = "mutated"
		sameUser(t, getUser(t, s, acct, want.ID), want, "values returned by GetUser are copies")

		p, err := s.ListUsers(ctx, acct, store.Query{Count: 10})
		noErr(t, err, "ListUsers must succeed")
		p.Users[0].Emails[0].Value = "mutated@example.com"
		p.Users[0].Extra["badge"] = "mutated"
		us, err := s.UsersByEmail(ctx, acct, "ann@example.com")
		noErr(t, err, "UsersByEmail must succeed")
		us[0].Emails[1].Type = "mutated"
		sameUser(t, getUser(t, s, acct, want.ID), want, "values returned by ListUsers and UsersByEmail are copies")
		if x, _ := s.UsersByEmail(ctx, acct, "mutated@example.com"); len(x) != 0 {
			fail(t, "mutating a returned user changes no index", "UsersByEmail found %q", userIDs(x))
		}

		upd := getUser(t, s, acct, want.ID)
		upd.Title = "Lead"
		stored, err := s.UpdateUser(ctx, acct, upd)
		noErr(t, err, "UpdateUser must succeed")
		upd.Emails[0].Value = "mutated@example.com"
		upd.Extra["badge"] = "mutated"
		stored.Extra["level"] = float64(99)
		want2 := getUser(t, s, acct, want.ID)
		if want2.Emails[0].Value != "ann@example.com" || want2.Extra["badge"] != "blue" || want2.Extra["level"] != float64(3) {
			fail(t, "values passed to and returned from UpdateUser are copies", "stored user is now %+v", want2)
		}
	}},
	{"Account", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		in := store.Account{ID: "storetest-" + randomID(), AllowedDomains: []string{"a.example"}}
		a, err := s.CreateAccount(ctx, in)
		noErr(t, err, "CreateAccount must succeed")
		in.AllowedDomains[0] = "mutated.example"
		a.AllowedDomains[0] = "mutated.example"
		got, err := s.GetAccount(ctx, in.ID)
		noErr(t, err, "GetAccount must succeed")
		if !slices.Equal(got.AllowedDomains, []string{"a.example"}) {
			fail(t, "accounts passed in and returned are copies", "AllowedDomains now %q", got.AllowedDomains)
		}
		got.AllowedDomains[0] = "mutated.example"
		again, _ := s.GetAccount(ctx, in.ID)
		if !slices.Equal(again.AllowedDomains, []string{"a.example"}) {
			fail(t, "accounts returned by GetAccount are copies", "AllowedDomains now %q", again.AllowedDomains)
		}
	}},
	{"Members", func(t *testing.T, s store.Store) {
		acct, u := groupFixture(t, s, 2)
		in := []string{u[0], u[1]}
		g := createGroup(t, s, acct, store.Group{DisplayName: "G"}, in...)
		in[0] = "mutated"
		ms := members(t, s, acct, g.ID)
		ms[1] = "mutated"
		if again := members(t, s, acct, g.ID); !slices.Equal(again, []string{u[0], u[1]}) {
			fail(t, "member lists passed in and returned are copies", "members now %q", again)
		}
	}},
}
