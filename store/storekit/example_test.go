package storekit_test

import (
	"context"
	"fmt"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/storekit"
)

// Wrap turns a Backend into a whole store.Store. newMinimal is the
// in-memory Backend of this package's tests (minimal_test.go): the
// required methods only, plain reads and writes; the uniqueness rule,
// the case-insensitive lookup, the filter and the feed's events below all
// come from Wrap.
func ExampleWrap() {
	ctx := context.Background()
	st := storekit.Wrap(newMinimal())

	if _, err := st.CreateAccount(ctx, store.Account{ID: "acme", ProvisioningEnabled: true}); err != nil {
		panic(err)
	}
	for _, name := range []string{"ada@example.com", "grace@example.com"} {
		u := store.User{UserName: name, State: store.StateActive, Emails: []store.Email{{Value: name, Primary: true}}}
		if _, err := st.CreateUser(ctx, "acme", u); err != nil {
			panic(err)
		}
	}
	_, err := st.CreateUser(ctx, "acme", store.User{UserName: "ADA@example.com", State: store.StateActive})
	fmt.Println("duplicate:", err)

	u, _ := st.UserByUserName(ctx, "acme", "Grace@Example.com")
	fmt.Println("found:", u.UserName)

	page, _ := st.ListUsers(ctx, "acme", store.Query{
		Filter: store.Compare{Attr: store.AttrEmailValue, Op: store.OpSw, Value: "ADA"}, Count: 10})
	fmt.Println("filter:", page.Total, page.Users[0].UserName)

	evs, _ := st.Events(ctx, "acme", 0, 10)
	for _, e := range evs {
		fmt.Println(e.Seq, e.Type)
	}
	// Output:
	// duplicate: store: conflict: userName "ADA@example.com" is already in use
	// found: grace@example.com
	// filter: 1 ada@example.com
	// 1 account.created
	// 2 user.created
	// 3 user.created
}
