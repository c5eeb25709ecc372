package mapping

import (
	"strconv"
	"strings"

	"github.com/scimkit/scimkit/store"
)

type transformKind uint8

const (
	tkInvalid transformKind = iota
	tkTrim
	tkLower
	tkDefault
	tkCompose
	tkFunc
)

// Transform is one step of a row's value pipeline. Build it with Trim,
// Lower, Default, ComposeDisplayName or Func; the zero Transform is invalid
// and rejected by New. Transforms work on string values, so New rejects
// them on rows whose attribute is boolean, numeric or multi-valued.
type Transform struct {
	kind  transformKind
	name  string
	value string
	fn    func(string) (string, error)
}

// Trim removes leading and trailing white space.
func Trim() Transform { return Transform{kind: tkTrim} }

// Lower lower-cases the value (as store.Fold does), for emails and other
// case-insensitive values.
func Lower() Transform { return Transform{kind: tkLower} }

// Default replaces an empty value (attribute missing, null or "") with v.
func Default(v string) Transform { return Transform{kind: tkDefault, value: v} }

// ComposeDisplayName replaces an empty value with the user's given and
// family name joined by a space (whichever of the two are set). In ToUser
// the names are those the table's other rows have just written; in ToSCIM
// those of the user being rendered. Put it on the displayName row so that
// users whose IdP sends no displayName still get one.
func ComposeDisplayName() Transform { return Transform{kind: tkCompose} }

// Func is a host-supplied step. fn receives the value and returns the new
// one, or an error that makes ToUser reject the resource: its text becomes
// the FieldError's Problem, shown to the IdP admin, so write it for them
// ("is not a cost centre code"). fn is not called for an empty value. It
// must be safe for concurrent use, and, for the ToUser(ToSCIM(u))
// round-trip to hold, idempotent (fn(fn(x)) == fn(x)). name identifies the
// step in messages.
func Func(name string, fn func(string) (string, error)) Transform {
	return Transform{kind: tkFunc, name: name, fn: fn}
}

// String describes the transform: "trim", "lower", `default("x")`,
// "composeDisplayName" or "func(name)".
func (t Transform) String() string {
	switch t.kind {
	case tkTrim:
		return "trim"
	case tkLower:
		return "lower"
	case tkDefault:
		return "default(" + strconv.Quote(t.value) + ")"
	case tkCompose:
		return "composeDisplayName"
	case tkFunc:
		return "func(" + t.name + ")"
	}
	return "invalid transform"
}

// apply runs one transform. u supplies the names for ComposeDisplayName.
// The error, if any, is the Problem text.
func (t *Transform) apply(s string, u *store.User) (string, string) {
	switch t.kind {
	case tkTrim:
		return strings.TrimSpace(s), ""
	case tkLower:
		return strings.ToLower(s), ""
	case tkDefault:
		if s == "" {
			return t.value, ""
		}
	case tkCompose:
		if s == "" {
			return composeName(u.Name.GivenName, u.Name.FamilyName), ""
		}
	case tkFunc:
		if s == "" {
			return s, ""
		}
		out, err := t.fn(s)
		if err != nil {
			return s, err.Error()
		}
		return out, ""
	}
	return s, ""
}

func composeName(given, family string) string {
	given, family = strings.TrimSpace(given), strings.TrimSpace(family)
	switch {
	case given == "":
		return family
	case family == "":
		return given
	}
	return given + " " + family
}
