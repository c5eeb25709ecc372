package scimfilter

import (
	"strings"
)

// lenient rewrites s into the filter-parser's stricter grammar where what a
// client meant is unambiguous:
//
//   - \u escapes in string values with lower-case hex digits (valid JSON,
//     which RFC 7644 refers to for values) get upper-case digits;
//   - an unquoted bare-word value after a comparison operator
//     (externalId eq abc123, userName sw O), which some IdPs and
//     Microsoft's own samples send, is quoted. Words that are JSON values
//     (true, false, null, numbers) are left alone, and so is every word the
//     strict grammar could read otherwise (see bareValue).
//
// It returns s itself, without allocating, when nothing changes.
func lenient(s string) string {
	var b []byte // the rewritten filter, once something changed
	done := 0    // s[:done] is in b
	// The last word outside strings, and the end of the comparison
	// operator that followed it (-1 if none), for spotting a bare value.
	prevWord, opEnd := "", -1
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			// A string value: fix lower-case \u digits.
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] != '\\' || j+1 >= len(s) {
					j++
					continue
				}
				if s[j+1] == 'u' && j+6 <= len(s) && hasLowerHex(s[j+2:j+6]) {
					if b == nil {
						b = make([]byte, 0, len(s)+8)
					}
					b = append(b, s[done:j+2]...)
					for _, h := range []byte(s[j+2 : j+6]) {
						if 'a' <= h && h <= 'f' {
							h -= 'a' - 'A'
						}
						b = append(b, h)
					}
					done = j + 6
					j += 6
					continue
				}
				j += 2
			}
			i = min(j+1, len(s))
			prevWord, opEnd = "", -1
		case c == ' ':
			i++
		case c == '(' || c == ')' || c == '[' || c == ']':
			prevWord, opEnd = "", -1
			if c == ']' {
				prevWord = "]" // a value path may be followed by .sub op value
			}
			i++
		default:
			j := i
			for j < len(s) && !isDelim(s[j]) {
				j++
			}
			w := s[i:j]
			switch {
			case opEnd >= 0 && onlySpaces(s[opEnd:i]) && bareValue(w):
				if b == nil {
					b = make([]byte, 0, len(s)+8)
				}
				b = append(b, s[done:i]...)
				b = append(b, '"')
				b = append(b, w...)
				b = append(b, '"')
				done = j
				prevWord, opEnd = "", -1
			case prevWord != "" && isCompareOp(w) && !isKeyword(prevWord):
				opEnd = j
			default:
				prevWord, opEnd = w, -1
			}
			i = j
		}
	}
	if b == nil {
		return s
	}
	return string(append(b, s[done:]...))
}

func isDelim(c byte) bool {
	return c == ' ' || c == '"' || c == '(' || c == ')' || c == '[' || c == ']'
}

func hasLowerHex(h string) bool {
	lower := false
	for _, c := range []byte(h) {
		switch {
		case '0' <= c && c <= '9' || 'A' <= c && c <= 'F':
		case 'a' <= c && c <= 'f':
			lower = true
		default:
			return false
		}
	}
	return lower
}

func onlySpaces(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			return false
		}
	}
	return true
}

// isCompareOp reports whether w is a comparison operator that takes a value
// (pr takes none).
func isCompareOp(w string) bool {
	if len(w) != 2 {
		return false
	}
	switch strings.ToLower(w) {
	case "eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le":
		return true
	}
	return false
}

func isKeyword(w string) bool {
	return strings.EqualFold(w, "and") || strings.EqualFold(w, "or") || strings.EqualFold(w, "not") ||
		strings.EqualFold(w, "pr") || isCompareOp(w)
}

// bareValue reports whether w, an unquoted value, is to be read as a
// string. Left alone: JSON literals and numbers; words the filter-parser
// could read as a literal or number followed by a keyword (it reads
// "trueand" as true and, "1or" as 1 or); and words with a backslash,
// quote or control character.
func bareValue(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 0x20 || c == 0x7f || c == '\\' || c == '\'' {
			return false
		}
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(w) >= len(lit) && strings.EqualFold(w[:len(lit)], lit) {
			return !startsWithJoin(w[len(lit):])
		}
	}
	if w[0] == '-' || '0' <= w[0] && w[0] <= '9' {
		return !isNumber(w) && !containsJoin(w)
	}
	return true
}

// startsWithJoin reports whether rest starts with and/or (any case), or is
// empty (the literal itself).
func startsWithJoin(rest string) bool {
	return rest == "" || len(rest) >= 3 && strings.EqualFold(rest[:3], "and") || len(rest) >= 2 && strings.EqualFold(rest[:2], "or")
}

func containsJoin(w string) bool {
	for i := range len(w) {
		if startsWithJoin(w[i:]) && i > 0 {
			return true
		}
	}
	return false
}

// isNumber reports whether w is a JSON number.
func isNumber(w string) bool {
	i := 0
	if i < len(w) && w[i] == '-' {
		i++
	}
	digits := func() bool {
		s := i
		for i < len(w) && '0' <= w[i] && w[i] <= '9' {
			i++
		}
		return i > s
	}
	if !digits() {
		return false
	}
	if i < len(w) && w[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(w) && (w[i] == 'e' || w[i] == 'E') {
		i++
		if i < len(w) && (w[i] == '+' || w[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(w)
}
