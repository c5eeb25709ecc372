package scimfilter_test

import (
	"strings"
	"testing"

	efilter "github.com/elimity-com/scim/filter"
	"github.com/elimity-com/scim/schema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/scim/internal/scimfilter"
)

// elimityValidate validates raw as elimity's getFilterValidator (server.go)
// does for a list request: trimmed, parsed, checked against the resource
// schema plus the common attributes, and the extensions.
func elimityValidate(raw string, k scimfilter.Kind) (efilter.Validator, error) {
	s, exts := schema.CoreUserSchema(), []schema.Schema{schema.ExtensionEnterpriseUser()}
	if k == scimfilter.Groups {
		s, exts = schema.CoreGroupSchema(), nil
	}
	withCommon := s
	withCommon.Attributes = append(append(schema.Attributes{}, s.Attributes...), schema.CommonAttributes()...)
	v, err := efilter.NewValidator(strings.TrimSpace(raw), withCommon, exts...)
	if err != nil {
		return v, err
	}
	return v, v.Validate()
}

// TestElimityGeneralPath guards the general path: whenever elimity accepts
// a filter, FromExpression on the tree it hands the handler gives what
// Parse gives for the string. And whenever ParseSimple answers a filter,
// elimity accepts it too (so the fast path never answers a filter the
// general path would reject), except for a sub-attribute after a value
// path, which elimity's parser cannot read at all.
func TestElimityGeneralPath(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 300
	}
	for _, k := range []scimfilter.Kind{scimfilter.Users, scimfilter.Groups} {
		t.Run(k.String(), func(t *testing.T) {
			filters, _ := corpus(k, 3, n)
			var accepted int
			for _, s := range filters {
				want, wantErr := scimfilter.Parse(s, k)
				fast, ok := scimfilter.ParseSimple(s, k)
				v, err := elimityValidate(s, k)
				if err != nil {
					if ok && scimfilter.Lenient(s) == s {
						// The fast path accepts more than elimity only for a
						// sub-attribute after a value path and for what
						// Parse reads leniently (bare words, lower-case \u).
						assert.Contains(t, s, "].", "ParseSimple answers %q, which elimity rejects: %v", s, err)
						assert.Equal(t, want, fast)
					}
					continue
				}
				accepted++
				got, gotErr := scimfilter.FromExpression(v.GetFilter(), k)
				if wantErr != nil {
					assert.Equal(t, wantErr, gotErr, "%q: Parse and the general path must fail alike", s)
					continue
				}
				if assert.NoError(t, gotErr, "%q", s) {
					assert.Equal(t, want, got, "%q: the general path differs from Parse", s)
				}
			}
			t.Logf("elimity accepted %d of %d filters", accepted, len(filters))
			assert.Greater(t, accepted, len(filters)/20)
		})
	}
}

func TestElimityLookups(t *testing.T) {
	tests := []struct {
		filter string
		kind   scimfilter.Kind
	}{
		{`userName eq "a@x.com"`, scimfilter.Users},
		{`externalId eq "00u1"`, scimfilter.Users},
		{`id eq "x"`, scimfilter.Users},
		{`emails.value eq "a@x.com"`, scimfilter.Users},
		{`emails[type eq "work"]`, scimfilter.Users},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1"`, scimfilter.Users},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "u"`, scimfilter.Users},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"`, scimfilter.Users},
		{`meta.created gt "2026-01-02T15:04:05Z"`, scimfilter.Users},
		{`active eq "False"`, scimfilter.Users},
		// elimity accepts a value path together with an extension
		// attribute (it skips value paths it cannot resolve), so
		// ParseSimple may answer it.
		{`emails[type eq "work"] and ` + ent + `department eq "Eng"`, scimfilter.Users},
		{`displayName eq "Eng"`, scimfilter.Groups},
		{`id eq "g" and members[value eq "u"]`, scimfilter.Groups},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			v, err := elimityValidate(tt.filter, tt.kind)
			require.NoError(t, err)
			got, err := scimfilter.FromExpression(v.GetFilter(), tt.kind)
			require.NoError(t, err)
			want, err := scimfilter.Parse(tt.filter, tt.kind)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			fast, ok := scimfilter.ParseSimple(tt.filter, tt.kind)
			require.True(t, ok)
			assert.Equal(t, want, fast)
		})
	}
	// Entra ID's lookup shape: elimity cannot parse it, Parse and
	// ParseSimple can.
	_, err := elimityValidate(`emails[type eq "work"].value eq "a@x.com"`, scimfilter.Users)
	assert.Error(t, err, "if elimity learns this shape, the general path can serve it too")
}
