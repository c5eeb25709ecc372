package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// Open a SQLite database file, provision a user, and read it back after a
// restart.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "scimkit-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	dsn := "sqlite:" + filepath.Join(dir, "scimkit.db")

	s, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := s.CreateAccount(ctx, store.Account{ID: "acme", ProvisioningEnabled: true}); err != nil {
		log.Fatal(err)
	}
	u, err := s.CreateUser(ctx, "acme", store.User{
		UserName: "ann@acme.com",
		State:    store.StateActive,
		Emails:   []store.Email{{Value: "ann@acme.com", Type: "work", Primary: true}},
	})
	if err != nil {
		log.Fatal(err)
	}
	// The database enforces uniqueness, case-insensitively.
	_, err = s.CreateUser(ctx, "acme", store.User{UserName: "ANN@acme.com", State: store.StateActive})
	var conflict *store.ConflictError
	fmt.Println("duplicate:", errors.As(err, &conflict), conflict.Attribute)
	s.Close()

	// A restart: the data is still there.
	s, err = sqlstore.Open(ctx, dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	page, err := s.ListUsers(ctx, "acme", store.Query{
		Filter: store.Compare{Attr: store.AttrUserName, Op: store.OpEq, Value: "Ann@Acme.com"},
		Count:  10,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("found:", page.Total, page.Users[0].ID == u.ID, page.Users[0].Version)
	// Output:
	// duplicate: true userName
	// found: 1 true 1
}

// Open a PostgreSQL database, here a local server reached over its Unix
// socket, with scimkit's tables kept in their own schema (created
// beforehand). (Not run: it needs a server.)
func ExampleOpen_postgres() {
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, "postgres://scimkit@/app?host=/run/postgresql&search_path=scimkit",
		sqlstore.WithMaxConns(20))
	if err != nil {
		log.Fatal(err) // the error never quotes the DSN
	}
	defer s.Close()
}
