package scim

import "testing"

// TestReturnsSub: members' display names are loaded only when the
// projection may return members.display.
func TestReturnsSub(t *testing.T) {
	p := &profile{userSchemas: []string{userSchemaURN}}
	for _, tc := range []struct {
		include, exclude string
		want             bool
	}{
		{"", "", true},
		{"members", "", true},
		{"members.display", "", true},
		{"urn:ietf:params:scim:schemas:core:2.0:Group:members.display", "", true},
		{"displayName,members.value", "", false},
		{"displayName", "", false},
		{"", "members", false},
		{"", "members.display", false},
		{"", "members.value", true},
		{"", "displayName", true},
		{"members", "members.DISPLAY", false},
	} {
		if got := p.newProjection(tc.include, tc.exclude).returnsSub("members", "display"); got != tc.want {
			t.Errorf("attributes=%q excludedAttributes=%q: returnsSub = %v, want %v", tc.include, tc.exclude, got, tc.want)
		}
	}
}
