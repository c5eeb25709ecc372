package storekit_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/storekit"
	"github.com/scimkit/scimkit/store/storetest"
)

// indexed is the minimal backend with every fast path: lookups by map,
// native unfiltered pages, member tests. (Its "indexes" are scans too;
// what it exercises is Wrap's use of the fast paths, not their speed.)
// With broken set, UserByUserName compares case-sensitively: the mistake
// RunSameAnswers must catch.
type indexed struct {
	*minimal
	broken bool
}

type itx struct {
	*mtx
	broken bool
}

func (b indexed) View(ctx context.Context, fn func(storekit.Reader) error) error {
	return b.minimal.View(ctx, func(r storekit.Reader) error { return fn(itx{r.(*mtx), b.broken}) })
}

func (b indexed) Update(ctx context.Context, acct string, fn func(storekit.Tx) error) error {
	return b.minimal.Update(ctx, acct, func(tx storekit.Tx) error { return fn(itx{tx.(*mtx), b.broken}) })
}

func (t itx) findUsers(acct string, keep func(*store.User) bool) []store.User {
	var out []store.User
	for _, u := range t.acct(acct).users {
		if u != nil && keep(u) {
			out = append(out, u.Clone())
		}
	}
	return out
}

func (t itx) UserByUserName(_ context.Context, acct, name string) (store.User, error) {
	us := t.findUsers(acct, func(u *store.User) bool {
		if t.broken {
			return u.UserName == name
		}
		return store.Fold(u.UserName) == store.Fold(name)
	})
	if len(us) == 0 {
		return store.User{}, notFound("userName", name)
	}
	return us[0], nil
}

func (t itx) UserByExternalID(_ context.Context, acct, ext string) (store.User, error) {
	us := t.findUsers(acct, func(u *store.User) bool { return u.ExternalID == ext })
	if len(us) == 0 {
		return store.User{}, notFound("externalId", ext)
	}
	return us[0], nil
}

func (t itx) UsersByEmail(_ context.Context, acct, email string) ([]store.User, error) {
	return t.findUsers(acct, func(u *store.User) bool {
		return slices.ContainsFunc(u.Emails, func(e store.Email) bool { return store.Fold(e.Value) == store.Fold(email) })
	}), nil
}

func (t itx) QueryUsers(_ context.Context, acct string, f store.Filter, start, count int) (store.UserPage, error) {
	if f != nil {
		return store.UserPage{}, errors.ErrUnsupported
	}
	all := t.findUsers(acct, func(*store.User) bool { return true })
	return store.UserPage{Users: all[min(start-1, len(all)):min(start-1+count, len(all))], Total: len(all)}, nil
}

func (t itx) findGroups(acct string, keep func(*store.Group) bool) []store.Group {
	var out []store.Group
	for _, g := range t.acct(acct).groups {
		if g != nil && keep(g) {
			out = append(out, *g)
		}
	}
	return out
}

func (t itx) GroupByDisplayName(_ context.Context, acct, name string) (store.Group, error) {
	gs := t.findGroups(acct, func(g *store.Group) bool { return store.Fold(g.DisplayName) == store.Fold(name) })
	if len(gs) == 0 {
		return store.Group{}, notFound("displayName", name)
	}
	return gs[0], nil
}

func (t itx) GroupByExternalID(_ context.Context, acct, ext string) (store.Group, error) {
	gs := t.findGroups(acct, func(g *store.Group) bool { return g.ExternalID == ext })
	if len(gs) == 0 {
		return store.Group{}, notFound("externalId", ext)
	}
	return gs[0], nil
}

func (t itx) GroupsOfUser(_ context.Context, acct, id string) ([]store.Group, error) {
	ms := t.acct(acct).members
	return t.findGroups(acct, func(g *store.Group) bool { return slices.Contains(ms[g.ID], id) }), nil
}

func (t itx) MembersAmong(_ context.Context, acct, group string, ids []string) ([]string, error) {
	ms := t.acct(acct).members[group]
	return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return !slices.Contains(ms, id) }), nil
}

var (
	_ storekit.UserFinder   = itx{}
	_ storekit.UserQuerier  = itx{}
	_ storekit.GroupFinder  = itx{}
	_ storekit.MemberTester = itx{}
)

// TestIndexed runs the suite through every fast path, and compares them
// with the fallbacks.
func TestIndexed(t *testing.T) {
	newStore := func(*testing.T) store.Store { return storekit.Wrap(indexed{minimal: newMinimal()}) }
	storetest.Run(t, newStore)
	storetest.RunConcurrency(t, newStore)
	storetest.RunSameAnswers(t, func(*testing.T) (store.Store, store.Store) {
		b := indexed{minimal: newMinimal(), broken: os.Getenv("STOREKIT_BROKEN_FAST_PATH") == "1"}
		return storekit.Wrap(b), storekit.Wrap(b, storekit.FallbacksOnly())
	})
}

// TestSameAnswersCatchesABrokenFastPath runs TestIndexed in a child
// process with a case-sensitive userName fast path, and expects
// RunSameAnswers to fail naming its rule and the question.
func TestSameAnswersCatchesABrokenFastPath(t *testing.T) {
	if os.Getenv("STOREKIT_BROKEN_FAST_PATH") == "1" {
		t.Skip("inside the child")
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestIndexed$/^SameAnswers/users$", "-test.v")
	cmd.Env = append(os.Environ(), "STOREKIT_BROKEN_FAST_PATH=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("RunSameAnswers passed a case-sensitive UserByUserName fast path:\n%s", out)
	}
	for _, want := range []string{"a fast path answers as the fallback does", "UserByUserName(", "storetest: RunSameAnswers: 0 of 1 rules pass"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the child's output lacks %q:\n%s", want, out)
		}
	}
}
