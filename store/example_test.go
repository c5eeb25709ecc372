package store_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// Fold is how every adapter compares userNames, emails and group names:
// two values are the same identity when their folds are equal.
func ExampleFold() {
	fmt.Println(store.Fold("Ada.Lovelace@Example.COM") == store.Fold("ada.lovelace@example.com"))
	fmt.Println(store.Fold("Straße") == store.Fold("STRASSE"))
	// Output:
	// true
	// true
}

// NamedMembersOf lists a group's members with the names a SCIM client
// shows for them: the displayName, else the userName.
func ExampleNamedMembersOf() {
	ctx := context.Background()
	st := memstore.New()
	if _, err := st.CreateAccount(ctx, store.Account{ID: "acme", ProvisioningEnabled: true}); err != nil {
		panic(err)
	}
	ada, _ := st.CreateUser(ctx, "acme", store.User{UserName: "ada@acme.example", DisplayName: "Ada Lovelace", State: store.StateActive})
	bob, _ := st.CreateUser(ctx, "acme", store.User{UserName: "bob@acme.example", State: store.StateActive})
	g, _ := st.CreateGroup(ctx, "acme", store.Group{DisplayName: "Engineering", Managed: true}, []string{bob.ID, ada.ID})

	members, _ := store.NamedMembersOf(ctx, st, "acme", g.ID)
	for _, m := range members {
		fmt.Println(m.Display)
	}
	_, err := store.NamedMembersOf(ctx, st, "acme", "no-such-group")
	fmt.Println(errors.Is(err, store.ErrNotFound))
	// Output:
	// bob@acme.example
	// Ada Lovelace
	// true
}

// UpdateUser reads, changes and writes a user, retrying when another
// write came in between (the store's version check).
func ExampleUpdateUser() {
	ctx := context.Background()
	st := memstore.New()
	if _, err := st.CreateAccount(ctx, store.Account{ID: "acme", ProvisioningEnabled: true}); err != nil {
		panic(err)
	}
	u, _ := st.CreateUser(ctx, "acme", store.User{UserName: "ada@acme.example", State: store.StateActive})
	u, err := store.UpdateUser(ctx, st, "acme", u.ID, func(u store.User) (store.User, error) {
		u.Title = "Analyst"
		return u, nil
	})
	fmt.Println(u.Title, u.Version, err)
	// Output:
	// Analyst 2 <nil>
}
