package scim_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/scim/scimtest"
	"github.com/scimkit/scimkit/store"
)

// TestGoldenFlows replays every recorded Okta and Entra ID conversation in
// testdata/{okta,entra,generic}/flows against the handler, each on a fresh account.
func TestGoldenFlows(t *testing.T) {
	scimtest.ReplayFlows(t, filepath.Join("..", "testdata"), func(t *testing.T, idp string) (string, string) {
		e := newEnv(t, idp)
		return e.base, e.token
	})
}

// TestGoldenStateOktaLifecycle checks what the Okta lifecycle flow leaves
// in the store, beyond what the answers show.
func TestGoldenStateOktaLifecycle(t *testing.T) {
	e := newEnv(t, "okta")
	vars := scimtest.Replay(t, e.base, e.token, filepath.Join("..", "testdata", "okta", "flows", "user_lifecycle.json"))
	u, err := e.st.GetUser(context.Background(), testAccount, vars["uid"])
	require.NoError(t, err)
	assert.Equal(t, store.StateSuspended, u.State, "the flow ends with a PUT active:false")
	assert.Equal(t, "00ujl29u0le5T6Aj10h7", u.ExternalID)
	assert.True(t, u.Linked)
	assert.Equal(t, "Usher", u.Name.FamilyName)
	page, err := e.st.ListUsers(context.Background(), testAccount, store.Query{Count: 10})
	require.NoError(t, err)
	assert.Equal(t, 1, page.Total, "duplicate and re-provision POSTs must not create users")
	assert.Equal(t, []string{"Test.User@example.com"}, e.sentInvites(t), "the new user is invited once, at the address as sent")
}

// TestConcurrentPatchesWithoutIfMatch: 640 PATCHes without If-Match on one
// user at once on memstore: none answered 412, none lost. The sqlstore
// tests run the same check on SQLite and PostgreSQL.
func TestConcurrentPatchesWithoutIfMatch(t *testing.T) {
	e := newEnv(t, "okta", scim.WithRateLimit(math.Inf(1), 0))
	scimtest.ConcurrentPatches(t, e.base, e.token, createUser(t, e, "busy@example.com"), 640)
}

// TestConcurrentCreatesSameEmail: 32 creates with different userNames and
// one email at once on memstore give one user. The sqlstore tests run the
// same check on SQLite and PostgreSQL.
func TestConcurrentCreatesSameEmail(t *testing.T) {
	e := newEnv(t, "entra", scim.WithRateLimit(math.Inf(1), 0))
	scimtest.ConcurrentCreatesSameEmail(t, e.base, e.token, "same.mail@example.com", 32)
}
