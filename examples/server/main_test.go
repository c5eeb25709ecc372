package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/scim/scimtest"
)

// syncBuffer collects the server's output, written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serverOut is what a server wrote: stdout (base URL, token, settings)
// and the log stream.
type serverOut struct{ stdout, log syncBuffer }

// String returns stdout followed by the log.
func (o *serverOut) String() string { return o.stdout.String() + o.log.String() }

// start runs the server on a free loopback port and returns its base URL
// and token (the one it printed, or the one the test gave it); the server
// stops when the test ends.
func start(t *testing.T, args ...string) (base, token string, out *serverOut) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &serverOut{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), &out.stdout, &out.log) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err, "clean shutdown")
		case <-time.After(10 * time.Second):
			t.Error("server did not shut down")
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s := out.stdout.String()
		if i := strings.Index(s, "Bearer token:"); i >= 0 && strings.Contains(s[i:], "\n") {
			for _, line := range strings.Split(s, "\n") {
				if v, ok := strings.CutPrefix(line, "SCIM base URL: "); ok {
					base = v
				}
				if v, ok := strings.CutPrefix(line, "Bearer token:"); ok {
					token = strings.TrimSpace(v)
				}
			}
			if strings.HasPrefix(token, "the one in ") {
				token = givenInTest(t, args)
			}
			require.NotEmpty(t, base)
			require.NotEmpty(t, token)
			return base, token, out
		}
		select {
		case err := <-done:
			t.Fatalf("server exited: %v\n%s", err, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("server did not print its base URL and token:\n%s", out.String())
	return "", "", nil
}

// givenInTest returns the token a test gave the server.
func givenInTest(t *testing.T, args []string) string {
	for i, a := range args {
		if a == "-token" && i+1 < len(args) {
			return args[i+1]
		}
		if a == "-token-file" && i+1 < len(args) {
			b, err := os.ReadFile(args[i+1])
			require.NoError(t, err)
			return strings.TrimSpace(string(b))
		}
	}
	return os.Getenv("SCIM_TOKEN")
}

// testToken is a host-chosen token long enough for the server.
const testToken = "s3cret-token-for-tests-0123456789abcdef"

func TestServerStartsAndAnswers(t *testing.T) {
	base, token, out := start(t, "-token", testToken)
	assert.Equal(t, testToken, token)
	req, _ := http.NewRequest("GET", base+"/Users?startIndex=1&count=2", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/scim+json", resp.Header.Get("Content-Type"))
	var list struct{ TotalResults int }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&list))
	assert.Equal(t, 0, list.TotalResults)

	require.Eventually(t, func() bool { return strings.Contains(out.log.String(), "scim request") }, 5*time.Second, 10*time.Millisecond)
	assert.NotContains(t, out.log.String(), token, "the token is never logged")
	assert.NotContains(t, out.stdout.String(), token, "a token the operator gave is never printed")
	assert.Contains(t, out.log.String(), "command line", "a token on the command line gets a warning")
}

func TestServerTokenFromEnvironment(t *testing.T) {
	t.Setenv("SCIM_TOKEN", "from-the-environment-"+strings.Repeat("e", 20))
	base, token, out := start(t)
	assert.Equal(t, "from-the-environment-"+strings.Repeat("e", 20), token)
	assert.Contains(t, out.stdout.String(), "Bearer token:  the one in $SCIM_TOKEN\n")
	assert.NotContains(t, out.String(), token, "never printed nor logged")
	assert.Equal(t, http.StatusOK, getStatus(t, base, token))
}

func TestServerTokenFromFile(t *testing.T) {
	t.Setenv("SCIM_TOKEN", "")
	path := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(path, []byte(testToken+"\n"), 0o600))
	base, token, out := start(t, "-token-file", path)
	assert.Equal(t, testToken, token)
	assert.NotContains(t, out.String(), token, "never printed nor logged")
	assert.Equal(t, http.StatusOK, getStatus(t, base, token))
}

func TestServerRandomToken(t *testing.T) {
	t.Setenv("SCIM_TOKEN", "")
	base, token, out := start(t)
	assert.True(t, strings.HasPrefix(token, "scimkit_"), token)
	assert.Greater(t, len(token), 40)
	assert.Equal(t, 1, strings.Count(out.stdout.String(), token), "a minted token is printed once")
	assert.Equal(t, http.StatusOK, getStatus(t, base, token))
	require.Eventually(t, func() bool { return strings.Contains(out.log.String(), "scim request") }, 5*time.Second, 10*time.Millisecond)
	assert.NotContains(t, out.log.String(), token, "and never logged")
}

// A weak token is refused with a message that says what to do; so is a
// token given twice.
func TestServerRefusesWeakTokens(t *testing.T) {
	t.Setenv("SCIM_TOKEN", "")
	for _, weak := range []string{"x", "short-token", strings.Repeat("a", 31), strings.Repeat("a", 20) + " " + strings.Repeat("a", 20)} {
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-token", weak}, &syncBuffer{}, &syncBuffer{})
		require.Error(t, err, "%q", weak)
		assert.Contains(t, err.Error(), "at least 32 characters")
		if len(weak) > 1 {
			assert.NotContains(t, err.Error(), weak, "the message does not repeat the token")
		}
	}
	t.Setenv("SCIM_TOKEN", "abc")
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0"}, &syncBuffer{}, &syncBuffer{})
	assert.ErrorContains(t, err, "$SCIM_TOKEN", "a weak token from the environment")
	t.Setenv("SCIM_TOKEN", testToken)
	err = run(context.Background(), []string{"-addr", "127.0.0.1:0", "-token", testToken}, &syncBuffer{}, &syncBuffer{})
	assert.ErrorContains(t, err, "one way only")
}

func getStatus(t *testing.T, base, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/Users?count=0", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// TestSeededLinking drives linking, allowed domains and managed groups end
// to end through the -seed fixture.
func TestSeededLinking(t *testing.T) {
	base, token, _ := start(t, "-seed", filepath.Join("testdata", "seed.json"))
	scimtest.Replay(t, base, token, filepath.Join("testdata", "flows", "seed_linking.json"))
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-idp", "ldap"}, {"-store", "mongodb://x"}, {"-seed", "does-not-exist.json"}, {"extra"}} {
		err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, args...), &syncBuffer{}, &syncBuffer{})
		assert.Error(t, err, "%v", args)
	}
}

// TestDurableStoresSurviveRestart seeds a server, restarts it on the same
// database and finds the users and the token again: SQLite always,
// PostgreSQL when SCIMKIT_TEST_POSTGRES names one (as in CI).
func TestDurableStoresSurviveRestart(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		testRestart(t, "sqlite:"+filepath.Join(t.TempDir(), "scim.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("SCIMKIT_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("set SCIMKIT_TEST_POSTGRES=postgres://... to run against PostgreSQL; .ci/run does this")
		}
		testRestart(t, dsn)
	})
}

func testRestart(t *testing.T, dsn string) {
	account := fmt.Sprintf("restart-%d", time.Now().UnixNano())
	get := func(base, token, path string) (int, string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}

	t.Run("first run", func(t *testing.T) {
		base, token, _ := start(t, "-store", dsn, "-account", account, "-token", "durable-token-"+account, "-seed", filepath.Join("testdata", "seed.json"))
		status, body := get(base, token, "/Users?count=0")
		require.Equal(t, http.StatusOK, status, body)
		assert.Contains(t, body, `"totalResults":4`)
	})
	t.Run("second run", func(t *testing.T) {
		base, token, _ := start(t, "-store", dsn, "-account", account, "-token", "durable-token-"+account, "-seed", filepath.Join("testdata", "seed.json"))
		status, body := get(base, token, "/Users?filter=userName%20eq%20%22ada@example.com%22")
		require.Equal(t, http.StatusOK, status, body)
		assert.Contains(t, body, `"totalResults":1`, "data survives a restart and re-seeding duplicates nothing")
		status, body = get(base, token, "/Users?count=0")
		require.Equal(t, http.StatusOK, status)
		assert.Contains(t, body, `"totalResults":4`)
	})
}

func TestAllowedDomainsFlag(t *testing.T) {
	post := func(base, token, email string) int {
		req, _ := http.NewRequest("POST", base+"/Users", strings.NewReader(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"`+email+`","emails":[{"primary":true,"type":"work","value":"`+email+`"}]}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/scim+json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	base, token, out := start(t)
	assert.Contains(t, out.String(), "any but public mail domains", "a demo host allows company domains until told otherwise")
	assert.Equal(t, http.StatusCreated, post(base, token, "new@example.com"))
	assert.Equal(t, http.StatusBadRequest, post(base, token, "new@gmail.com"), "public mail domains are refused all the same")

	base, token, out = start(t, "-allowed-domains", "example.com, example.org")
	assert.Contains(t, out.String(), "Allowed email domains: example.com, example.org")
	assert.Equal(t, http.StatusCreated, post(base, token, "new@example.com"))
	assert.Equal(t, http.StatusBadRequest, post(base, token, "new@elsewhere.net"), "once restricted, other domains are refused")

	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-allowed-domains", "gmail.com"}, &syncBuffer{}, &syncBuffer{})
	assert.Error(t, err, "a public mail domain cannot be allowed")
}

func TestAllowedDomainsReplaceTheDemoDefault(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "scim.db")
	func() {
		_, _, out := start(t, "-store", dsn, "-token", testToken)
		assert.Contains(t, out.String(), "any but public mail domains")
	}()
	_, _, out := start(t, "-store", dsn, "-token", testToken, "-allowed-domains", "example.com")
	assert.Contains(t, out.String(), "Allowed email domains: example.com\n", "named domains replace the default, not add to it")
}

func TestLocationsAreAbsolute(t *testing.T) {
	base, token, _ := start(t, "-allowed-domains", "example.com")
	req, _ := http.NewRequest("POST", base+"/Users", strings.NewReader(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com","emails":[{"primary":true,"type":"work","value":"a@example.com"}]}`))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), base+"/Users/"), resp.Header.Get("Location"))
}

func TestHelpIsNotAnError(t *testing.T) {
	var out syncBuffer
	err := run(context.Background(), []string{"-h"}, &out, &syncBuffer{})
	assert.ErrorIs(t, err, flag.ErrHelp, "main exits 0 on ErrHelp")
	assert.Contains(t, out.String(), "-allowed-domains")
}

// TestGoldenFlowsAgainstTheExampleServer replays every recorded Okta and
// Entra conversation against the example server exactly as a newcomer
// starts it (default flags, a fresh server per flow), over real HTTP.
func TestGoldenFlowsAgainstTheExampleServer(t *testing.T) {
	scimtest.ReplayFlows(t, filepath.Join("..", "..", "testdata"), func(t *testing.T, idp string) (string, string) {
		base, token, _ := start(t, "-idp", idp, "-rate", "0")
		return base, token
	})
}
