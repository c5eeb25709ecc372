package storetest

import (
	"errors"
	"strings"
	"testing"

	"github.com/scimkit/scimkit/store"
)

// invalidOn stops the test unless err is a *store.InvalidError naming attr
// (and so matches store.ErrInvalid).
func invalidOn(t *testing.T, err error, attr, rule string) {
	t.Helper()
	isErr(t, err, store.ErrInvalid, rule)
	var ie *store.InvalidError
	if !errors.As(err, &ie) {
		fail(t, rule, "got %v, want a *store.InvalidError (errors.As) naming %q", err, attr)
	}
	if ie.Attribute != attr {
		fail(t, rule, "InvalidError names attribute %q, want %q", ie.Attribute, attr)
	}
}

// atLimit is an indexed string of exactly store.MaxIndexedLen bytes, and
// overLimit one byte more (a character of two bytes at the end).
var (
	atLimit   = strings.Repeat("a", store.MaxIndexedLen-len("@example.com")) + "@example.com"
	overLimit = strings.Repeat("a", store.MaxIndexedLen-len("@example.com")-1) + "é@example.com"
	// overByFold is short as given, but its Fold (NFKC expands U+FDFA to
	// 18 characters) is over the limit.
	overByFold = strings.Repeat("\uFDFA", store.MaxIndexedLen/3)
)

var limitTests = []test{
	{"IndexedStringsAtTheLimitAreStored", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		u := user(atLimit)
		u.ExternalID = strings.Repeat("x", store.MaxIndexedLen)
		u.Emails = []store.Email{{Value: atLimit, Type: "work", Primary: true}}
		got := createUser(t, s, acct, u)
		if got.UserName != atLimit || got.ExternalID != u.ExternalID {
			fail(t, "indexed strings of store.MaxIndexedLen bytes are stored whole", "userName of %d bytes read back as %d", len(atLimit), len(got.UserName))
		}
		found, err := s.UserByUserName(ctx, acct, atLimit)
		noErr(t, err, "a userName of store.MaxIndexedLen bytes is found by UserByUserName")
		if found.ID != got.ID {
			fail(t, "UserByUserName finds the user", "got %s", found.ID)
		}
		g := createGroup(t, s, acct, store.Group{DisplayName: atLimit, ExternalID: u.ExternalID, Managed: true})
		if g.DisplayName != atLimit {
			fail(t, "a displayName of store.MaxIndexedLen bytes is stored whole", "read back %d bytes", len(g.DisplayName))
		}
	}},
	{"IndexedStringsOverTheLimitAreRefused", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		rule := "an indexed string longer than store.MaxIndexedLen bytes (as given, or once Folded) is refused with a *store.InvalidError naming the attribute, and nothing is stored"
		_, err := s.CreateUser(ctx, acct, user(overLimit))
		invalidOn(t, err, store.AttrUserName, rule)
		_, err = s.CreateUser(ctx, acct, user(overByFold))
		invalidOn(t, err, store.AttrUserName, rule)
		u := user("limits@example.com")
		u.ExternalID = overLimit
		_, err = s.CreateUser(ctx, acct, u)
		invalidOn(t, err, store.AttrExternalID, rule)
		u.ExternalID = ""
		u.Emails = []store.Email{{Value: overLimit, Type: "work"}}
		_, err = s.CreateUser(ctx, acct, u)
		invalidOn(t, err, store.AttrEmails, rule)
		page, err := s.ListUsers(ctx, acct, store.Query{Count: 1})
		noErr(t, err, "ListUsers")
		if page.Total != 0 {
			fail(t, rule, "%d users stored", page.Total)
		}

		u.Emails = nil
		created := createUser(t, s, acct, u)
		created.UserName = overLimit
		_, err = s.UpdateUser(ctx, acct, created)
		invalidOn(t, err, store.AttrUserName, rule+" (UpdateUser too)")

		_, err = s.CreateGroup(ctx, acct, store.Group{DisplayName: overLimit}, nil)
		invalidOn(t, err, store.AttrDisplayName, rule)
		_, err = s.CreateGroup(ctx, acct, store.Group{DisplayName: "ok", ExternalID: overLimit}, nil)
		invalidOn(t, err, store.AttrExternalID, rule)
		g := createGroup(t, s, acct, store.Group{DisplayName: "Engineering", Managed: true})
		name := overLimit
		_, _, err = s.UpdateGroup(ctx, acct, g.ID, store.GroupUpdate{DisplayName: &name})
		invalidOn(t, err, store.AttrDisplayName, rule+" (UpdateGroup too)")

		_, err = s.CreateAccount(ctx, store.Account{ID: "storetest-" + overLimit})
		invalidOn(t, err, "id", rule+" (account ids too)")
	}},
	{"OtherStringsHaveNoStoreLimit", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		u := user("long-title@example.com")
		u.Title = strings.Repeat("t", 100_000)
		u.DisplayName = strings.Repeat("d", 100_000)
		got := createUser(t, s, acct, u)
		if len(got.Title) != 100_000 || len(got.DisplayName) != 100_000 {
			fail(t, "strings the store does not index (title, a user's displayName) have no store limit: 100,000 characters are stored whole",
				"read back %d and %d", len(got.Title), len(got.DisplayName))
		}
	}},
	{"EmptyValuesNameTheirAttribute", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		_, err := s.CreateUser(ctx, acct, user(""))
		invalidOn(t, err, store.AttrUserName, "an empty userName is refused with a *store.InvalidError naming userName")
		_, err = s.CreateGroup(ctx, acct, store.Group{}, nil)
		invalidOn(t, err, store.AttrDisplayName, "an empty displayName is refused with a *store.InvalidError naming displayName")
	}},
}
