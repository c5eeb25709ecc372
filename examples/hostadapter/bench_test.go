package hostadapter_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/scimkit/scimkit/examples/hostadapter"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/storekit"
)

// BenchmarkFastPaths measures the adapter's fast paths against storekit's
// fallbacks on one SQLite file of 100,000 members (the host's rows,
// adopted): a userName lookup and a page of 100 of all users.
//
//	go test -run '^$' -bench BenchmarkFastPaths -benchtime 20x ./examples/hostadapter/
func BenchmarkFastPaths(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "host.db")
	fast, err := hostadapter.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer fast.Close()
	slow, err := hostadapter.Open(ctx, path, storekit.FallbacksOnly())
	if err != nil {
		b.Fatal(err)
	}
	defer slow.Close()
	tx, err := fast.DB().Begin()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO orgs (id, name, created_at) VALUES ('acme', 'Acme', 1)`); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		if _, err := tx.Exec(`INSERT INTO members (org_id, email, full_name, joined_at, created_at, updated_at) VALUES ('acme', ?, ?, 1, 1, 1)`,
			fmt.Sprintf("first%d.last%d@example.com", i, i), fmt.Sprintf("First%d Last%d", i, i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := fast.CreateAccount(ctx, store.Account{ID: "acme", ProvisioningEnabled: true}); err != nil { // adopts them
		b.Fatal(err)
	}
	name := fmt.Sprintf("first%d.last%d@example.com", n/2, n/2)
	for _, s := range []struct {
		name string
		s    store.Store
	}{{"fast", fast}, {"fallback", slow}} {
		b.Run("UserByUserName/"+s.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.s.UserByUserName(ctx, "acme", name); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Page100/"+s.name, func(b *testing.B) {
			for b.Loop() {
				if p, err := s.s.ListUsers(ctx, "acme", store.Query{StartIndex: n / 2, Count: 100}); err != nil || len(p.Users) != 100 {
					b.Fatal(len(p.Users), err)
				}
			}
		})
	}
}
