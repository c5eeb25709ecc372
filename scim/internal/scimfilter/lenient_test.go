package scimfilter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/scim/internal/scimfilter"
)

// Bare-word values and lower-case \u digits parse as their strict forms.
func TestLenientEqualsStrict(t *testing.T) {
	for _, tc := range []struct{ lenient, strict string }{
		{`externalId eq abc123`, `externalId eq "abc123"`},
		{`userName sw O`, `userName sw "O"`},
		{`userName eq a@x.com`, `userName eq "a@x.com"`},
		{`userName EQ a@x.com and externalId eq 00u1`, `userName EQ "a@x.com" and externalId eq "00u1"`},
		{`(userName eq a) or (displayName co b)`, `(userName eq "a") or (displayName co "b")`},
		{`emails[type eq work].value eq a@x.com`, `emails[type eq "work"].value eq "a@x.com"`},
		{`emails[type eq work and value eq a@x.com]`, `emails[type eq "work" and value eq "a@x.com"]`},
		{`not (userName eq x)`, `not (userName eq "x")`},
		{`userName eq "caf\u00e9"`, `userName eq "caf\u00E9"`},
		{`userName eq "\ud83d\ude00"`, `userName eq "\uD83D\uDE00"`},
		{`userName eq "a\\u00e9"`, `userName eq "a\\u00e9"`}, // an escaped backslash, then text
	} {
		want, err := scimfilter.Parse(tc.strict, scimfilter.Users)
		require.NoError(t, err, tc.strict)
		got, err := scimfilter.Parse(tc.lenient, scimfilter.Users)
		require.NoError(t, err, tc.lenient)
		assert.Equal(t, want, got, tc.lenient)
	}
	f, err := scimfilter.Parse(`displayName eq Engineering`, scimfilter.Groups)
	require.NoError(t, err)
	want, _ := scimfilter.Parse(`displayName eq "Engineering"`, scimfilter.Groups)
	assert.Equal(t, want, f)
	simple, ok := scimfilter.ParseSimple(`userName eq "caf\u00e9"`, scimfilter.Users)
	require.True(t, ok, "the fast path takes lower-case hex too")
	strict, _ := scimfilter.Parse(`userName eq "caf\u00E9"`, scimfilter.Users)
	assert.Equal(t, strict, simple)
}

// Words that are JSON values keep their meaning: they are not quoted.
func TestLenientLeavesLiterals(t *testing.T) {
	for _, f := range []string{`userName eq true`, `userName eq FALSE`, `userName eq null`, `userName eq 42`, `userName eq -1.5e3`, `userName eq a\b`} {
		lenient, lerr := scimfilter.Parse(f, scimfilter.Users)
		quoted, _ := scimfilter.Parse(f[:len(f)-len(lastWord(f))]+`"`+lastWord(f)+`"`, scimfilter.Users)
		if lerr == nil {
			assert.NotEqual(t, quoted, lenient, "%s must not be read as a string", f)
		}
	}
}

func lastWord(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ' ' {
			return s[i+1:]
		}
	}
	return s
}
