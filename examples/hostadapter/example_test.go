package hostadapter_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/scimkit/scimkit/examples/hostadapter"
	"github.com/scimkit/scimkit/store"
)

// The host's database already has an org with a member; turning
// provisioning on adopts it, and what the IdP then writes lands in the
// host's own members table.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "hostadapter")
	defer os.RemoveAll(dir)
	a, err := hostadapter.Open(ctx, filepath.Join(dir, "app.db"))
	if err != nil {
		panic(err)
	}
	defer a.Close()
	_, err = a.DB().Exec(`INSERT INTO orgs (id, name, created_at) VALUES ('acme', 'Acme', 1);
		INSERT INTO members (org_id, email, full_name, joined_at, created_at, updated_at)
			VALUES ('acme', 'ada@example.com', 'Ada Lovelace', 1, 1, 1)`)
	if err != nil {
		panic(err)
	}

	if _, err := a.CreateAccount(ctx, store.Account{ID: "acme", ProvisioningEnabled: true}); err != nil {
		panic(err)
	}
	ada, _ := a.UsersByEmail(ctx, "acme", "ADA@example.com")
	fmt.Println("adopted:", ada[0].ID, ada[0].DisplayName)

	grace, err := a.CreateUser(ctx, "acme", store.User{UserName: "grace@example.com", DisplayName: "Grace Hopper",
		State: store.StateSuspended, Emails: []store.Email{{Value: "grace@example.com", Primary: true}}})
	if err != nil {
		panic(err)
	}
	var name string
	var disabled bool
	_ = a.DB().QueryRow(`SELECT full_name, disabled_at IS NOT NULL FROM members WHERE email = ?`, grace.UserName).Scan(&name, &disabled)
	fmt.Println("host row:", grace.ID, name, "disabled:", disabled)
	// Output:
	// adopted: m1 Ada Lovelace
	// host row: m2 Grace Hopper disabled: true
}
