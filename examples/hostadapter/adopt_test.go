package hostadapter_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/examples/hostadapter"
	"github.com/scimkit/scimkit/scim/scimtest"
	"github.com/scimkit/scimkit/store"
)

// seedHost fills the host's tables as the product had them before SCIM:
// one org, two members (one disabled), one team with both.
func seedHost(t *testing.T, a *hostadapter.Adapter) {
	t.Helper()
	_, err := a.DB().Exec(`
		INSERT INTO orgs (id, name, created_at) VALUES ('acme', 'Acme Inc.', 1700000000000000);
		INSERT INTO members (org_id, email, full_name, role, joined_at, created_at, updated_at)
			VALUES ('acme', 'Ada@Example.com', 'Ada Lovelace', 'owner', 1700000000000000, 1700000000000000, 1700000000000000);
		INSERT INTO members (org_id, email, full_name, disabled_at, joined_at, created_at, updated_at)
			VALUES ('acme', 'grace@example.com', 'Grace Hopper', 1700000500000000, 1700000000000000, 1700000100000000, 1700000500000000);
		INSERT INTO teams (org_id, name, is_admin, created_at, updated_at) VALUES ('acme', 'Admins', 1, 1700000000000000, 1700000000000000);
		INSERT INTO team_members (team_id, member_id) VALUES (1, 1), (1, 2);`)
	require.NoError(t, err)
}

// TestAdoptHostRows: turning provisioning on for an existing org makes its
// members and teams scimkit's users and groups at once, found by the
// indexed lookups, with the host's values.
func TestAdoptHostRows(t *testing.T) {
	ctx := context.Background()
	a := open(t, fresh(t))
	seedHost(t, a)
	_, err := a.CreateAccount(ctx, store.Account{ID: "acme", ProvisioningEnabled: true, AllowedDomains: []string{"example.com"}})
	require.NoError(t, err)

	ada, err := a.UserByUserName(ctx, "acme", "ada@EXAMPLE.com")
	require.NoError(t, err)
	require.Equal(t, "Ada Lovelace", ada.DisplayName)
	require.Equal(t, store.StateActive, ada.State)
	require.Equal(t, int64(1), ada.Version)
	byEmail, err := a.UsersByEmail(ctx, "acme", "ADA@example.com")
	require.NoError(t, err)
	require.Len(t, byEmail, 1, "an adopted member is found by its email, so an IdP's user links to it")

	grace, err := a.UserByUserName(ctx, "acme", "grace@example.com")
	require.NoError(t, err)
	require.Equal(t, store.StateSuspended, grace.State, "disabled_at reads as suspended")

	admins, err := a.GroupByDisplayName(ctx, "acme", "ADMINS")
	require.NoError(t, err)
	require.True(t, admins.Privileged, "is_admin reads as Privileged")
	ms, err := a.Members(ctx, "acme", admins.ID)
	require.NoError(t, err)
	require.Equal(t, []string{ada.ID, grace.ID}, ms)

	// Reactivating through the store clears the host's disabled_at.
	grace.State = store.StateActive
	_, err = a.UpdateUser(ctx, "acme", grace)
	require.NoError(t, err)
	var disabled *int64
	require.NoError(t, a.DB().QueryRow(`SELECT disabled_at FROM members WHERE email = 'grace@example.com'`).Scan(&disabled))
	require.Nil(t, disabled)

	// The host's own switch wins: disabling in the host's table suspends.
	_, err = a.DB().Exec(`UPDATE members SET disabled_at = 1800000000000000 WHERE email = 'Ada@Example.com'`)
	require.NoError(t, err)
	ada, err = a.GetUser(ctx, "acme", ada.ID)
	require.NoError(t, err)
	require.Equal(t, store.StateSuspended, ada.State)
}

// TestIdPUserLinksToHostMember: Okta creating a user with an existing
// member's email links to that member's row instead of adding one.
func TestIdPUserLinksToHostMember(t *testing.T) {
	a := open(t, fresh(t))
	seedHost(t, a)
	base, token := scimtest.Serve(t, a, "okta") // creates the account: adoption
	body := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","active":true,
		"name":{"givenName":"Ada","familyName":"Lovelace"},"emails":[{"value":"ada@example.com","primary":true,"type":"work"}]}`
	req, err := http.NewRequest(http.MethodPost, base+"/Users", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var got struct{ ID string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Equal(t, "m1", got.ID, "the IdP's user is the host's member 1")
	var n int
	require.NoError(t, a.DB().QueryRow(`SELECT COUNT(*) FROM members`).Scan(&n))
	require.Equal(t, 2, n, "no member was added")
	u, err := a.GetUser(context.Background(), "acme", "m1")
	require.NoError(t, err)
	require.True(t, u.Linked)
}
