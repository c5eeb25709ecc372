package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/feed"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// TestFeedLoggedWithoutWebhook: without -webhook every event of the feed
// is one log line, and every invite is sent (logged) from the feed.
func TestFeedLoggedWithoutWebhook(t *testing.T) {
	base, token, out := start(t, "-rate", "0")
	email := "feed.log@example.com"
	req, _ := http.NewRequest("POST", base+"/Users", strings.NewReader(fmt.Sprintf(
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":%q,"emails":[{"primary":true,"value":%q}]}`, email, email)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Eventually(t, func() bool {
		s := out.String()
		return strings.Contains(s, `msg=event account=default`) && strings.Contains(s, "type=user.created") &&
			strings.Contains(s, "type=user.invited") && strings.Contains(s, "actor=idp") &&
			strings.Contains(s, `msg="invite sent"`)
	}, 10*time.Second, 20*time.Millisecond, "log:\n%s", out.String())
}

func TestWebhookFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-webhook", "http://127.0.0.1:1/hook"},                      // no secret
		{"-webhook-secret", feed.NewSecret()},                        // no URL
		{"-webhook", "ftp://x", "-webhook-secret", feed.NewSecret()}, // not http(s)
		{"-webhook", "http://127.0.0.1:1/hook", "-webhook-secret", "not-a-secret"},
	} {
		t.Setenv("SCIM_WEBHOOK_SECRET", "")
		err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, args...), &syncBuffer{}, &syncBuffer{})
		assert.Error(t, err, "%v", args)
	}
	var out syncBuffer
	require.NoError(t, run(context.Background(), []string{"-new-webhook-secret"}, &out, &syncBuffer{}))
	_, err := feed.ParseSecret(strings.TrimSpace(out.String()))
	assert.NoError(t, err, "a usable secret: %q", out.String())
}

// TestIdPFlagIsRecorded: -idp becomes the account's identity provider
// (so the console and the per-account mapping agree with it); a later
// start with another -idp keeps the account's choice.
func TestIdPFlagIsRecorded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scim.db")
	idpOf := func() string {
		st, err := sqlstore.Open(context.Background(), "sqlite:"+path)
		require.NoError(t, err)
		defer st.Close()
		a, err := st.GetAccount(context.Background(), "default")
		require.NoError(t, err)
		return a.IdP
	}
	t.Run("first start", func(t *testing.T) {
		start(t, "-store", "sqlite:"+path, "-idp", "entra")
	})
	assert.Equal(t, "entra", idpOf())
	t.Run("second start", func(t *testing.T) {
		start(t, "-store", "sqlite:"+path, "-idp", "generic")
	})
	assert.Equal(t, "entra", idpOf(), "the account's choice is kept")
}
