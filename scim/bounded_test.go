package scim_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/internal/pgtest"
	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// countingWriter is a ResponseWriter that keeps only the size of the body
// and its largest single write.
type countingWriter struct {
	h        http.Header
	status   int
	n, large int
	body     []byte
	keep     bool
}

func (c *countingWriter) Header() http.Header { return c.h }
func (c *countingWriter) WriteHeader(s int)   { c.status = s }
func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += len(p)
	c.large = max(c.large, len(p))
	if c.keep {
		c.body = append(c.body, p...)
	}
	return len(p), nil
}

// TestGroupListMemoryIsBounded lists three big groups (what made one
// request 82 MB and six of them 2 GB of heap before): the body is sent in
// pieces of well under a MiB, on every store, and on memstore (20,000
// members a group) the request allocates a small multiple of the member
// ids it reads, not a map and a string per member. The SQL stores (2,000
// members a group, to keep the test short) allocate what scanning the ids
// costs them, which the log shows.
func TestGroupListMemoryIsBounded(t *testing.T) {
	t.Run("memstore", func(t *testing.T) { testBoundedGroups(t, memstore.New(), 20_000, 64) })
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "big.db"))
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		testBoundedGroups(t, st, 2_000, 0)
	})
	t.Run("postgres", func(t *testing.T) {
		st, err := sqlstore.Open(context.Background(), pgtest.Schema(t, "scimkit_bounded_"))
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		testBoundedGroups(t, st, 2_000, 0)
	})
}

// testBoundedGroups checks three groups of members members on st; a
// non-zero perMemberLimit bounds the bytes allocated per member.
func testBoundedGroups(t *testing.T, st store.Store, members int, perMemberLimit float64) {
	const groups = 3
	ctx := context.Background()
	_, err := st.CreateAccount(ctx, store.Account{ID: testAccount, ProvisioningEnabled: true, AllowedDomains: []string{"example.com"}})
	require.NoError(t, err)
	secret, hash, err := linking.NewToken()
	require.NoError(t, err)
	_, err = st.AddToken(ctx, testAccount, store.Token{Hash: hash})
	require.NoError(t, err)
	ids := make([]string, members)
	for i := range ids {
		u, err := st.CreateUser(ctx, testAccount, store.User{UserName: fmt.Sprintf("m%d@example.com", i), State: store.StateActive})
		require.NoError(t, err)
		ids[i] = u.ID
	}
	for g := range groups {
		_, err := st.CreateGroup(ctx, testAccount, store.Group{DisplayName: fmt.Sprintf("Big %d", g), Managed: true, Linked: true}, ids)
		require.NoError(t, err)
	}
	h, err := scim.New(linking.New(st, nil), scim.WithBaseURL("https://provisioning.example.com/scim/v2"))
	require.NoError(t, err)
	get := func(target string, keep bool) *countingWriter {
		req := httptest.NewRequest("GET", target, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		w := &countingWriter{h: http.Header{}, keep: keep}
		h.ServeHTTP(w, req)
		require.Equal(t, http.StatusOK, w.status)
		return w
	}
	get("/Groups", false) // warm up

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	w := get("/Groups?startIndex=1&count=100", false)
	runtime.ReadMemStats(&after)
	perMember := float64(after.TotalAlloc-before.TotalAlloc) / float64(groups*members)
	t.Logf("GET /Groups, %d groups of %d members: %.1f MiB body, largest write %d KiB, %.0f bytes allocated per member",
		groups, members, float64(w.n)/(1<<20), w.large>>10, perMember)
	assert.Less(t, w.large, 1<<20, "the body is sent in pieces")
	if perMemberLimit > 0 {
		assert.Less(t, perMember, perMemberLimit, "allocation grows with the ids read (16 bytes a member), not with the encoded body (about 140 bytes a member; 1,400 bytes of maps and strings a member before)")
	}

	// What was sent in pieces is the whole, valid answer.
	w = get("/Groups?startIndex=1&count=100", true)
	var list struct {
		TotalResults, ItemsPerPage int
		Resources                  []struct {
			Members []struct{ Value, Ref string }
		}
	}
	require.NoError(t, json.Unmarshal(w.body, &list))
	assert.Equal(t, groups, list.TotalResults)
	assert.Equal(t, groups, list.ItemsPerPage)
	for _, g := range list.Resources {
		assert.Len(t, g.Members, members)
	}

	// A projection into the members still works (it builds the maps).
	w = get("/Groups?attributes=members.value&count=1", true)
	var one map[string]any
	require.NoError(t, json.Unmarshal(w.body, &one))
	first := one["Resources"].([]any)[0].(map[string]any)["members"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"value": ids[0]}, first)
}
