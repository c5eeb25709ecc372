package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The printed one-time link logs the viewer in as the owner; the console
// then shows the account (provisioning on) and the SCIM requests made.
func TestAdminConsoleLogin(t *testing.T) {
	base, token, out := start(t)
	var link string
	for _, line := range strings.Split(out.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "Admin console: "); ok {
			link, _, _ = strings.Cut(v, " ")
		}
	}
	require.NotEmpty(t, link, "the server prints the console link:\n%s", out.String())
	require.Contains(t, link, "/admin/?login=")

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar}
	get := func(c *http.Client, url string) (int, string) {
		resp, err := c.Get(url)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get(browser, link)
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "Sync with my identity provider")
	assert.Contains(t, body, `id="status">On`)
	assert.Contains(t, body, base, "the SCIM base URL")
	assert.Contains(t, body, "Example Owner")

	status, _ = get(&http.Client{}, link)
	assert.Equal(t, http.StatusForbidden, status, "the link works once")
	status, _ = get(&http.Client{}, strings.Split(link, "?")[0])
	assert.Equal(t, http.StatusUnauthorized, status, "no session, no console")

	req, _ := http.NewRequest("GET", base+"/Users", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	status, body = get(browser, strings.Split(link, "?")[0]+"tokens")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "example server", "the token's label")
	assert.NotContains(t, body, token, "never the secret")
}
