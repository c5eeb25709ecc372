package scim

import (
	"encoding/json"
	"testing"
)

func TestNormalizeManager(t *testing.T) {
	const urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	tests := []struct {
		name, in string
		patch    bool
		want     string // "" means unchanged
	}{
		{"no manager: untouched, not decoded", `{"userName":"a"`, false, ""},
		{"object already", `{"` + urn + `":{"manager":{"value":"m"}}}`, false, ""},
		{"string in a resource", `{"` + urn + `":{"Manager":"m"}}`, false, `{"` + urn + `":{"Manager":{"value":"m"}}}`},
		{"string at the full path", `{"Operations":[{"op":"Add","path":"` + urn + `:manager","value":"m"}]}`, true, `{"Operations":[{"op":"Add","path":"` + urn + `:manager","value":{"value":"m"}}]}`},
		{"bare path with a one-element list", `{"Operations":[{"op":"Add","path":"manager","value":[{"value":"m"}]}]}`, true, `{"Operations":[{"op":"Add","path":"` + urn + `:manager","value":{"value":"m"}}]}`},
		{"pathless URN key", `{"Operations":[{"op":"replace","value":{"` + urn + `:manager":"m"}}]}`, true, `{"Operations":[{"op":"replace","value":{"` + urn + `:manager":{"value":"m"}}}]}`},
		{"other paths untouched", `{"Operations":[{"op":"replace","path":"displayName","value":"manager"}]}`, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, changed := normalizeManager([]byte(tt.in), tt.patch)
			if tt.want == "" {
				if changed || string(out) != tt.in {
					t.Fatalf("changed to %s, want it untouched", out)
				}
				return
			}
			var got, want any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			if !changed || !jsonEqual(got, want) {
				t.Fatalf("got %s, want %s", out, tt.want)
			}
		})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestCanonicalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/users": "/Users", "/users/42": "/Users/42", "/GROUPS/a/b": "/Groups/a/b", "/serviceproviderconfig": "/ServiceProviderConfig",
		"/Users": "/Users", "/Users/x": "/Users/x", "/usersx": "/usersx", "": "", "/": "/", "/users/.search": "/Users/.search",
	} {
		if got := canonicalPath(in); got != want {
			t.Errorf("canonicalPath(%q) = %q, want %q", in, got, want)
		}
	}
}
