package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// BenchmarkDirectory measures the operations whose cost must not grow with
// the directory, on an account of 100,000 users (plus a spare pool of
// 2,000 to add to groups):
//
//	go test -run '^$' -bench Directory -benchtime 200x ./store/sqlstore
//
// with SCIMKIT_TEST_POSTGRES set for the PostgreSQL half. Compare
// page/1 with page/99901-*, and addMember/10 with addMember/100000.
func BenchmarkDirectory(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchDirectory(b, sqliteDSN(b)) })
	b.Run("postgres", func(b *testing.B) { benchDirectory(b, postgresDSN(b)) })
}

func benchDirectory(b *testing.B, dsn string) {
	const users, spare = 100_000, 2_000
	ctx := context.Background()
	s := open(b, dsn)
	_, err := s.CreateAccount(ctx, store.Account{ID: "big"})
	require.NoError(b, err)
	ids, err := sqlstore.BulkCreateUsers(ctx, s, "big", users+spare)
	require.NoError(b, err)
	small, err := s.CreateGroup(ctx, "big", store.Group{DisplayName: "small"}, ids[:10])
	require.NoError(b, err)
	large, err := s.CreateGroup(ctx, "big", store.Group{DisplayName: "large"}, nil)
	require.NoError(b, err)
	require.NoError(b, sqlstore.BulkAddMembers(ctx, s, "big", large.ID, ids[:users]))
	require.NoError(b, sqlstore.Analyze(ctx, s))

	b.Run("userByUserName", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			name := fmt.Sprintf("USER%d@bench.example", (i*7919)%users)
			if _, err := s.UserByUserName(ctx, "big", name); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("filter/userName-eq", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			f := store.Compare{Attr: store.AttrUserName, Op: store.OpEq, Value: fmt.Sprintf("user%d@bench.example", (i*7919)%users)}
			if p, err := s.ListUsers(ctx, "big", store.Query{Filter: f, StartIndex: 1, Count: 100}); err != nil || p.Total != 1 {
				b.Fatal(err, p.Total)
			}
		}
	})
	b.Run("filter/emails[type eq work and value eq]", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			f := store.ValuePath{Attr: store.AttrEmails, Filter: store.And{Filters: []store.Filter{
				store.Compare{Attr: "type", Op: store.OpEq, Value: "work"},
				store.Compare{Attr: "value", Op: store.OpEq, Value: fmt.Sprintf("user%d@bench.example", (i*7919)%users)},
			}}}
			if p, err := s.ListUsers(ctx, "big", store.Query{Filter: f, StartIndex: 1, Count: 100}); err != nil || p.Total != 1 {
				b.Fatal(err, p.Total)
			}
		}
	})
	list := func(b *testing.B, q store.Query) {
		for b.Loop() {
			p, err := s.ListUsers(ctx, "big", q)
			if err != nil || len(p.Users) != 100 {
				b.Fatal(err, len(p.Users))
			}
		}
	}
	b.Run("page/1", func(b *testing.B) { list(b, store.Query{StartIndex: 1, Count: 100}) })
	b.Run("page/99901-continued", func(b *testing.B) {
		// The import pattern: the previous page (99,801) was just served.
		_, err := s.ListUsers(ctx, "big", store.Query{StartIndex: 99_801, Count: 100})
		require.NoError(b, err)
		list(b, store.Query{StartIndex: 99_901, Count: 100})
	})
	b.Run("page/99901-jump", func(b *testing.B) {
		// Out of sequence (count 99 never continues a page): OFFSET.
		for b.Loop() {
			p, err := s.ListUsers(ctx, "big", store.Query{StartIndex: 99_901, Count: 99})
			if err != nil || len(p.Users) != 99 {
				b.Fatal(err, len(p.Users))
			}
		}
	})
	active := store.Compare{Attr: store.AttrActive, Op: store.OpEq, Value: true}
	b.Run("page/1-filtered", func(b *testing.B) { list(b, store.Query{Filter: active, StartIndex: 1, Count: 100}) })
	b.Run("page/99901-filtered", func(b *testing.B) { list(b, store.Query{Filter: active, StartIndex: 99_901, Count: 100}) })

	addMember := func(b *testing.B, g store.Group) {
		for i := 0; b.Loop(); i++ {
			id := ids[users+i%spare]
			if _, _, err := s.UpdateGroup(ctx, "big", g.ID, store.GroupUpdate{AddMembers: []string{id}}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("addMember/10", func(b *testing.B) { addMember(b, small) })
	b.Run("addMember/100000", func(b *testing.B) { addMember(b, large) })
}

// BenchmarkGroupPush is Okta's "push now" of a large group: a replacement
// that drops half of 4,000 members, then one that brings them back, right
// after the users and the group were created (before PostgreSQL has
// statistics for them):
//
//	go test -run '^$' -bench GroupPush -count 6 ./store/sqlstore
func BenchmarkGroupPush(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchGroupPush(b, sqliteDSN(b)) })
	b.Run("postgres", func(b *testing.B) { benchGroupPush(b, postgresDSN(b)) })
}

func benchGroupPush(b *testing.B, dsn string) {
	const members = 4000
	ctx := context.Background()
	s := open(b, dsn)
	_, err := s.CreateAccount(ctx, store.Account{ID: "push"})
	require.NoError(b, err)
	ids, err := sqlstore.BulkCreateUsers(ctx, s, "push", members)
	require.NoError(b, err)
	g, err := s.CreateGroup(ctx, "push", store.Group{DisplayName: "Everyone"}, ids)
	require.NoError(b, err)
	for i := 0; b.Loop(); i++ {
		next := ids
		if i%2 == 0 {
			next = ids[:members/2]
		}
		if _, _, err := s.UpdateGroup(ctx, "push", g.ID, store.GroupUpdate{ReplaceMembers: true, Members: next}); err != nil {
			b.Fatal(err)
		}
	}
}
