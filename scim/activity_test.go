package scim_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/activity"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
)

func newActivityEnv(t *testing.T) (*env, *activity.Recorder) {
	t.Helper()
	var rec *activity.Recorder
	e := newEnv(t, "okta", scim.WithActivity(activityProxy{&rec}))
	var err error
	rec, err = activity.New(e.st)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rec.Close(context.Background()) })
	return e, rec
}

// activityProxy lets the env be built before the recorder (which needs
// the env's store).
type activityProxy struct{ r **activity.Recorder }

func (p activityProxy) Record(e store.ActivityEntry) { (*p.r).Record(e) }

func TestActivityRecordsOutcomes(t *testing.T) {
	e, rec := newActivityEnv(t)
	const agent = "Okta SCIM Client 1.0.0"
	status, _, body := e.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ann@example.com","emails":[{"value":"ann@example.com","primary":true}],"password":"hunter2-secret"}`, "User-Agent", agent)
	require.Equal(t, http.StatusCreated, status, body)
	status, _, _ = e.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob@gmail.com","emails":[{"value":"bob@gmail.com","primary":true}]}`, "User-Agent", agent)
	require.Equal(t, http.StatusBadRequest, status)
	for range 3 {
		status, _, _ = e.do(t, "GET", "/Users?filter=userName%20eq%20%22x%40example.com%22", "")
		require.Equal(t, http.StatusOK, status)
	}
	require.NoError(t, rec.Flush(context.Background()))

	got, err := e.st.ListActivity(context.Background(), testAccount, store.ActivityQuery{})
	require.NoError(t, err)
	var annID string
	for _, g := range got {
		if g.Status == http.StatusCreated {
			annID = g.ResourceID
		}
	}
	status, _, body = e.do(t, "PATCH", "/Users/"+annID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`)
	require.Equal(t, http.StatusOK, status, body)
	require.NoError(t, rec.Flush(context.Background()))
	patched, err := e.st.ListActivity(context.Background(), testAccount, store.ActivityQuery{Search: "ann@example.com"})
	require.NoError(t, err)
	require.Len(t, patched, 2, "the PATCH, which carries no userName, is found by the user's userName too")
	assert.Equal(t, "PATCH", patched[0].Method)

	got, err = e.st.ListActivity(context.Background(), testAccount, store.ActivityQuery{Before: patched[0].ID})
	require.NoError(t, err)
	require.Len(t, got, 3, "two writes one by one, three reads as one entry: %+v", got)
	var created, refused, reads store.ActivityEntry
	for _, g := range got {
		switch {
		case g.Method == "GET":
			reads = g
		case g.Status == http.StatusCreated:
			created = g
		default:
			refused = g
		}
	}
	assert.Equal(t, "User", created.ResourceType)
	assert.NotEmpty(t, created.ResourceID, "the created user's id")
	assert.Equal(t, "ann@example.com", created.Name)
	assert.Equal(t, agent, created.UserAgent)
	assert.Equal(t, "/Users", created.Path)
	assert.NotEmpty(t, created.TokenID)
	assert.Positive(t, int64(created.Latency))

	assert.Equal(t, "bob@gmail.com", refused.Name)
	assert.Equal(t, "invalidValue", refused.SCIMType)
	assert.Contains(t, refused.Detail, "public mail domain", "why the user did not arrive")
	assert.True(t, refused.Failed())

	assert.Equal(t, 3, reads.Count)
	assert.Equal(t, http.StatusOK, reads.Status)

	for _, g := range got {
		for _, s := range []string{g.Detail, g.Name, g.Path, g.UserAgent, g.TokenID, g.ResourceID} {
			assert.NotContains(t, s, e.token, "no token is stored")
			assert.NotContains(t, s, "hunter2", "no password is stored")
		}
	}
	used, err := e.st.TokensLastUsed(context.Background(), testAccount)
	require.NoError(t, err)
	assert.Len(t, used, 1, "the token's last use is kept")
}

func TestActivityRecordsPausedAndIgnoresUnknownTokens(t *testing.T) {
	e, rec := newActivityEnv(t)
	a, err := e.st.GetAccount(context.Background(), testAccount)
	require.NoError(t, err)
	a.ProvisioningEnabled = false
	_, err = e.st.UpdateAccount(context.Background(), a)
	require.NoError(t, err)
	status, _, _ := e.do(t, "GET", "/Users/abc", "")
	require.Equal(t, http.StatusForbidden, status)
	good := e.token
	e.token = "scimkit_not-a-real-token"
	status, _, _ = e.do(t, "GET", "/Users", "")
	require.Equal(t, http.StatusUnauthorized, status)
	e.token = good
	require.NoError(t, rec.Flush(context.Background()))
	got, err := e.st.ListActivity(context.Background(), testAccount, store.ActivityQuery{ErrorsOnly: true})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, http.StatusForbidden, got[0].Status)
	assert.Equal(t, "abc", got[0].ResourceID)
	assert.True(t, strings.Contains(got[0].Detail, "turned off"), got[0].Detail)
}
