package storekit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
	"github.com/scimkit/scimkit/store/storekit"
)

const benchUsers = 100_000

// benchUser is a typical user as Okta provisions it.
func benchUser(i int) store.User {
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

var (
	benchOnce     sync.Once
	benchStores   []benchStore
	benchUserName string
)

type benchStore struct {
	name string
	s    store.Store
}

// benchFixture returns, built once, one account of benchUsers users in
// memstore (indexed) and in Wrap over the minimal backend (fallbacks
// only). The minimal backend is filled with its own inserts: through Wrap
// each create would scan the account for uniqueness, O(n²) in all.
func benchFixture(b *testing.B) []benchStore {
	benchOnce.Do(func() {
		ctx := context.Background()
		mem := memstore.New()
		mb := newMinimal()
		kit := storekit.Wrap(mb)
		for _, s := range []store.Store{mem, kit} {
			if _, err := s.CreateAccount(ctx, store.Account{ID: "acme"}); err != nil {
				panic(err)
			}
		}
		err := mb.Update(ctx, "acme", func(tx storekit.Tx) error {
			for i := range benchUsers {
				u := benchUser(i)
				u.ID, u.Version = fmt.Sprintf("u%d", i), 1
				if _, err := tx.InsertUser(ctx, "acme", u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			panic(err)
		}
		for i := range benchUsers {
			if _, err := mem.CreateUser(ctx, "acme", benchUser(i)); err != nil {
				panic(err)
			}
		}
		benchUserName = benchUser(benchUsers / 2).UserName
		benchStores = []benchStore{{"memstore", mem}, {"fallback", kit}}
	})
	return benchStores
}

// BenchmarkWrap measures storekit's fallbacks beside memstore's indexes,
// at 100,000 users in one account: a userName lookup (UserByUserName, and
// the filter userName eq an IdP sends before a create), a page of 100 of
// all users (Okta's import, in the middle of the account) and a page of
// 100 of a filter no index answers.
//
//	go test -run '^$' -bench BenchmarkWrap -benchmem ./store/storekit/
func BenchmarkWrap(b *testing.B) {
	ctx := context.Background()
	for _, bs := range benchFixture(b) {
		b.Run("UserByUserName/"+bs.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := bs.s.UserByUserName(ctx, "acme", benchUserName); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("FilterUserNameEq/"+bs.name, func(b *testing.B) {
			q := store.Query{Filter: store.Compare{Attr: store.AttrUserName, Op: store.OpEq, Value: benchUserName}, Count: 100}
			for b.Loop() {
				if p, err := bs.s.ListUsers(ctx, "acme", q); err != nil || p.Total != 1 {
					b.Fatal(p.Total, err)
				}
			}
		})
		b.Run("Page100/"+bs.name, func(b *testing.B) {
			q := store.Query{StartIndex: benchUsers / 2, Count: 100}
			for b.Loop() {
				if p, err := bs.s.ListUsers(ctx, "acme", q); err != nil || len(p.Users) != 100 {
					b.Fatal(len(p.Users), err)
				}
			}
		})
		b.Run("FilteredPage100/"+bs.name, func(b *testing.B) {
			q := store.Query{Filter: store.Compare{Attr: store.AttrFamilyName, Op: store.OpSw, Value: "last1"}, StartIndex: 1, Count: 100}
			for b.Loop() {
				if p, err := bs.s.ListUsers(ctx, "acme", q); err != nil || len(p.Users) != 100 {
					b.Fatal(len(p.Users), err)
				}
			}
		})
	}
}
