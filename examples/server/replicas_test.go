package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/scimkit/scimkit/internal/pgtest"
)

// TestReplicasStartTogether starts three servers at the same moment on one
// fresh database, again and again: every one must come up (migrations and
// the account setup tolerate each other) and answer with the shared token.
func TestReplicasStartTogether(t *testing.T) {
	rounds := 6
	if testing.Short() {
		rounds = 2
	}
	t.Run("sqlite", func(t *testing.T) {
		for r := range rounds {
			startReplicas(t, 3, "sqlite:"+filepath.Join(t.TempDir(), fmt.Sprintf("r%d.db", r)))
		}
	})
	t.Run("postgres", func(t *testing.T) {
		for range rounds {
			startReplicas(t, 3, pgtest.Schema(t, "scimkit_replicas_"))
		}
	})
}

// startReplicas runs n servers on dsn at once and checks that each comes
// up and authenticates the shared token.
func startReplicas(t *testing.T, n int, dsn string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	token := "replica-token-" + strings.Repeat("x", 24)
	type result struct {
		base string
		err  error
		out  string
	}
	results := make(chan result, n)
	var servers sync.WaitGroup
	start := make(chan struct{})
	for range n {
		servers.Go(func() {
			out := &syncBuffer{}
			done := make(chan error, 1)
			go func() {
				<-start
				done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-store", dsn, "-token", token}, out, out)
			}()
			deadline := time.After(20 * time.Second)
			for {
				s := out.String()
				if i := strings.Index(s, "SCIM base URL: "); i >= 0 && strings.Contains(s[i:], "\n") {
					results <- result{base: strings.TrimSpace(strings.SplitN(s[i+len("SCIM base URL: "):], "\n", 2)[0]), out: s}
					<-done // wait for the shutdown at the end of the round
					return
				}
				select {
				case err := <-done:
					results <- result{err: fmt.Errorf("server exited: %v", err), out: out.String()}
					return
				case <-deadline:
					results <- result{err: fmt.Errorf("server did not start"), out: out.String()}
					<-done
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
		})
	}
	close(start)
	var bases []string
	for range n {
		r := <-results
		if !assert.NoError(t, r.err, "a replica failed to start on a fresh database:\n%s", r.out) {
			continue
		}
		bases = append(bases, r.base)
	}
	for _, base := range bases {
		req, _ := http.NewRequest("GET", base+"/Users?count=0", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if assert.NoError(t, err) {
			assert.Equal(t, http.StatusOK, resp.StatusCode, "the shared token works on every replica")
			resp.Body.Close()
		}
	}
	cancel()
	servers.Wait()
}
