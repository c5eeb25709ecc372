package memstore_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

const benchUsers = 100_000

// oktaUser returns a typical user as Okta provisions it: userName, name
// parts, displayName, one work email, externalId and locale.
func oktaUser(i int) store.User {
	first, last := fmt.Sprintf("First%d", i), fmt.Sprintf("Last%d", i)
	email := fmt.Sprintf("first%d.last%d@example.com", i, i)
	return store.User{
		UserName:    email,
		ExternalID:  fmt.Sprintf("00u%017d", i),
		Name:        store.Name{GivenName: first, FamilyName: last},
		DisplayName: first + " " + last,
		Emails:      []store.Email{{Value: email, Type: "work", Primary: true}},
		Locale:      "en-US",
		State:       store.StateActive,
	}
}

// benchFixture is one account with benchUsers users, a group holding all
// of them but the last, and a group holding the first 10.
type benchFixture struct {
	s               *memstore.Store
	ids, names      []string
	bigGroup, small string
	spare           string // the last user, in neither group
}

func newBenchFixture(b *testing.B) *benchFixture {
	b.Helper()
	ctx := context.Background()
	f := &benchFixture{s: memstore.New()}
	if _, err := f.s.CreateAccount(ctx, store.Account{ID: "acme"}); err != nil {
		b.Fatal(err)
	}
	for i := range benchUsers {
		u, err := f.s.CreateUser(ctx, "acme", oktaUser(i))
		if err != nil {
			b.Fatal(err)
		}
		f.ids = append(f.ids, u.ID)
		f.names = append(f.names, u.UserName)
	}
	f.spare = f.ids[benchUsers-1]
	big, err := f.s.CreateGroup(ctx, "acme", store.Group{DisplayName: "Everyone"}, f.ids[:benchUsers-1])
	if err != nil {
		b.Fatal(err)
	}
	small, err := f.s.CreateGroup(ctx, "acme", store.Group{DisplayName: "Small"}, f.ids[:10])
	if err != nil {
		b.Fatal(err)
	}
	f.bigGroup, f.small = big.ID, small.ID
	return f
}

// BenchmarkStore100k measures one account of 100,000 users. The fixture
// is built once per run of this benchmark, outside the timed loops.
func BenchmarkStore100k(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()

	b.Run("GetUser", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := f.s.GetUser(ctx, "acme", f.ids[i%benchUsers]); err != nil {
				b.Fatal(err)
			}
			i += 7919
		}
	})
	b.Run("UserByUserName", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := f.s.UserByUserName(ctx, "acme", f.names[i%benchUsers]); err != nil {
				b.Fatal(err)
			}
			i += 7919
		}
	})
	for _, start := range []int{1, benchUsers - 99} {
		b.Run(fmt.Sprintf("ListUsers/StartIndex=%d", start), func(b *testing.B) {
			for b.Loop() {
				p, err := f.s.ListUsers(ctx, "acme", store.Query{StartIndex: start, Count: 100})
				if err != nil || len(p.Users) != 100 {
					b.Fatal(len(p.Users), err)
				}
			}
		})
	}
	b.Run("ListUsers/filter=userName_eq", func(b *testing.B) {
		i := 0
		for b.Loop() {
			q := store.Query{Filter: store.Compare{Attr: store.AttrUserName, Op: store.OpEq, Value: f.names[i%benchUsers]}, Count: 100}
			if p, err := f.s.ListUsers(ctx, "acme", q); err != nil || p.Total != 1 {
				b.Fatal(p.Total, err)
			}
			i += 7919
		}
	})
	b.Run("ListUsers/filter=scan", func(b *testing.B) {
		q := store.Query{Filter: store.Compare{Attr: store.AttrDisplayName, Op: store.OpSw, Value: "first9999"}, Count: 100}
		for b.Loop() {
			if _, err := f.s.ListUsers(ctx, "acme", q); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Each op adds the spare user to the group and removes it again: two
	// UpdateGroup calls.
	for _, g := range []struct{ name, id string }{{"100000members", f.bigGroup}, {"10members", f.small}} {
		b.Run("UpdateGroupAddRemove/"+g.name, func(b *testing.B) {
			add := store.GroupUpdate{AddMembers: []string{f.spare}}
			remove := store.GroupUpdate{RemoveMembers: []string{f.spare}}
			for b.Loop() {
				if _, _, err := f.s.UpdateGroup(ctx, "acme", g.id, add); err != nil {
					b.Fatal(err)
				}
				if _, _, err := f.s.UpdateGroup(ctx, "acme", g.id, remove); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMemoryPerUser stores 100,000 typical Okta users in a fresh
// store per op and reports the heap the store then holds, the users'
// strings included, as bytes/user.
func BenchmarkMemoryPerUser(b *testing.B) {
	ctx := context.Background()
	var total float64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s := memstore.New()
		if _, err := s.CreateAccount(ctx, store.Account{ID: "acme"}); err != nil {
			b.Fatal(err)
		}
		for i := range benchUsers {
			if _, err := s.CreateUser(ctx, "acme", oktaUser(i)); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		total += float64(after.HeapAlloc) - float64(before.HeapAlloc)
		runtime.KeepAlive(s)
	}
	b.ReportMetric(total/float64(b.N)/benchUsers, "bytes/user")
}
