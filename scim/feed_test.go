package scim_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// Every write the SCIM API makes is recorded in the store's feed with the
// IdP (and the token it authenticated with) as the actor.
func TestFeedActorIsTheIdP(t *testing.T) {
	e := newEnv(t, "okta")
	ctx := context.Background()
	toks, err := e.st.ListTokens(ctx, testAccount)
	require.NoError(t, err)
	require.Len(t, toks, 1)
	evs, err := e.st.Events(ctx, testAccount, 0, 100)
	require.NoError(t, err)
	last := evs[len(evs)-1].Seq

	status, _, body := e.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"ada@example.com","name":{"givenName":"Ada","familyName":"Lovelace"},
		"emails":[{"value":"ada@example.com","primary":true}],"active":true}`)
	require.Equal(t, http.StatusCreated, status, body)

	evs, err = e.st.Events(ctx, testAccount, last, 100)
	require.NoError(t, err)
	require.NotEmpty(t, evs)
	assert.Equal(t, store.UserCreated, evs[0].Type)
	for _, ev := range evs {
		assert.Equal(t, store.Actor{Kind: store.ActorIdP, ID: toks[0].ID}, ev.Actor, "event %s", ev)
	}
}

// A group PATCH costs a fixed number of store calls, whatever the number of
// members it adds: the members-changed delta comes from UpdateGroup itself,
// not from one lookup per member (19,000 GroupsOfUser calls before).
func TestGroupPatchStoreCalls(t *testing.T) {
	const n = 19000
	ctx := context.Background()
	mem := memstore.New()
	_, err := mem.CreateAccount(ctx, store.Account{ID: testAccount, ProvisioningEnabled: true, AllowedDomains: []string{"example.com"}})
	require.NoError(t, err)
	secret, hash, err := linking.NewToken()
	require.NoError(t, err)
	_, err = mem.AddToken(ctx, testAccount, store.Token{Hash: hash})
	require.NoError(t, err)
	ids := make([]string, n)
	for i := range ids {
		u, err := mem.CreateUser(ctx, testAccount, store.User{UserName: fmt.Sprintf("u%d@example.com", i), State: store.StateActive})
		require.NoError(t, err)
		ids[i] = u.ID
	}
	g, err := mem.CreateGroup(ctx, testAccount, store.Group{DisplayName: "Everyone", Managed: true, Linked: true}, ids[:10])
	require.NoError(t, err)

	st := &counting{s: mem}
	var changed []scim.Event
	h, err := scim.New(linking.New(st, nil), scim.WithMaxBodyBytes(4<<20),
		scim.WithHook(func(_ context.Context, ev scim.Event) {
			if ev.Type == scim.GroupMembersChanged {
				changed = append(changed, ev)
			}
		}))
	require.NoError(t, err)
	var ops strings.Builder
	for i, id := range ids {
		if i > 0 {
			ops.WriteString(",")
		}
		fmt.Fprintf(&ops, `{"value":%q}`, id)
	}
	body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[` +
		ops.String() + `]}]}`
	req := httptest.NewRequest("PATCH", "/Groups/"+g.ID, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "application/scim+json")
	st.reset()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusNoContent, rec.Code, rec.Body.String())
	calls := st.reset()
	total := 0
	for _, c := range calls {
		total += c
	}
	t.Logf("store calls of a %d-member group PATCH: %d %v", n, total, calls)
	assert.Zero(t, calls["GroupsOfUser"], "no per-member lookup")
	assert.LessOrEqual(t, total, 6, "a fixed number of store calls: %v", calls)
	require.Len(t, changed, 1)
	assert.Len(t, changed[0].Added, n-10, "the hook's delta leaves out the 10 members already in")
}
