package storetest

import (
	"errors"
	"testing"

	"github.com/scimkit/scimkit/store"
)

// lookalikes are spellings of one identity that differ only in what
// store.Fold erases: letter case, NFC against NFD accents, fullwidth
// compatibility forms, and invisible (default-ignorable) characters.
var lookalikes = []struct{ how, userName, email, group string }{
	{"as given", "émile.zola@example.com", "émile.zola@example.com", "Équipe"},
	{"decomposed accent (NFD)", "e\u0301mile.zola@example.com", "E\u0301mile.Zola@example.com", "E\u0301quipe"},
	{"fullwidth letters", "ｅ\u0301ｍｉｌｅ.ｚｏｌａ@example.com", "ÉＭＩＬＥ.zola@example.com", "ÉＱＵＩＰＥ"},
	{"zero-width space", "émile\u200B.zola@example.com", "émile.zo\u200Bla@example.com", "Équi\u200Bpe"},
	{"soft hyphen", "ém\u00ADile.zola@example.com", "émile.zola\u00AD@example.com", "Équ\u00ADipe"},
	{"upper case", "ÉMILE.ZOLA@EXAMPLE.COM", "ÉMILE.ZOLA@EXAMPLE.COM", "ÉQUIPE"},
}

var identityTests = []test{
	{"LookalikeUserNamesAreOneUser", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		first := user(lookalikes[0].userName)
		created, err := s.CreateUser(ctx, acct, first)
		noErr(t, err, "CreateUser")
		for _, l := range lookalikes[1:] {
			_, err := s.CreateUser(ctx, acct, user(l.userName))
			conflictOn(t, err, "userName",
				"userName uniqueness compares store.Fold forms (NFKC, case folding, invisible characters dropped): a userName differing by "+l.how+" is taken")
			got, err := s.UserByUserName(ctx, acct, l.userName)
			noErr(t, err, "UserByUserName compares store.Fold forms: it finds the user by a spelling differing by "+l.how)
			if got.ID != created.ID || got.UserName != first.UserName {
				fail(t, "UserByUserName finds the one user and returns its userName as stored", "got %q (%s), want %q (%s)", got.UserName, got.ID, first.UserName, created.ID)
			}
			page, err := s.ListUsers(ctx, acct, store.Query{Filter: cmp(store.AttrUserName, store.OpEq, l.userName), Count: 10})
			noErr(t, err, "ListUsers userName eq")
			if page.Total != 1 || len(page.Users) != 1 || page.Users[0].ID != created.ID {
				fail(t, "a userName eq filter compares store.Fold forms, as uniqueness does: the pre-create lookup finds the user that would conflict",
					"filter by a spelling differing by %s: total %d", l.how, page.Total)
			}
		}
	}},
	{"LookalikeEmailsFindTheUser", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		u := user("zola")
		u.Emails = []store.Email{{Value: lookalikes[0].email, Type: "work", Primary: true}}
		created, err := s.CreateUser(ctx, acct, u)
		noErr(t, err, "CreateUser")
		for _, l := range lookalikes[1:] {
			got, err := s.UsersByEmail(ctx, acct, l.email)
			noErr(t, err, "UsersByEmail")
			if len(got) != 1 || got[0].ID != created.ID {
				fail(t, "UsersByEmail compares store.Fold forms: an email differing by "+l.how+" finds the user", "got %d users", len(got))
			}
			if got[0].Emails[0].Value != lookalikes[0].email {
				fail(t, "emails are stored and returned as given", "got %q, want %q", got[0].Emails[0].Value, lookalikes[0].email)
			}
		}
	}},
	{"LookalikeGroupNamesAreOneGroup", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		created, err := s.CreateGroup(ctx, acct, store.Group{DisplayName: lookalikes[0].group, Managed: true}, nil)
		noErr(t, err, "CreateGroup")
		for _, l := range lookalikes[1:] {
			_, err := s.CreateGroup(ctx, acct, store.Group{DisplayName: l.group, Managed: true}, nil)
			conflictOn(t, err, "displayName", "group displayName uniqueness compares store.Fold forms: a name differing by "+l.how+" is taken")
			got, err := s.GroupByDisplayName(ctx, acct, l.group)
			noErr(t, err, "GroupByDisplayName compares store.Fold forms: it finds the group by a spelling differing by "+l.how)
			if got.ID != created.ID {
				fail(t, "GroupByDisplayName finds the one group", "got %s, want %s", got.ID, created.ID)
			}
		}
	}},
	{"DistinctIdentitiesStayDistinct", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		// An accent is not a case difference, and a visible space is kept.
		for _, name := range []string{"emile.zola@example.com", "émile.zola@example.com", "emile zola@example.com"} {
			_, err := s.CreateUser(ctx, acct, user(name))
			if errors.Is(err, store.ErrConflict) {
				fail(t, "store.Fold erases only case, normalisation forms and invisible characters: distinct identities do not collide", "%q was refused as taken", name)
			}
			noErr(t, err, "CreateUser")
		}
	}},
}
