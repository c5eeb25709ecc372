package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

func TestSetupTokenShownOnceRotateRevoke(t *testing.T) {
	w := newWorld(t)
	p := w.as(t, "owner", "GET", "/admin/", nil)
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "Set up hosted provisioning")

	p = w.as(t, "owner", "POST", "/admin/setup", url.Values{"idp": {"okta"}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	first := tokenOf(p.body)
	require.NotEmpty(t, first, "the token is shown")
	assert.Contains(t, p.body, w.srv.URL+"/scim/v2", "the base URL, without a trailing slash")
	assert.NotContains(t, p.body, w.srv.URL+"/scim/v2/")
	assert.Contains(t, p.body, "Create Users", "Okta's steps")
	assert.Contains(t, p.body, "Profile Editor")
	assert.NotContains(t, p.url, first, "the token is not in the URL")

	again := w.as(t, "owner", "GET", p.url, nil)
	assert.Empty(t, tokenOf(again.body), "reloading never shows the token again")
	assert.Contains(t, again.body, "shown only once")
	assert.NotContains(t, again.body, first)
	other := w.as(t, "admin", "GET", p.url, nil)
	assert.NotContains(t, other.body, first)

	status, _ := w.scimReq(t, first, "GET", "/Users", "")
	require.Equal(t, http.StatusOK, status, "the token works")

	p = w.as(t, "owner", "POST", "/admin/tokens", url.Values{"idp": {"okta"}, "label": {"rotation"}})
	second := tokenOf(p.body)
	require.NotEmpty(t, second)
	require.NotEqual(t, first, second)
	status, _ = w.scimReq(t, first, "GET", "/Users", "")
	assert.Equal(t, http.StatusOK, status, "the first still works while the second exists")

	toks, err := w.links.ListTokens(context.Background(), acct, members["owner"].Member)
	require.NoError(t, err)
	require.Len(t, toks, 2)
	require.NoError(t, w.rec.Flush(context.Background()))
	p = w.as(t, "owner", "GET", "/admin/tokens", nil)
	assert.Contains(t, p.body, "Okta rotation")
	assert.Contains(t, p.body, "just now", "the first token's last use")
	assert.Contains(t, p.body, "never", "the second token is unused")
	assert.NotContains(t, p.body, first)
	assert.NotContains(t, p.body, second)

	p = w.as(t, "owner", "POST", "/admin/tokens/"+toks[0].ID+"/revoke", url.Values{})
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "revoked")
	status, _ = w.scimReq(t, first, "GET", "/Users", "")
	assert.Equal(t, http.StatusUnauthorized, status, "the revoked token gets 401")
	status, _ = w.scimReq(t, second, "GET", "/Users", "")
	assert.Equal(t, http.StatusOK, status)
}

func TestPauseResume(t *testing.T) {
	w := newWorld(t)
	token := tokenOf(w.as(t, "owner", "POST", "/admin/setup", url.Values{"idp": {"entra"}}).body)
	require.NotEmpty(t, token)
	p := w.as(t, "owner", "POST", "/admin/sync", url.Values{"sync": {"pause"}})
	assert.Contains(t, p.body, `id="status">Paused`)
	status, body := w.scimReq(t, token, "GET", "/Users", "")
	assert.Equal(t, http.StatusForbidden, status, body)
	p = w.as(t, "owner", "POST", "/admin/sync", url.Values{"sync": {"resume"}})
	assert.Contains(t, p.body, `id="status">On`)
	status, _ = w.scimReq(t, token, "GET", "/Users", "")
	assert.Equal(t, http.StatusOK, status, "the same token works again")
	assert.Contains(t, p.body, "Tenant URL", "Entra's words")
	a, err := w.st.GetAccount(context.Background(), acct)
	require.NoError(t, err)
	assert.Equal(t, store.IdPEntra, a.IdP, "the choice is kept with the account (it picks the SCIM mapping)")

	p = w.as(t, "owner", "POST", "/admin/idp", url.Values{"idp": {"okta"}})
	assert.Contains(t, p.body, "Identity provider saved")
	assert.Contains(t, p.body, "Profile Editor", "Okta's steps now")
	a, _ = w.st.GetAccount(context.Background(), acct)
	assert.Equal(t, store.IdPOkta, a.IdP)
	status, out := w.api(t, "owner", "PUT", "/admin/api/idp", map[string]string{"idp": "generic"})
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "generic", out["idp"])
	status, _ = w.api(t, "member", "PUT", "/admin/api/idp", map[string]string{"idp": "okta"})
	assert.Equal(t, http.StatusForbidden, status)
}

func TestCrossSiteRefused(t *testing.T) {
	w := newWorld(t)
	_, err := w.links.EnableProvisioning(context.Background(), acct, members["owner"].Member, "Okta")
	require.NoError(t, err)
	for _, hdr := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		p := w.as(t, "owner", "POST", "/admin/sync", url.Values{"sync": {"pause"}}, hdr...)
		assert.Equal(t, http.StatusForbidden, p.status, "%v", hdr)
		assert.Contains(t, p.body, "sent from another site")
		status, _ := w.api(t, "owner", "PUT", "/admin/api/sync", map[string]bool{"enabled": false}, hdr...)
		assert.Equal(t, http.StatusForbidden, status)
	}
	a, err := w.st.GetAccount(context.Background(), acct)
	require.NoError(t, err)
	assert.True(t, a.ProvisioningEnabled, "nothing changed")
	p := w.as(t, "owner", "POST", "/admin/sync", url.Values{"sync": {"pause"}}, "Sec-Fetch-Site", "same-origin")
	assert.Equal(t, http.StatusOK, p.status, "a same-origin form works")
}

func TestMemberCannotChangeAnything(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	_, err := w.links.EnableProvisioning(ctx, acct, members["owner"].Member, "Okta")
	require.NoError(t, err)
	g, err := w.st.CreateGroup(ctx, acct, store.Group{DisplayName: "Engineering"}, nil)
	require.NoError(t, err)
	u, err := w.st.CreateUser(ctx, acct, store.User{UserName: "ivy@acme.com", State: store.StateInvited})
	require.NoError(t, err)
	before, err := w.st.Events(ctx, acct, 0, 1000)
	require.NoError(t, err)
	toks, _ := w.st.ListTokens(ctx, acct)

	for _, req := range []struct {
		path string
		form url.Values
	}{
		{"/admin/setup", url.Values{"idp": {"okta"}}},
		{"/admin/sync", url.Values{"sync": {"pause"}}},
		{"/admin/idp", url.Values{"idp": {"entra"}}},
		{"/admin/tokens", url.Values{"idp": {"okta"}}},
		{"/admin/tokens/" + toks[0].ID + "/revoke", url.Values{}},
		{"/admin/domains", url.Values{"domains": {"acme.com"}}},
		{"/admin/groups/" + g.ID + "/managed", url.Values{"managed": {"on"}}},
		{"/admin/members/" + u.ID + "/resend", url.Values{}},
	} {
		p := w.as(t, "member", "POST", req.path, req.form)
		assert.Equal(t, http.StatusForbidden, p.status, req.path)
		assert.Contains(t, p.body, "Only an owner or administrator", req.path)
	}
	for _, req := range []struct{ method, path string }{
		{"POST", "/admin/api/setup"}, {"PUT", "/admin/api/sync"}, {"POST", "/admin/api/tokens"},
		{"DELETE", "/admin/api/tokens/" + toks[0].ID}, {"PUT", "/admin/api/domains"}, {"PUT", "/admin/api/groups/" + g.ID},
		{"POST", "/admin/api/members/" + u.ID + "/resend"},
	} {
		status, out := w.api(t, "member", req.method, req.path, map[string]any{"idp": "okta", "enabled": false, "managed": true, "domains": []string{"x.com"}})
		assert.Equal(t, http.StatusForbidden, status, req.path)
		assert.Equal(t, "not_authorized", out["error"], req.path)
	}
	after, err := w.st.Events(ctx, acct, 0, 1000)
	require.NoError(t, err)
	assert.Equal(t, len(before), len(after), "no write at all")
	assert.Empty(t, w.invites.sent)

	p := w.as(t, "member", "GET", "/admin/", nil)
	assert.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "Only an owner or administrator of the account can change them")
	assert.NotContains(t, p.body, `action="/admin/sync"`, "no forms for members")
	p = w.as(t, "member", "GET", "/admin/tokens", nil)
	assert.NotContains(t, p.body, toks[0].ID, "members do not see tokens")

	p = w.as(t, "", "GET", "/admin/", nil)
	assert.Equal(t, http.StatusUnauthorized, p.status, "no session, no console")
}

func TestDomainPreflight(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	require.NoError(t, w.links.SetAllowedDomains(ctx, acct, members["owner"].Member, []string{"acme.com", "acme.org"}))
	_, err := w.st.CreateUser(ctx, acct, store.User{UserName: "bob", State: store.StateActive, Emails: []store.Email{{Value: "bob@acme.org", Primary: true}}})
	require.NoError(t, err)

	p := w.as(t, "owner", "POST", "/admin/domains", url.Values{"domains": {"acme.com\nACME.com"}})
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, `id="preflight"`)
	assert.Contains(t, p.body, "bob@acme.org", "the member who would be refused")
	a, _ := w.st.GetAccount(ctx, acct)
	assert.Equal(t, []string{"acme.com", "acme.org"}, a.AllowedDomains, "nothing saved before confirming")

	p = w.as(t, "owner", "POST", "/admin/domains", url.Values{"domains": {"acme.com"}, "confirm": {"yes"}})
	assert.Contains(t, p.body, "Allowed domains saved")
	a, _ = w.st.GetAccount(ctx, acct)
	assert.Equal(t, []string{"acme.com"}, a.AllowedDomains)

	p = w.as(t, "owner", "POST", "/admin/domains", url.Values{"domains": {"acme.com\ngmail.com"}, "confirm": {"yes"}})
	assert.Equal(t, http.StatusBadRequest, p.status)
	assert.Contains(t, p.body, "public mail domain")
	a, _ = w.st.GetAccount(ctx, acct)
	assert.Equal(t, []string{"acme.com"}, a.AllowedDomains)

	status, out := w.api(t, "owner", "PUT", "/admin/api/domains", map[string]any{"domains": []string{"acme.net"}, "dryRun": true})
	require.Equal(t, http.StatusOK, status)
	assert.Len(t, out["refused"], 1)
	assert.Equal(t, false, out["saved"])
}

func TestManagedGroupsAndPrivileged(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	token, err := w.links.EnableProvisioning(ctx, acct, members["owner"].Member, "Okta")
	require.NoError(t, err)
	eng, err := w.st.CreateGroup(ctx, acct, store.Group{DisplayName: "Engineering"}, nil)
	require.NoError(t, err)
	admins, err := w.st.CreateGroup(ctx, acct, store.Group{DisplayName: "Administrators", Privileged: true}, nil)
	require.NoError(t, err)
	_, body := w.scimReq(t, token, "GET", "/Groups", "")
	assert.NotContains(t, body, "Engineering", "not managed, not visible")

	p := w.as(t, "owner", "GET", "/admin/groups", nil)
	assert.Contains(t, p.body, "Locked")
	assert.Contains(t, p.body, "Privileged groups")
	p = w.as(t, "owner", "POST", "/admin/groups/"+eng.ID+"/managed", url.Values{"managed": {"on"}})
	assert.Contains(t, p.body, "Group updated")
	_, body = w.scimReq(t, token, "GET", "/Groups", "")
	assert.Contains(t, body, "Engineering", "the IdP sees the managed group")

	p = w.as(t, "owner", "POST", "/admin/groups/"+admins.ID+"/managed", url.Values{"managed": {"on"}})
	assert.Equal(t, http.StatusBadRequest, p.status)
	assert.Contains(t, p.body, "privileged")
}

func TestActivityShowsIdPErrorsAndAdminActions(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	require.NoError(t, w.links.SetAllowedDomains(ctx, acct, members["owner"].Member, []string{"acme.com"}))
	token := tokenOf(w.as(t, "owner", "POST", "/admin/setup", url.Values{"idp": {"okta"}}).body)
	status, _ := w.scimReq(t, token, "POST", "/Users", userJSON("eve@elsewhere.com"))
	require.Equal(t, http.StatusBadRequest, status)
	status, _ = w.scimReq(t, token, "POST", "/Users", userJSON("ann@acme.com"))
	require.Equal(t, http.StatusCreated, status)
	require.NoError(t, w.rec.Flush(ctx))

	p := w.as(t, "owner", "GET", "/admin/activity", nil)
	assert.Contains(t, p.body, "eve@elsewhere.com")
	assert.Contains(t, p.body, "not on this account&#39;s allowed domains", "the detail")
	assert.Contains(t, p.body, "ann@acme.com")
	assert.Contains(t, p.body, "turned provisioning on for Okta", "the admin action")
	assert.Contains(t, p.body, "Olivia Owner")
	assert.NotContains(t, p.body, token)

	p = w.as(t, "owner", "GET", "/admin/activity?errors=1", nil)
	assert.Contains(t, p.body, "eve@elsewhere.com")
	assert.NotContains(t, p.body, "ann@acme.com", "errors only")
	p = w.as(t, "owner", "GET", "/admin/activity?user=ann%40acme.com", nil)
	assert.Contains(t, p.body, "ann@acme.com")
	assert.NotContains(t, p.body, "eve@elsewhere.com", "by user")

	status, out := w.api(t, "owner", "GET", "/admin/api/activity?errors=1", nil)
	require.Equal(t, http.StatusOK, status)
	es := out["entries"].([]any)
	require.Len(t, es, 1)
	assert.Equal(t, "invalidValue", es[0].(map[string]any)["scimType"])
}

func TestMembersAndResend(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	require.NoError(t, w.links.SetAllowedDomains(ctx, acct, members["owner"].Member, []string{"acme.com"}))
	token, err := w.links.EnableProvisioning(ctx, acct, members["owner"].Member, "Okta")
	require.NoError(t, err)
	status, body := w.scimReq(t, token, "POST", "/Users", userJSON("ivy@acme.com"))
	require.Equal(t, http.StatusCreated, status, body)
	_, err = w.links.DeliverPending(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"ivy@acme.com"}, w.invites.sent)
	u, err := w.st.UserByUserName(ctx, acct, "ivy@acme.com")
	require.NoError(t, err)

	p := w.as(t, "owner", "GET", "/admin/members", nil)
	assert.Contains(t, p.body, "ivy@acme.com")
	assert.Contains(t, p.body, "Invited")
	assert.Contains(t, p.body, "Resend invite")
	p = w.as(t, "owner", "POST", "/admin/members/"+u.ID+"/resend", url.Values{})
	assert.Contains(t, p.body, "Invite sent again")
	assert.Equal(t, []string{"ivy@acme.com", "ivy@acme.com"}, w.invites.sent)
}

func TestJSONAPISetup(t *testing.T) {
	w := newWorld(t)
	status, out := w.api(t, "admin", "POST", "/admin/api/setup", map[string]string{"idp": "entra"})
	require.Equal(t, http.StatusCreated, status, out)
	token := out["token"].(string)
	assert.True(t, strings.HasSuffix(out["scimBaseUrl"].(string), "/scim/v2"))
	code, _ := w.scimReq(t, token, "GET", "/Users", "")
	assert.Equal(t, http.StatusOK, code)

	status, out = w.api(t, "admin", "GET", "/admin/api/tokens", nil)
	require.Equal(t, http.StatusOK, status)
	toks := out["tokens"].([]any)
	require.Len(t, toks, 1)
	assert.NotContains(t, toks[0], "token")
	id := toks[0].(map[string]any)["id"].(string)

	status, out = w.api(t, "admin", "PUT", "/admin/api/sync", map[string]bool{"enabled": false})
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, false, out["provisioningEnabled"])
	status, _ = w.api(t, "admin", "PUT", "/admin/api/sync", map[string]string{"enabled": "maybe"})
	assert.Equal(t, http.StatusBadRequest, status)
	status, _ = w.api(t, "admin", "DELETE", "/admin/api/tokens/"+id, nil)
	assert.Equal(t, http.StatusNoContent, status)
	status, out = w.api(t, "admin", "DELETE", "/admin/api/tokens/"+id, nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "not_found", out["error"])
	_ = linking.RoleAdmin
}
