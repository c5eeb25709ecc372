package scim_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"testing"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
)

// BenchmarkGroupRead is GET /Groups/{id} of a 1,000-member group through
// a handler with the Okta preset (members as ids) and one with the generic
// preset (members with their display names, store.NamedMembers), over the
// same store:
//
//	go test -run '^$' -bench BenchmarkGroupRead -count 6 ./scim
//
// (with SCIMKIT_TEST_POSTGRES also on PostgreSQL). Report generic/okta.
func BenchmarkGroupRead(b *testing.B) {
	benchOnStores(b, "bench_group_read", func(b *testing.B, st store.Store) {
		ctx := context.Background()
		token, _ := benchAccount(b, st)
		ids := make([]string, 1000)
		for i := range ids {
			u, err := st.CreateUser(ctx, testAccount, store.User{UserName: fmt.Sprintf("m%04d@example.com", i), DisplayName: fmt.Sprintf("Member %d", i),
				State: store.StateActive, Emails: []store.Email{{Value: fmt.Sprintf("m%04d@example.com", i), Type: "work", Primary: true}}})
			if err != nil {
				b.Fatal(err)
			}
			ids[i] = u.ID
		}
		g, err := st.CreateGroup(ctx, testAccount, store.Group{DisplayName: "Everyone", Managed: true}, ids) // managed, so visible to the IdP
		if err != nil {
			b.Fatal(err)
		}
		for _, preset := range []struct {
			name  string
			table mapping.Table
		}{{"okta", mapping.Okta()}, {"generic", mapping.Generic()}} {
			b.Run(preset.name, func(b *testing.B) {
				m, err := mapping.New(preset.table)
				if err != nil {
					b.Fatal(err)
				}
				h, err := scim.New(linking.New(st, nil), scim.WithMapper(m), scim.WithRateLimit(math.Inf(1), 1), scim.WithLogger(slog.New(slog.DiscardHandler)))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					serve(b, h, token, "GET", "/Groups/"+g.ID, "", 200)
				}
			})
		}
	})
}
