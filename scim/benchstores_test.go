package scim_test

import (
	"context"
	"os"
	"testing"

	"github.com/scimkit/scimkit/internal/pgtest"
	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// benchOnStores runs fn on memstore and, with SCIMKIT_TEST_POSTGRES, on a
// fresh PostgreSQL schema named with prefix.
func benchOnStores(b *testing.B, prefix string, fn func(b *testing.B, st store.Store)) {
	b.Run("memstore", func(b *testing.B) { fn(b, memstore.New()) })
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(pgtest.Env) == "" {
			b.Skip(pgtest.Env + " not set")
		}
		st, err := sqlstore.Open(context.Background(), pgtest.Schema(b, prefix))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = st.Close() })
		fn(b, st)
	})
}

// benchAccount stores the test account (provisioning on, example.com
// allowed), a token and one active member, and returns the token's secret
// and the member.
func benchAccount(b *testing.B, st store.Store) (string, store.User) {
	ctx := context.Background()
	if _, err := st.CreateAccount(ctx, store.Account{ID: testAccount, ProvisioningEnabled: true, AllowedDomains: []string{"example.com"}}); err != nil {
		b.Fatal(err)
	}
	secret, hash, err := linking.NewToken()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.AddToken(ctx, testAccount, store.Token{Hash: hash}); err != nil {
		b.Fatal(err)
	}
	u, err := st.CreateUser(ctx, testAccount, store.User{UserName: "member@example.com", DisplayName: "Member", State: store.StateActive, Linked: true,
		Emails: []store.Email{{Value: "member@example.com", Type: "work", Primary: true}}})
	if err != nil {
		b.Fatal(err)
	}
	return secret, u
}
