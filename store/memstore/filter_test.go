package memstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scimkit/scimkit/store"
)

// TestIndexedFilters checks that answering a filter from an index gives
// exactly what scanning every record with the same filter gives, for
// random filters built around the indexed shapes.
func TestIndexedFilters(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	s := New()
	if _, err := s.CreateAccount(ctx, store.Account{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	var users []store.User
	for i := range 60 {
		u := store.User{UserName: fmt.Sprintf("U%d@x.example", i), State: store.StateActive}
		if i%3 != 0 {
			u.ExternalID = fmt.Sprintf("ext%d", i%40)
		}
		if i%4 == 0 {
			u.State = store.StateSuspended
		}
		for j := range i % 3 {
			u.Emails = append(u.Emails, store.Email{Value: fmt.Sprintf("Shared%d@X.example", (i+j)%7), Type: []string{"work", "home"}[j%2], Primary: j == 0})
		}
		created, err := s.CreateUser(ctx, "a", u)
		if err != nil {
			if i%3 != 0 {
				continue // externalId taken: fine, fewer users
			}
			t.Fatal(err)
		}
		users = append(users, created)
	}
	var groups []store.Group
	for i := range 12 {
		var ms []string
		for j := range i % 5 {
			ms = append(ms, users[(i*7+j*3)%len(users)].ID)
		}
		g, err := s.CreateGroup(ctx, "a", store.Group{DisplayName: fmt.Sprintf("G%d", i), ExternalID: fmt.Sprintf("gx%d", i%6), Managed: i%2 == 0}, ms)
		if err != nil && i < 6 {
			t.Fatal(err)
		}
		if err == nil {
			groups = append(groups, g)
		}
	}
	acct := s.accounts["a"]

	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	userLeaves := func() store.Filter {
		u := users[rng.IntN(len(users))]
		switch rng.IntN(8) {
		case 0:
			return store.Compare{Attr: store.AttrUserName, Op: store.OpEq, Value: pick([]string{u.UserName, store.Fold(u.UserName), "nobody"})}
		case 1:
			return store.Compare{Attr: store.AttrExternalID, Op: store.OpEq, Value: pick([]string{u.ExternalID, "ext1", "", "EXT1"})}
		case 2:
			return store.Compare{Attr: store.AttrID, Op: store.OpEq, Value: pick([]string{u.ID, "nope"})}
		case 3:
			return store.Compare{Attr: store.AttrEmailValue, Op: store.OpEq, Value: fmt.Sprintf("shared%d@x.EXAMPLE", rng.IntN(8))}
		case 4:
			return store.ValuePath{Attr: store.AttrEmails, Filter: store.And{Filters: []store.Filter{
				store.Compare{Attr: "type", Op: store.OpEq, Value: pick([]string{"work", "HOME"})},
				store.Compare{Attr: "value", Op: store.OpEq, Value: fmt.Sprintf("Shared%d@x.example", rng.IntN(8))},
			}}}
		case 5:
			return store.Compare{Attr: store.AttrActive, Op: store.OpEq, Value: rng.IntN(2) == 0}
		case 6:
			return store.Compare{Attr: store.AttrUserName, Op: store.OpSw, Value: fmt.Sprintf("u%d", rng.IntN(6))}
		default:
			return store.Compare{Attr: store.AttrEmailPrimary, Op: store.OpEq, Value: rng.IntN(2) == 0}
		}
	}
	groupLeaves := func() store.Filter {
		u := users[rng.IntN(len(users))]
		g := groups[rng.IntN(len(groups))]
		switch rng.IntN(6) {
		case 0:
			return store.Compare{Attr: store.AttrDisplayName, Op: store.OpEq, Value: pick([]string{g.DisplayName, "g3", "none"})}
		case 1:
			return store.Compare{Attr: store.AttrExternalID, Op: store.OpEq, Value: pick([]string{g.ExternalID, "", "GX1"})}
		case 2:
			return store.Compare{Attr: store.AttrID, Op: store.OpEq, Value: g.ID}
		case 3:
			return store.Compare{Attr: store.AttrMemberValue, Op: store.OpEq, Value: u.ID}
		case 4:
			return store.ValuePath{Attr: store.AttrMembers, Filter: store.Compare{Attr: "value", Op: store.OpEq, Value: u.ID}}
		default:
			return store.Compare{Attr: store.AttrManaged, Op: store.OpEq, Value: rng.IntN(2) == 0}
		}
	}
	var build func(leaf func() store.Filter, depth int) store.Filter
	build = func(leaf func() store.Filter, depth int) store.Filter {
		if depth == 0 || rng.IntN(3) == 0 {
			return leaf()
		}
		var fs []store.Filter
		for range 1 + rng.IntN(3) {
			fs = append(fs, build(leaf, depth-1))
		}
		switch rng.IntN(4) {
		case 0:
			return store.Or{Filters: fs}
		case 1:
			return store.Not{Filter: fs[0]}
		default:
			return store.And{Filters: fs}
		}
	}

	indexed := 0
	for range 3000 {
		f := build(userLeaves, 3)
		match, err := compileUser(f)
		if err != nil {
			t.Fatalf("%#v: %v", f, err)
		}
		var want []string
		acct.users.all(func(r *userRec) bool {
			if u := r.view(); match(&u) {
				want = append(want, r.id)
			}
			return true
		})
		if _, ok := acct.userCandidates(f); ok {
			indexed++
		}
		p, err := s.ListUsers(ctx, "a", store.Query{Filter: f, Count: 1000})
		if err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(p.Users))
		for i, u := range p.Users {
			got[i] = u.ID
		}
		if !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Fatalf("user filter %#v: ListUsers gives %q, a scan gives %q", f, got, want)
		}
	}
	for range 2000 {
		f := build(groupLeaves, 3)
		match, err := compileGroup(f)
		if err != nil {
			t.Fatalf("%#v: %v", f, err)
		}
		var want []string
		acct.groups.all(func(r *groupRec) bool {
			if match(r) {
				want = append(want, r.g.ID)
			}
			return true
		})
		if _, ok := acct.groupCandidates(f); ok {
			indexed++
		}
		p, err := s.ListGroups(ctx, "a", store.Query{Filter: f, Count: 1000})
		if err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(p.Groups))
		for i, g := range p.Groups {
			got[i] = g.ID
		}
		if !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Fatalf("group filter %#v: ListGroups gives %q, a scan gives %q", f, got, want)
		}
	}
	if indexed < 1000 {
		t.Fatalf("only %d of 5000 random filters used an index: the test does not exercise the indexes", indexed)
	}
}
