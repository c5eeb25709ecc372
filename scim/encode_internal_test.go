package scim

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMemberListEncoding: the lazy member list encodes byte for byte as
// the maps it stands for, through appendJSON, encoding/json and the
// flushing writer.
func TestMemberListEncoding(t *testing.T) {
	ids := make([]string, 5000)
	names := make([]string, len(ids))
	for i := range ids {
		ids[i] = fmt.Sprintf("id-%d/ä\"", i) // escaping in $ref and value
		names[i] = fmt.Sprintf("Name \\ %d <ü>", i)
	}
	for _, m := range []memberList{
		{ids: ids, base: "https://x.example/scim/v2/Users/"},
		{ids: ids, names: names, base: "https://x.example/scim/v2/Users/"}, // with display
	} {
		want, err := appendJSON(nil, map[string]any{"members": m.docs()})
		require.NoError(t, err)
		got, err := appendJSON(nil, map[string]any{"members": m})
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
		viaStd, err := json.Marshal(map[string]any{"members": m})
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(viaStd))

		rec := httptest.NewRecorder()
		writeJSON(rec, 200, map[string]any{"members": m})
		assert.Greater(t, rec.Body.Len(), flushAt, "large enough to be sent in pieces")
		assert.Equal(t, string(want)+"\n", rec.Body.String())
		assert.Equal(t, contentType, rec.Header().Get("Content-Type"))
	}

	empty, err := appendJSON(nil, memberList{ids: []string{}})
	require.NoError(t, err)
	assert.Equal(t, "[]", string(empty))
}
