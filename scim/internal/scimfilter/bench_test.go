package scimfilter_test

import (
	"testing"

	"github.com/scimkit/scimkit/scim/internal/scimfilter"
)

// Compare with: go test -run '^$' -bench . -benchmem ./scim/internal/scimfilter

func BenchmarkParseSimple(b *testing.B) {
	for _, bc := range benchFilters() {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := scimfilter.ParseSimple(bc.filter, scimfilter.Users); !ok {
					b.Fatal("refused")
				}
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range benchFilters() {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := scimfilter.Parse(bc.filter, scimfilter.Users); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchFilters() []struct{ name, filter string } {
	return []struct{ name, filter string }{
		{"userName", `userName eq "someone@example.com"`},
		{"entra-email", `emails[type eq "work"].value eq "someone@example.com"`},
		{"and", `userName eq "someone@example.com" and externalId eq "00u1abcd"`},
	}
}
