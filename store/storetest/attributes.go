package storetest

import (
	"testing"

	"github.com/scimkit/scimkit/store"
)

// attributeTests iterate the attribute tables of package store, so that a
// field added there is checked in every adapter without a new test.
var attributeTests = []test{
	{"EveryUserField", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		for a := range store.UserAttributes() {
			if a.Kind != store.KindString || a.Field == "" {
				continue
			}
			value := "Mixed-" + a.Field + "@Example.COM"
			u := user("one-" + a.Field + "@example.com")
			*a.String(&u) = value
			other := user("two-" + a.Field + "@example.com")
			*a.String(&other) = "Other-" + a.Field + "@Example.COM"
			u = createUser(t, s, acct, u)
			createUser(t, s, acct, other)
			got := getUser(t, s, acct, u.ID)
			if v := *a.String(&got); v != value {
				fail(t, "every host field of store.UserAttributes is stored as given",
					"%s (field %q) = %q after CreateUser, want %q", a.Name, a.Field, v, value)
			}
			if !a.Filterable {
				continue
			}
			for _, tc := range []struct {
				op    store.Op
				v     string
				match bool
			}{
				{store.OpEq, value, true},
				{store.OpEq, store.Fold(value), !a.CaseExact},
				{store.OpSw, "MIXED-", !a.CaseExact},
				{store.OpSw, "Mixed-", true},
				{store.OpNe, value, false},
			} {
				f := cmp(a.Name, tc.op, tc.v)
				p, err := s.ListUsers(t.Context(), acct, store.Query{Filter: and(f, cmp(store.AttrID, store.OpEq, u.ID)), Count: 10})
				noErr(t, err, "a filter on any filterable attribute of store.UserAttributes must succeed: "+describe(f))
				if (p.Total == 1) != tc.match {
					rule := "a filterable attribute of store.UserAttributes compares by its case rule (CaseExact: byte for byte; else store.Fold-ed forms)"
					fail(t, rule, "%s on a user with %s = %q: total %d, want match %v (CaseExact %v)",
						describe(f), a.Name, value, p.Total, tc.match, a.CaseExact)
				}
			}
		}
	}},
}
