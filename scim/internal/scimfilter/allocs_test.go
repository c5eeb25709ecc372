//go:build !race

package scimfilter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/scimkit/scimkit/scim/internal/scimfilter"
)

// TestParseSimpleAllocs pins that ParseSimple allocates only its result:
// for a comparison, the store.Compare and its string value in their
// interfaces. (Not run under the race detector, which adds allocations.)
func TestParseSimpleAllocs(t *testing.T) {
	tests := []struct {
		filter string
		allocs float64
	}{
		{`userName eq "someone@example.com"`, 2},     // Compare, value
		{`active eq true`, 1},                        // Compare (bools are not allocated)
		{`userName eq "a" and externalId eq "b"`, 6}, // And, its slice, 2 x (Compare, value)
		{`emails[type eq "work"].value eq "a"`, 7},   // ValuePath, And, slice, 2 x (Compare, value)
	}
	for _, tt := range tests {
		got := testing.AllocsPerRun(100, func() {
			if _, ok := scimfilter.ParseSimple(tt.filter, scimfilter.Users); !ok {
				t.Fatal("refused")
			}
		})
		assert.Equal(t, tt.allocs, got, tt.filter)
	}
}
