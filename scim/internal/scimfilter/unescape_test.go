package scimfilter

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestUnescapeMatchesJSON checks unescape against encoding/json on the
// escapes a JSON string may hold.
func TestUnescapeMatchesJSON(t *testing.T) {
	for _, s := range []string{
		``, `plain`, `café`, `\"`, `\\`, `\/`, `\b\f\n\r\t`, `a\u0041b`, `\u00e9\u00E9`, `\u0000`,
		`\uD83D\uDE00`, `\uD83D`, `\uDE00`, `\uD83Dx`, `\uD83D\u0041`, `\uDE00\uD83D\uDE00`, `\uD83D\uD83D\uDE00`,
		`x\\u0041`, `\\\"`,
	} {
		t.Run(s, func(t *testing.T) {
			var want string
			if err := json.Unmarshal([]byte(`"`+s+`"`), &want); err != nil {
				t.Fatalf("test input %q is not a JSON string body: %v", s, err)
			}
			got, ok := unescape(s)
			assert.True(t, ok)
			assert.Equal(t, want, got)
		})
	}
	for _, s := range []string{`\`, `\x`, `\u12`, `\u12G4`, "\xff", `a\`} {
		_, ok := unescape(s)
		assert.False(t, ok, "%q", s)
	}
}
