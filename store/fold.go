package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Fold is the normalisation the store uses for every case-insensitive
// comparison: the uniqueness of userName, email values and group
// displayName, the lookups by them, and the case-insensitive filter
// operators. Adapters that precompute folded keys (in-memory maps, _fold
// index columns) must use exactly this function, so that every adapter
// agrees on what matches and on what collides.
//
// Two strings are the same identity when their Folds are equal. Fold
//
//   - drops default-ignorable code points (zero-width spaces and joiners,
//     the soft hyphen, bidirectional controls, variation selectors, the
//     byte-order mark), which render as nothing;
//   - normalises to NFKC, so that composed and decomposed accents
//     (U+00E9 and "e" + U+0301) and compatibility forms (fullwidth
//     letters, ligatures such as "ﬁ", the Kelvin sign) are one string;
//   - applies Unicode full case folding ("Straße" and "STRASSE" are
//     equal), then NFKC again.
//
// That is the NFKC_Casefold of Unicode (UAX #15, UAX #44) up to the
// details of its closure. For ASCII strings, by far the common case, Fold
// is strings.ToLower and costs what it did before. Values are always
// stored as given; only comparisons use Fold.
func Fold(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	s = strings.Map(dropIgnorable, s)
	s = norm.NFKC.String(s)
	// A Caser keeps state: one per call (only non-ASCII strings get here).
	s = cases.Fold().String(s)
	s = strings.Map(foldCherokee, s)
	return norm.NFKC.String(s)
}

// foldCherokee finishes the case folding of Cherokee as CaseFolding.txt
// has it: small letters fold to the capitals (U+AB70..U+ABBF to
// U+13A0..U+13EF, U+13F8..U+13FD to U+13F0..U+13F5). golang.org/x/text's
// Fold swaps the two instead, which would make Fold("ꮙ") and Fold("Ꮙ")
// differ and Fold not idempotent (found by FuzzFold).
func foldCherokee(r rune) rune {
	switch {
	case 0xAB70 <= r && r <= 0xABBF:
		return r - 0xAB70 + 0x13A0
	case 0x13F8 <= r && r <= 0x13FD:
		return r - 8
	}
	return r
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// dropIgnorable maps a default-ignorable code point (Unicode's
// Default_Ignorable_Code_Point: Other_Default_Ignorable_Code_Point, the
// format characters and the variation selectors, less the prepended
// concatenation marks and the Egyptian hieroglyph format controls, which
// are visible) to -1, which strings.Map drops.
func dropIgnorable(r rune) rune {
	switch {
	case r < 0xAD:
		return r
	case unicode.Is(unicode.Prepended_Concatenation_Mark, r),
		0xFFF9 <= r && r <= 0xFFFB, 0x13430 <= r && r <= 0x1343F:
		return r
	case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r),
		unicode.Is(unicode.Variation_Selector, r),
		unicode.Is(unicode.Cf, r):
		return -1
	}
	return r
}
