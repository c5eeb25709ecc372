package linking_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

func TestPublicDomains(t *testing.T) {
	got := linking.PublicDomains()
	for _, d := range []string{"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com", "me.com", "aol.com", "proton.me", "gmx.de"} {
		assert.True(t, slices.Contains(got, d), "%s is a public mail domain", d)
	}
	seen := map[string]bool{}
	for _, d := range got {
		assert.Equal(t, strings.ToLower(strings.TrimSpace(d)), d, "normalised")
		assert.False(t, strings.ContainsAny(d, "@# "), "%q is a bare domain", d)
		assert.False(t, seen[d], "%s listed twice", d)
		seen[d] = true
	}
	got[0] = "mutated.example"
	assert.False(t, slices.Contains(linking.PublicDomains(), "mutated.example"), "each call returns a fresh list")
}

func TestCheckEmail(t *testing.T) {
	tests := []struct {
		name    string
		opts    []linking.Option
		allowed []string // written to the account directly
		email   string
		wantErr error
		detail  string
	}{
		{name: "allowed", email: "a@acme.com"},
		{name: "allowed, any case and spacing", email: "  A@ACME.Org\t"},
		{name: "subdomain is a different domain", email: "a@eu.acme.com", wantErr: linking.ErrDomainNotAllowed,
			detail: `email domain "eu.acme.com" is not on this account's allowed domains; add it under Settings > Provisioning > Allowed domains, then retry`},
		{name: "not listed", email: "a@other.com", wantErr: linking.ErrDomainNotAllowed},
		{name: "public, not listed", email: "a@outlook.com", wantErr: linking.ErrPublicDomain,
			detail: `email domain "outlook.com" is a public mail domain; provisioning supports only your organisation's domains`},
		{name: "public, even though listed", allowed: []string{"acme.com", "yahoo.com"}, email: "a@Yahoo.com", wantErr: linking.ErrPublicDomain},
		{name: "public list overridden: gmail allowed when listed", opts: []linking.Option{linking.WithPublicDomains(nil)},
			allowed: []string{"gmail.com"}, email: "a@gmail.com"},
		{name: "public list overridden: own entries refused", opts: []linking.Option{linking.WithPublicDomains([]string{" @BigMail.Example "})},
			allowed: []string{"acme.com", "bigmail.example"}, email: "a@bigmail.example", wantErr: linking.ErrPublicDomain},
		{name: "custom settings path in the detail", opts: []linking.Option{linking.WithSettingsPath("Admin > SSO")},
			email: "a@other.com", wantErr: linking.ErrDomainNotAllowed,
			detail: `email domain "other.com" is not on this account's allowed domains; add it under Admin > SSO > Allowed domains, then retry`},
		{name: "empty", email: " ", wantErr: linking.ErrInvalidEmail},
		{name: "no at", email: "acme.com", wantErr: linking.ErrInvalidEmail},
		{name: "no local part", email: "@acme.com", wantErr: linking.ErrInvalidEmail},
		{name: "no domain", email: "a@", wantErr: linking.ErrInvalidEmail},
		{name: "space in domain", email: "a@ac me.com", wantErr: linking.ErrInvalidEmail},
		{name: "empty allow list refuses everything", allowed: []string{}, email: "a@acme.com", wantErr: linking.ErrDomainNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts...)
			if tt.allowed != nil {
				e.setDomains(t, tt.allowed...)
			}
			err := e.svc.CheckEmail(e.ctx, acct, tt.email)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			if tt.detail != "" {
				assert.Equal(t, tt.detail, detail(t, err))
			}
			assert.Equal(t, detail(t, err), err.Error(), "Error() is Detail")
		})
	}
	t.Run("missing account", func(t *testing.T) {
		e := newEnv(t)
		assert.ErrorIs(t, e.svc.CheckEmail(e.ctx, "nope", "a@acme.com"), store.ErrNotFound)
	})
}

func TestSetAllowedDomains(t *testing.T) {
	tests := []struct {
		name    string
		actor   linking.Member
		domains []string
		want    []string // stored afterwards; nil means unchanged
		wantErr error
	}{
		{name: "normalised, deduplicated, order kept", actor: owner,
			domains: []string{" @Beta.IO ", "acme.com", "", "beta.io", "ACME.com"}, want: []string{"beta.io", "acme.com"}},
		{name: "admins may", actor: linking.Member{ID: "m2", Role: linking.RoleAdmin}, domains: []string{"x.io"}, want: []string{"x.io"}},
		{name: "emptied", actor: owner, domains: nil, want: []string{}},
		{name: "public refused", actor: owner, domains: []string{"acme.com", "iCloud.com"}, wantErr: linking.ErrPublicDomain},
		{name: "email instead of domain", actor: owner, domains: []string{"bob@acme.com"}, wantErr: linking.ErrInvalidEmail},
		{name: "no dot", actor: owner, domains: []string{"localhost"}, wantErr: linking.ErrInvalidEmail},
		{name: "empty label", actor: owner, domains: []string{"acme..com"}, wantErr: linking.ErrInvalidEmail},
		{name: "plain member refused", actor: linking.Member{ID: "m3", Role: linking.RoleMember}, domains: []string{"x.io"}, wantErr: linking.ErrNotAuthorized},
		{name: "owner without id refused", actor: linking.Member{Role: linking.RoleOwner}, domains: []string{"x.io"}, wantErr: linking.ErrNotAuthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			err := e.svc.SetAllowedDomains(e.ctx, acct, tt.actor, tt.domains)
			a, gerr := e.st.GetAccount(e.ctx, acct)
			require.NoError(t, gerr)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Equal(t, []string{"acme.com", "acme.org"}, a.AllowedDomains, "nothing stored on refusal")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, a.AllowedDomains)
		})
	}
	t.Run("creates a missing account, switch off", func(t *testing.T) {
		e := newEnv(t)
		require.NoError(t, e.svc.SetAllowedDomains(e.ctx, "new", owner, []string{"new.io"}))
		a, err := e.st.GetAccount(e.ctx, "new")
		require.NoError(t, err)
		assert.Equal(t, []string{"new.io"}, a.AllowedDomains)
		assert.False(t, a.ProvisioningEnabled)
	})
}

func TestCheckDomains(t *testing.T) {
	e := newEnv(t)
	// More users than one page of the report's listing.
	var want []string
	for i := range 1234 {
		email := fmt.Sprintf("ok%04d@acme.com", i)
		switch i % 300 {
		case 7:
			email = fmt.Sprintf("p%04d@GMail.com", i)
		case 8:
			email = fmt.Sprintf("o%04d@other.com", i)
		case 9:
			email = ""
		}
		u := e.hostUser(t, fmt.Sprintf("user%04d", i), email)
		if i%300 == 9 {
			want = append(want, u.ID+" invalid")
		} else if i%300 == 7 || i%300 == 8 {
			want = append(want, u.ID+" "+strings.ToLower(email))
		}
	}
	got, err := e.svc.CheckDomains(e.ctx, acct)
	require.NoError(t, err)
	var gotS []string
	for _, v := range got {
		switch {
		case v.Domain == "gmail.com":
			assert.ErrorIs(t, v.Reason, linking.ErrPublicDomain, v.UserName)
		case v.Domain == "other.com":
			assert.ErrorIs(t, v.Reason, linking.ErrDomainNotAllowed, v.UserName)
		default:
			assert.ErrorIs(t, v.Reason, linking.ErrInvalidEmail, v.UserName)
			v.Email = "invalid"
		}
		assert.Equal(t, store.StateActive, v.State)
		gotS = append(gotS, v.UserID+" "+v.Email)
	}
	assert.Equal(t, want, gotS, "every violating member, in creation order, nobody else")

	e2 := newEnv(t)
	e2.hostUser(t, "fine", "fine@acme.org")
	got, err = e2.svc.CheckDomains(e2.ctx, acct)
	require.NoError(t, err)
	assert.Equal(t, []linking.DomainViolation{}, got, "a clean account reports nothing")
}
