package store_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/scimkit/scimkit/store"
)

func TestFoldIdentities(t *testing.T) {
	same := [][]string{
		{"john@example.com", "John@Example.COM", "ｊｏｈｎ@ｅｘａｍｐｌｅ.ｃｏｍ", "jo\u200Bhn@example.com", "jo\u00ADhn@example.com", "\uFEFFjohn@example.com", "jo\u2060hn@example.com"},
		{"\u00e9mile", "e\u0301mile", "\u00c9MILE", "E\u0301mile"},
		{"straße", "STRASSE", "strasse"},
		{"ﬁnance", "finance", "FINANCE"},
		{"\u212Aelvin", "kelvin"},
		{"Σίσυφος", "ΣΊΣΥΦΟΣ", "σίσυφοσ"},
		{"\uAB99\uAB70", "\u13C9\u13A0", "\uAB99\u13A0"}, // Cherokee: small letters fold to the capitals
		{"\u13F8", "\u13F0"},
	}
	for _, group := range same {
		for _, s := range group[1:] {
			assert.Equal(t, store.Fold(group[0]), store.Fold(s), "%q and %q are one identity", group[0], s)
		}
	}
	different := [][2]string{
		{"john@example.com", "jon@example.com"},
		{"émile", "emile"}, // an accent is not case
		{"a b", "ab"},      // a visible space is kept
		{"ad\u0600min", "admin"},
	}
	for _, p := range different {
		assert.NotEqual(t, store.Fold(p[0]), store.Fold(p[1]), "%q and %q differ", p[0], p[1])
	}
}

func TestFoldASCIIIsLower(t *testing.T) {
	for _, s := range []string{"", "Ada.Lovelace@Example.com", "ID-0042", "\x01\x7f MIXED case"} {
		assert.Equal(t, strings.ToLower(s), store.Fold(s))
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Ｊｏｈｎ", "e\u0301", "Straße", "ﬁ", "j\u200bohn", "İstanbul", "ǅ", "ΐ", "\u0345", "\uAB99", "\u13C9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		once := store.Fold(s)
		if !utf8.ValidString(once) {
			t.Fatalf("Fold(%q) = %q is not UTF-8", s, once)
		}
		if twice := store.Fold(once); twice != once {
			t.Fatalf("Fold is not idempotent: Fold(%q) = %q, Fold of that = %q", s, once, twice)
		}
		if up := store.Fold(strings.ToUpper(s)); isASCIIString(s) && up != once {
			t.Fatalf("ASCII case: Fold(%q) = %q, Fold(upper) = %q", s, once, up)
		}
	})
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func BenchmarkFold(b *testing.B) {
	for _, bc := range []struct{ name, s string }{
		{"ascii", "Ada.Lovelace@Example.com"},
		{"unicode", "Émile.Zola@Exämple.com"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = store.Fold(bc.s)
			}
		})
	}
}
