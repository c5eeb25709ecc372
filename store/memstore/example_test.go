package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

func Example() {
	ctx := context.Background()
	// A fixed clock and counting ids make the output deterministic; a host
	// normally calls memstore.New() and gets time.Now and random ids.
	n := 0
	s := memstore.New(
		memstore.WithClock(func() time.Time { return time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC) }),
		memstore.WithIDs(func() string { n++; return fmt.Sprintf("id-%d", n) }),
	)

	if _, err := s.CreateAccount(ctx, store.Account{ID: "acme", ProvisioningEnabled: true}); err != nil {
		panic(err)
	}
	_, err := s.CreateUser(ctx, "acme", store.User{
		UserName:   "Ann.Archer@Example.com",
		ExternalID: "00u1abcd",
		Name:       store.Name{GivenName: "Ann", FamilyName: "Archer"},
		Emails:     []store.Email{{Value: "Ann.Archer@Example.com", Type: "work", Primary: true}},
		State:      store.StateActive,
	})
	if err != nil {
		panic(err)
	}

	// userName is matched case-insensitively, as Okta's pre-create lookup needs.
	u, err := s.UserByUserName(ctx, "acme", "ann.archer@example.com")
	if err != nil {
		panic(err)
	}
	fmt.Println(u.ID, u.UserName, u.Version, u.Created.Format(time.RFC3339))

	// A second user with the same userName in another case is refused.
	_, err = s.CreateUser(ctx, "acme", store.User{UserName: "ANN.ARCHER@example.com", State: store.StateActive})
	var conflict *store.ConflictError
	fmt.Println(errors.As(err, &conflict), conflict.Attribute)

	// Entra's lookup: emails[type eq "work"] with value eq, answered from the email index.
	page, err := s.ListUsers(ctx, "acme", store.Query{
		Filter: store.ValuePath{Attr: store.AttrEmails, Filter: store.And{Filters: []store.Filter{
			store.Compare{Attr: "type", Op: store.OpEq, Value: "work"},
			store.Compare{Attr: "value", Op: store.OpEq, Value: "ann.archer@example.com"},
		}}},
		Count: 100,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(page.Total, page.Users[0].Name.GivenName)
	// Output:
	// id-1 Ann.Archer@Example.com 1 2026-03-01T09:30:00Z
	// true userName
	// 1 Ann
}
