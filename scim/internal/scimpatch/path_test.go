package scimpatch

import (
	"reflect"
	"testing"

	"github.com/scim2/filter-parser/v2"
)

// TestSimplePathMatchesParser: every path the fast path answers, it
// answers exactly as filter.ParsePath does.
func TestSimplePathMatchesParser(t *testing.T) {
	paths := []string{
		"members", "userName", "name.givenName", "active", "a-b_c1", "x9",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
		"urn:ietf:params:scim:schemas:core:2.0:User:userName",
		`members[value eq "2819c223-7f76-453a-919d-413861904646"]`,
		`members[value EQ "a b"]`, `emails[type eq "work"].value`, `emails[type eq "work"]`,
		`addresses[type eq "work"].streetAddress`, `phoneNumbers[type eq ""].value`,
		// shapes left to the parser (or refused by both)
		"", ".", "name.", ".name", "1abc", "$ref", "name.givenName.x", `emails[type ne "work"]`,
		`emails[type eq "w\"x"]`, `emails[type eq "work" and primary eq true]`, `emails[type eq work]`,
		`emails[type eq "work"]x`, `emails.value[type eq "work"]`, `emails[type eq "work"].`, "urn:x:", "urn:a b:c",
		`members[value eq "x"`, "na me", "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName",
	}
	for _, s := range paths {
		fast, ok := simplePath(s)
		if !ok {
			continue
		}
		want, err := filter.ParsePath([]byte(s))
		if err != nil {
			t.Errorf("%q: the fast path accepts what the parser refuses (%v)", s, err)
			continue
		}
		if !reflect.DeepEqual(fast, want) {
			t.Errorf("%q: fast path %#v, parser %#v", s, fast, want)
		}
	}
}

func FuzzSimplePath(f *testing.F) {
	for _, s := range []string{"members", `emails[type eq "work"].value`, "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName", `m[v eq "x"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := simplePath(s)
		if !ok {
			return
		}
		want, err := filter.ParsePath([]byte(s))
		if err != nil || !reflect.DeepEqual(fast, want) {
			t.Fatalf("%q: fast path %#v, parser %#v, %v", s, fast, want, err)
		}
	})
}
