package scim

import "testing"

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
