package mapping_test

import (
	"testing"

	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/mapping/mappingtest"
	"github.com/scimkit/scimkit/store"
)

// BenchmarkOktaToUser applies the Okta preset to Okta's typical create
// payload, as the scim layer does on every POST /Users.
func BenchmarkOktaToUser(b *testing.B) {
	m := mustNew(b, mapping.Okta())
	in := mappingtest.Load(b, oktaFile("create_user.json"))
	b.ReportAllocs()
	for b.Loop() {
		var u store.User
		if err := m.ToUser(in, &u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOktaToSCIM renders the user of that payload, as every response
// does.
func BenchmarkOktaToSCIM(b *testing.B) {
	m := mustNew(b, mapping.Okta())
	var u store.User
	noErr(b, m.ToUser(mappingtest.Load(b, oktaFile("create_user.json")), &u))
	b.ReportAllocs()
	for b.Loop() {
		if out := m.ToSCIM(u); len(out) == 0 {
			b.Fatal("empty resource")
		}
	}
}

// BenchmarkEntraToUser applies the Entra preset (enterprise extension,
// nulls) to Entra's create payload.
func BenchmarkEntraToUser(b *testing.B) {
	m := mustNew(b, mapping.Entra())
	in := mappingtest.Load(b, entraFile("create_user.json"))
	b.ReportAllocs()
	for b.Loop() {
		var u store.User
		if err := m.ToUser(in, &u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEntraToSCIM renders that user.
func BenchmarkEntraToSCIM(b *testing.B) {
	m := mustNew(b, mapping.Entra())
	var u store.User
	noErr(b, m.ToUser(mappingtest.Load(b, entraFile("create_user.json")), &u))
	b.ReportAllocs()
	for b.Loop() {
		if out := m.ToSCIM(u); len(out) == 0 {
			b.Fatal("empty resource")
		}
	}
}

// BenchmarkNewOkta is the one-off cost of validating and compiling the
// preset (at start-up, not per request).
func BenchmarkNewOkta(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mapping.New(mapping.Okta()); err != nil {
			b.Fatal(err)
		}
	}
}
