package main

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// server starts a scimkit handler on memstore on a loopback port for an
// account allowing example.com, and returns its base URL and token.
func server(t *testing.T, table mapping.Table, perSecond float64, burst int) (base, token string, st store.Store) {
	t.Helper()
	ctx := context.Background()
	st = memstore.New()
	links := linking.New(st, nil)
	owner := linking.Member{ID: "owner", Role: linking.RoleOwner}
	token, err := links.EnableProvisioning(ctx, "acme", owner, "loadsim test")
	require.NoError(t, err)
	require.NoError(t, links.SetAllowedDomains(ctx, "acme", owner, []string{"example.com"}))
	mapper, err := mapping.New(table)
	require.NoError(t, err)
	h, err := scim.New(links, scim.WithMapper(mapper), scim.WithRateLimit(perSecond, burst), scim.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/scim/v2", token, st
}

func TestOktaAndEntraPatternsLoseNothing(t *testing.T) {
	for _, tc := range []struct {
		idp   string
		table mapping.Table
	}{{"okta", mapping.Okta()}, {"entra", mapping.Entra()}} {
		t.Run(tc.idp, func(t *testing.T) {
			base, token, st := server(t, tc.table, math.Inf(1), 0)
			var out bytes.Buffer
			res, err := run(context.Background(), []string{"-base-url", base, "-token", token, "-idp", tc.idp,
				"-users", "150", "-groups", "3", "-group-size", "40", "-workers", "4", "-churn", "1500ms"}, &out)
			require.NoError(t, err, out.String())
			t.Log(out.String())
			assert.False(t, res.failed(), "the run reports a failure:\n%s", out.String())
			assert.True(t, res.Verified)
			assert.Equal(t, 150, res.Check.Expected)
			assert.Equal(t, 3, res.Check.GroupsChecked)
			assert.Zero(t, res.Throttled)
			assert.Contains(t, out.String(), "user.update")
			assert.Contains(t, out.String(), "group.members")

			// What the simulator saw is what the store holds.
			page, err := st.ListUsers(context.Background(), "acme", store.Query{Count: 1})
			require.NoError(t, err)
			assert.Equal(t, 150, page.Total)

			// A second run with the same prefix finds every user and
			// creates none.
			out.Reset()
			res, err = run(context.Background(), []string{"-base-url", base, "-token", token, "-idp", tc.idp,
				"-users", "150", "-groups", "3", "-group-size", "40", "-workers", "4", "-churn", "0"}, &out)
			require.NoError(t, err, out.String())
			assert.False(t, res.failed(), out.String())
			assert.NotContains(t, out.String(), "user.create")
			page, err = st.ListUsers(context.Background(), "acme", store.Query{Count: 1})
			require.NoError(t, err)
			assert.Equal(t, 150, page.Total)
		})
	}
}

func TestWaitsOutRateLimits(t *testing.T) {
	// 20 requests per second with a burst of 3: the import of 12 users
	// (24 requests from 4 workers) is throttled, and every 429 is waited out.
	base, token, _ := server(t, mapping.Okta(), 20, 3)
	var out bytes.Buffer
	start := time.Now()
	res, err := run(context.Background(), []string{"-base-url", base, "-token", token,
		"-users", "12", "-groups", "0", "-workers", "4", "-churn", "0"}, &out)
	require.NoError(t, err, out.String())
	assert.False(t, res.failed(), out.String())
	assert.Positive(t, res.Throttled, "the service's limit was reached")
	assert.Contains(t, out.String(), "waited out")
	assert.Equal(t, 12, res.Check.Found)
	assert.Less(t, time.Since(start), 30*time.Second, "integer Retry-After honoured, not the 5-minute fallback")
}

func TestBoundedByMaxRequests(t *testing.T) {
	base, token, _ := server(t, mapping.Okta(), math.Inf(1), 0)
	var out bytes.Buffer
	res, err := run(context.Background(), []string{"-base-url", base, "-token", token,
		"-users", "1000", "-groups", "0", "-workers", "2", "-churn", "0", "-max-requests", "50"}, &out)
	require.NoError(t, err, out.String())
	assert.LessOrEqual(t, res.Requests, 50)
	assert.Contains(t, out.String(), "-max-requests reached")
}

func TestRefusesRemoteAndBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-base-url", "https://scim.example.com/scim/v2", "-token", "t"}, "-allow-remote"},
		{[]string{"-base-url", "http://10.0.0.1/scim/v2", "-token", "t"}, "not on this machine"},
		{[]string{"-token", "t"}, "-base-url is required"},
		{[]string{"-base-url", "http://127.0.0.1:1/scim/v2", "-token", "t", "-idp", "onelogin"}, "want okta or entra"},
		{[]string{"-base-url", "http://127.0.0.1:1/scim/v2", "-token", "t", "-users", "0"}, "-users"},
		{[]string{"-base-url", "ftp://127.0.0.1/x", "-token", "t"}, "want http(s)"},
	} {
		t.Setenv("SCIM_TOKEN", "")
		var out bytes.Buffer
		_, err := run(context.Background(), tc.args, &out)
		require.Error(t, err, strings.Join(tc.args, " "))
		assert.Contains(t, err.Error(), tc.want)
	}
	t.Setenv("SCIM_TOKEN", "")
	_, err := run(context.Background(), []string{"-base-url", "http://[::1]:1/scim/v2"}, &bytes.Buffer{})
	assert.ErrorContains(t, err, "no token")
}

func TestPercentiles(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	assert.Equal(t, 50*time.Millisecond, pct(lat, 50))
	assert.Equal(t, 99*time.Millisecond, pct(lat, 99))
	assert.Equal(t, 100*time.Millisecond, pct(lat, 100))
	assert.Equal(t, time.Duration(0), pct(nil, 99))
	assert.Equal(t, time.Millisecond, pct(lat[:1], 99))
}
