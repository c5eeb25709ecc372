package storetest

import (
	"errors"
	"testing"

	"github.com/scimkit/scimkit/store"
)

// fullUser returns a user with every field set.
func fullUser(userName string) store.User {
	return store.User{
		ID:         "ignored-by-create",
		ExternalID: "00uFull" + userName,
		UserName:   userName,
		Name: store.Name{Formatted: "Ms. Ann B. Archer III", FamilyName: "Archer", GivenName: "Ann",
			MiddleName: "B.", HonorificPrefix: "Ms.", HonorificSuffix: "III"},
		DisplayName:       "Ann Archer",
		NickName:          "Annie",
		Title:             "Engineer",
		UserType:          "Employee",
		PreferredLanguage: "en-GB",
		Locale:            "en-US",
		Timezone:          "Europe/Brussels",
		Emails: []store.Email{
			{Value: userName, Type: "work", Primary: true},
			{Value: "Ann.Home@Mail.Example", Type: "home"},
		},
		Enterprise: store.Enterprise{EmployeeNumber: "E-1", CostCenter: "CC", Organization: "Org",
			Division: "Div", Department: "Dept", ManagerID: "mgr-1"},
		Extra:     map[string]any{"badge": "blue", "level": float64(3), "remote": true, "tags": []any{"a", "b"}, "meta": map[string]any{"k": "v"}},
		State:     store.StateInvited,
		Linked:    true,
		InvitedAt: ts(2, 10),
	}
}

var userTests = []test{
	{"CreateGet", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		in := fullUser("ann@example.com")
		in.Created, in.Modified, in.Version = ts(1, 1), ts(1, 2), 42 // the store sets these
		u := createUser(t, s, acct, in)
		if u.ID == "" || u.ID == in.ID {
			fail(t, "CreateUser ignores u.ID and assigns a new id", "got ID %q", u.ID)
		}
		if u.Version != 1 || u.Created.IsZero() || u.Modified.IsZero() || u.Created.Equal(in.Created) || u.Modified.Equal(in.Modified) {
			fail(t, "CreateUser sets Created, Modified and Version 1", "got %+v", u)
		}
		if d := diffUser(u, in); d != "" {
			fail(t, "CreateUser returns every field as given", "%s", d)
		}
		sameUser(t, getUser(t, s, acct, u.ID), u, "GetUser returns what CreateUser returned")
		v := createUser(t, s, acct, user("bob@example.com"))
		if v.ID == u.ID {
			fail(t, "ids are unique within an account", "two users got id %q", u.ID)
		}
		_, err := s.GetUser(t.Context(), acct, "no-such-user")
		isErr(t, err, store.ErrNotFound, "GetUser of an unknown id is ErrNotFound")
	}},
	{"CreateInvalid", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		_, err := s.CreateUser(ctx, acct, store.User{State: store.StateActive})
		isErr(t, err, store.ErrInvalid, "CreateUser with an empty userName is ErrInvalid")
		_, err = s.CreateUser(ctx, acct, store.User{UserName: "a@example.com"})
		isErr(t, err, store.ErrInvalid, "CreateUser with an empty state is ErrInvalid")
		_, err = s.CreateUser(ctx, acct, store.User{UserName: "a@example.com", State: "deleted"})
		isErr(t, err, store.ErrInvalid, "CreateUser with an unknown state is ErrInvalid")
		_, err = s.CreateUser(ctx, "storetest-missing-"+randomID(), user("a@example.com"))
		isErr(t, err, store.ErrNotFound, "CreateUser in an unknown account is ErrNotFound")
		if us := allUsers(t, s, acct); len(us) != 0 {
			fail(t, "a refused CreateUser stores nothing", "account has %d users", len(us))
		}
	}},
	{"CreateConflict", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		a := user("Ann@Example.com")
		a.ExternalID = "00uAnn"
		createUser(t, s, acct, a)

		_, err := s.CreateUser(ctx, acct, user("aNN@eXAMPLE.COM"))
		conflictOn(t, err, "userName", "userName is unique per account case-insensitively: CreateUser is a ConflictError on userName")
		b := user("bob@example.com")
		b.ExternalID = "00uAnn"
		_, err = s.CreateUser(ctx, acct, b)
		conflictOn(t, err, "externalId", "a non-empty externalId is unique per account: CreateUser is a ConflictError on externalId")
		if us := allUsers(t, s, acct); len(us) != 1 {
			fail(t, "a refused CreateUser stores nothing", "account has %d users, want 1", len(us))
		}

		b.ExternalID = "00uann" // externalId is case-exact
		createUser(t, s, acct, b)
		createUser(t, s, acct, user("carol@example.com")) // no externalId
		createUser(t, s, acct, user("dave@example.com"))  // no externalId either: "" is not unique
	}},
	{"Lookups", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		a := fullUser("Ann@Example.com")
		a.State = store.StateSuspended
		ann := createUser(t, s, acct, a)
		b := user("bob@example.com")
		// One user may list an address twice (in any case): it is found once.
		b.Emails = []store.Email{{Value: "BOB@example.com", Type: "work"}, {Value: "bob@Example.com", Type: "other"}}
		bob := createUser(t, s, acct, b)
		c := user("carol@example.com")
		c.Emails = []store.Email{{Value: "Carol.Work@example.COM", Type: "work", Primary: true}}
		carol := createUser(t, s, acct, c)
		createUser(t, s, acct, user("noexternal@example.com"))

		got, err := s.UserByUserName(ctx, acct, "aNN@example.COM")
		noErr(t, err, "UserByUserName matches case-insensitively and finds suspended users")
		sameUser(t, got, ann, "UserByUserName returns the stored user")
		_, err = s.UserByUserName(ctx, acct, "nobody@example.com")
		isErr(t, err, store.ErrNotFound, "UserByUserName of an unknown userName is ErrNotFound")

		got, err = s.UserByExternalID(ctx, acct, a.ExternalID)
		noErr(t, err, "UserByExternalID finds the user with that externalId")
		sameUser(t, got, ann, "UserByExternalID returns the stored user")
		_, err = s.UserByExternalID(ctx, acct, "00ufullann@example.com")
		isErr(t, err, store.ErrNotFound, "UserByExternalID is case-exact: another case is ErrNotFound")
		_, err = s.UserByExternalID(ctx, acct, "")
		isErr(t, err, store.ErrNotFound, "UserByExternalID(\"\") matches nothing, not the users without externalId")

		for _, tc := range []struct {
			email string
			want  []string
		}{
			{"ann.home@mail.example", []string{ann.ID}}, // second, non-primary email, other case
			{"ANN@EXAMPLE.COM", []string{ann.ID}},
			{"bob@EXAMPLE.com", []string{bob.ID}},
			{"carol.work@example.com", []string{carol.ID}},
			{"nobody@example.com", nil},
		} {
			us, err := s.UsersByEmail(ctx, acct, tc.email)
			noErr(t, err, "UsersByEmail never fails for a known account, also without matches")
			if !sameIDs(userIDs(us), tc.want) {
				fail(t, "UsersByEmail returns the user having the email among its values, case-insensitively, once",
					"UsersByEmail(%q) = %q, want %q", tc.email, userIDs(us), tc.want)
			}
		}
	}},
	{"Update", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		u := createUser(t, s, acct, fullUser("ann@example.com"))
		createUser(t, s, acct, user("other@example.com"))

		want := u
		want.UserName = "Ann.New@Example.com"
		want.ExternalID = "00uNew"
		want.Emails = []store.Email{{Value: "ann.new@example.com", Type: "work", Primary: true}}
		want.Name.GivenName = "Anne"
		want.Extra = map[string]any{"badge": "red"}
		want.State = store.StateActive
		want.AcceptedAt = ts(3, 9)
		want.Created, want.Modified = ts(1, 1), ts(1, 2) // the store keeps or sets these
		got, err := s.UpdateUser(ctx, acct, want)
		noErr(t, err, "UpdateUser with the current version must succeed")
		if got.Version != u.Version+1 || got.ID != u.ID || !got.Created.Equal(u.Created) || got.Modified.Before(u.Modified) || got.Modified.Equal(want.Modified) {
			fail(t, "UpdateUser keeps ID and Created, bumps the version by one and does not move Modified backwards", "got %+v, was %+v", got, u)
		}
		if d := diffUser(got, want); d != "" {
			fail(t, "UpdateUser replaces every field", "%s", d)
		}
		sameUser(t, getUser(t, s, acct, u.ID), got, "GetUser returns the updated user")

		_, err = s.UserByUserName(ctx, acct, "ann@example.com")
		isErr(t, err, store.ErrNotFound, "after UpdateUser the old userName no longer finds the user")
		_, err = s.UserByExternalID(ctx, acct, u.ExternalID)
		isErr(t, err, store.ErrNotFound, "after UpdateUser the old externalId no longer finds the user")
		if us, _ := s.UsersByEmail(ctx, acct, "ann.home@mail.example"); len(us) != 0 {
			fail(t, "after UpdateUser a removed email no longer finds the user", "got %q", userIDs(us))
		}
		if got2, err := s.UserByUserName(ctx, acct, "ann.new@example.com"); err != nil || got2.ID != u.ID {
			fail(t, "after UpdateUser the new userName finds the user", "got %v, %v", got2.ID, err)
		}
		if got2, err := s.UserByExternalID(ctx, acct, "00uNew"); err != nil || got2.ID != u.ID {
			fail(t, "after UpdateUser the new externalId finds the user", "got %v, %v", got2.ID, err)
		}
		if us, _ := s.UsersByEmail(ctx, acct, "ANN.NEW@example.com"); len(us) != 1 || us[0].ID != u.ID {
			fail(t, "after UpdateUser a new email finds the user", "got %q", userIDs(us))
		}

		// Changing only the case of one's own userName is no conflict.
		got.UserName = "ANN.NEW@example.com"
		got, err = s.UpdateUser(ctx, acct, got)
		noErr(t, err, "UpdateUser may change the case of the user's own userName")
		if got.UserName != "ANN.NEW@example.com" {
			fail(t, "values are stored as given", "userName %q", got.UserName)
		}

		_, err = s.UpdateUser(ctx, acct, store.User{ID: "no-such-user", UserName: "x@example.com", State: store.StateActive, Version: 1})
		isErr(t, err, store.ErrNotFound, "UpdateUser of an unknown user is ErrNotFound")
		bad := got
		bad.UserName = ""
		_, err = s.UpdateUser(ctx, acct, bad)
		isErr(t, err, store.ErrInvalid, "UpdateUser with an empty userName is ErrInvalid")
		bad = got
		bad.State = "gone"
		_, err = s.UpdateUser(ctx, acct, bad)
		isErr(t, err, store.ErrInvalid, "UpdateUser with an unknown state is ErrInvalid")
		sameUser(t, getUser(t, s, acct, u.ID), got, "a refused UpdateUser changes nothing")
	}},
	{"UpdateStale", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		u := createUser(t, s, acct, fullUser("ann@example.com"))
		cur := u
		cur.Title = "Lead"
		cur, err := s.UpdateUser(ctx, acct, cur)
		noErr(t, err, "UpdateUser with the current version must succeed")

		stale := u // version 1, now 2
		stale.UserName = "stale@example.com"
		stale.Title = "Stale"
		_, err = s.UpdateUser(ctx, acct, stale)
		isErr(t, err, store.ErrVersionMismatch, "UpdateUser with a stale version is ErrVersionMismatch")
		sameUser(t, getUser(t, s, acct, u.ID), cur, "a stale UpdateUser changes nothing")
		_, err = s.UserByUserName(ctx, acct, "stale@example.com")
		isErr(t, err, store.ErrNotFound, "a stale UpdateUser changes no index")
	}},
	{"UpdateConflict", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		a := user("ann@example.com")
		a.ExternalID = "00uAnn"
		createUser(t, s, acct, a)
		b := user("bob@example.com")
		b.ExternalID = "00uBob"
		bob := createUser(t, s, acct, b)

		upd := bob
		upd.UserName = "ANN@example.com"
		upd.Title = "changed"
		_, err := s.UpdateUser(ctx, acct, upd)
		conflictOn(t, err, "userName", "UpdateUser to another user's userName (any case) is a ConflictError on userName")
		sameUser(t, getUser(t, s, acct, bob.ID), bob, "an UpdateUser refused for a conflict changes nothing")

		upd = bob
		upd.ExternalID = "00uAnn"
		_, err = s.UpdateUser(ctx, acct, upd)
		conflictOn(t, err, "externalId", "UpdateUser to another user's externalId is a ConflictError on externalId")
		sameUser(t, getUser(t, s, acct, bob.ID), bob, "an UpdateUser refused for a conflict changes nothing")
		if got, err := s.UserByExternalID(ctx, acct, "00uAnn"); err != nil || got.UserName != "ann@example.com" {
			fail(t, "an UpdateUser refused for a conflict changes no index", "UserByExternalID(00uAnn) = %v, %v", got.UserName, err)
		}
	}},
	{"UniqueEmails", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		a := user("ann")
		a.Emails = []store.Email{{Value: "Ann@Example.com", Type: "work", Primary: true}, {Value: "ann@home.example", Type: "home"}}
		ann := createUser(t, s, acct, a)
		bob := createUser(t, s, acct, user("bob"))

		b := user("ann-again") // what Entra sends: another userName (the UPN), the same mail
		b.Emails = []store.Email{{Value: "ANN@example.COM", Type: "work", Primary: true}}
		_, err := s.CreateUser(ctx, acct, b)
		conflictOn(t, err, store.AttrEmails, "email values are unique per account case-insensitively: CreateUser is a ConflictError on emails")
		var ce *store.ConflictError
		if errors.As(err, &ce) && ce.Value != "ANN@example.COM" {
			fail(t, "the ConflictError names the email as the caller gave it", "got Value %q", ce.Value)
		}
		b.Emails = []store.Email{{Value: "other@example.com", Type: "work", Primary: true}, {Value: "ANN@HOME.example", Type: "home"}}
		_, err = s.CreateUser(ctx, acct, b)
		conflictOn(t, err, store.AttrEmails, "every email value is unique, not only the primary one")
		if us := allUsers(t, s, acct); len(us) != 2 {
			fail(t, "a CreateUser refused for an email stores nothing", "account has %d users, want 2", len(us))
		}
		if us, _ := s.UsersByEmail(ctx, acct, "other@example.com"); len(us) != 0 {
			fail(t, "a CreateUser refused for an email indexes none of its emails", "got %q", userIDs(us))
		}

		upd := bob
		upd.Emails = []store.Email{{Value: "bob@example.com", Type: "work"}, {Value: "ann@EXAMPLE.com", Type: "other"}}
		_, err = s.UpdateUser(ctx, acct, upd)
		conflictOn(t, err, store.AttrEmails, "UpdateUser to another user's email (any case) is a ConflictError on emails")
		sameUser(t, getUser(t, s, acct, bob.ID), bob, "an UpdateUser refused for an email changes nothing")
		if us, _ := s.UsersByEmail(ctx, acct, "bob@example.com"); len(us) != 0 {
			fail(t, "an UpdateUser refused for an email changes no index", "got %q", userIDs(us))
		}

		// Changing one's own emails (case, order, a second entry) is no conflict.
		ann.Emails = []store.Email{{Value: "ann@home.example", Type: "home"}, {Value: "ANN@example.com", Type: "work", Primary: true},
			{Value: "ann@example.com", Type: "other"}}
		ann, err = s.UpdateUser(ctx, acct, ann)
		noErr(t, err, "UpdateUser may change the case and order of the user's own emails and list one twice")

		// An address given up is free for another user at once.
		ann.Emails = ann.Emails[:1]
		ann, err = s.UpdateUser(ctx, acct, ann)
		noErr(t, err, "UpdateUser may drop emails")
		bob.Emails = []store.Email{{Value: "Ann@Example.com", Type: "work", Primary: true}}
		bob, err = s.UpdateUser(ctx, acct, bob)
		noErr(t, err, "an email another user dropped may be taken by UpdateUser")
		if us, _ := s.UsersByEmail(ctx, acct, "ann@example.com"); !sameIDs(userIDs(us), []string{bob.ID}) {
			fail(t, "UsersByEmail finds the email's new owner", "got %q", userIDs(us))
		}
		noErr(t, s.DeleteUser(ctx, acct, bob.ID), "DeleteUser")
		c := user("carol")
		c.Emails = []store.Email{{Value: "ann@example.com"}}
		createUser(t, s, acct, c)

		// Empty values are no address: they never collide.
		for _, n := range []string{"dan", "eve"} {
			u := user(n)
			u.Emails = []store.Email{{Value: "", Type: "work"}}
			createUser(t, s, acct, u)
		}

		// Uniqueness is per account.
		other := newAccount(t, s)
		createUser(t, s, other, c)
	}},
	{"Delete", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		u := createUser(t, s, acct, fullUser("ann@example.com"))
		other := createUser(t, s, acct, user("bob@example.com"))
		g1 := createGroup(t, s, acct, store.Group{DisplayName: "One"}, u.ID, other.ID)
		g2 := createGroup(t, s, acct, store.Group{DisplayName: "Two"}, u.ID)

		noErr(t, s.DeleteUser(ctx, acct, u.ID), "DeleteUser of a stored user must succeed")
		_, err := s.GetUser(ctx, acct, u.ID)
		isErr(t, err, store.ErrNotFound, "a deleted user is ErrNotFound")
		_, err = s.UserByUserName(ctx, acct, u.UserName)
		isErr(t, err, store.ErrNotFound, "a deleted user is not found by userName")
		_, err = s.UserByExternalID(ctx, acct, u.ExternalID)
		isErr(t, err, store.ErrNotFound, "a deleted user is not found by externalId")
		if us, _ := s.UsersByEmail(ctx, acct, u.UserName); len(us) != 0 {
			fail(t, "a deleted user is not found by email", "got %q", userIDs(us))
		}
		if ids := userIDs(allUsers(t, s, acct)); !sameIDs(ids, []string{other.ID}) {
			fail(t, "a deleted user is not listed", "got %q", ids)
		}
		if ms := members(t, s, acct, g1.ID); !sameIDs(ms, []string{other.ID}) {
			fail(t, "DeleteUser removes the user's group memberships", "group One has %q", ms)
		}
		if ms := members(t, s, acct, g2.ID); len(ms) != 0 {
			fail(t, "DeleteUser removes the user's group memberships", "group Two has %q", ms)
		}
		_, err = s.GroupsOfUser(ctx, acct, u.ID)
		isErr(t, err, store.ErrNotFound, "GroupsOfUser of a deleted user is ErrNotFound")
		isErr(t, s.DeleteUser(ctx, acct, u.ID), store.ErrNotFound, "DeleteUser of a deleted user is ErrNotFound")

		again := createUser(t, s, acct, fullUser("ann@example.com"))
		if again.ID == u.ID {
			fail(t, "ids are never reused within an account", "a new user got the deleted user's id %q", u.ID)
		}
	}},
	{"ConflictErrorType", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		createUser(t, s, acct, user("ann@example.com"))
		_, err := s.CreateUser(t.Context(), acct, user("ANN@example.com"))
		var ce *store.ConflictError
		if !errors.As(err, &ce) || ce.Attribute != "userName" || ce.Value != "ANN@example.com" {
			fail(t, "a uniqueness violation is a *store.ConflictError naming the attribute and the value as the caller gave it", "got %#v", err)
		}
	}},
}
