package scim_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
)

func TestRateLimitAnswers429WithIntegerRetryAfter(t *testing.T) {
	e := newEnv(t, "okta", scim.WithRateLimit(0.1, 2)) // 1 per 10 s, burst 2
	for i := 0; i < 2; i++ {
		status, _, body := e.do(t, "GET", "/Users", "")
		require.Equal(t, http.StatusOK, status, body)
	}
	status, h, body := e.do(t, "GET", "/Users", "")
	require.Equal(t, http.StatusTooManyRequests, status)
	scimError(t, status, h, body)
	secs, err := strconv.Atoi(h.Get("Retry-After"))
	require.NoError(t, err, "Retry-After must be an integer number of seconds (Okta waits 5 minutes otherwise)")
	assert.True(t, secs >= 1 && secs <= 10, "Retry-After %d", secs)
}

func TestRateLimitIsPerAccount(t *testing.T) {
	e := newEnv(t, "okta", scim.WithRateLimit(0.1, 1))
	ctx := context.Background()
	_, err := e.st.CreateAccount(ctx, store.Account{ID: "other", ProvisioningEnabled: true})
	require.NoError(t, err)
	secret, hash, err := linking.NewToken()
	require.NoError(t, err)
	_, err = e.st.AddToken(ctx, "other", store.Token{Hash: hash})
	require.NoError(t, err)

	status, _, _ := e.do(t, "GET", "/Users", "")
	require.Equal(t, http.StatusOK, status)
	status, _, _ = e.do(t, "GET", "/Users", "")
	require.Equal(t, http.StatusTooManyRequests, status)
	status, _, _ = e.do(t, "GET", "/Users", "", "Authorization", "Bearer "+secret)
	assert.Equal(t, http.StatusOK, status, "another account has its own bucket")
}

func TestSyncSwitchOffRefusesAndChangesNothing(t *testing.T) {
	e := newEnv(t, "okta")
	uid := createUser(t, e, "a@example.com")
	ctx := context.Background()
	owner := linking.Member{ID: "admin", Role: linking.RoleOwner}
	// Through the linking.Service the handler is built on: at once,
	// although the token is cached.
	require.NoError(t, e.links.DisableProvisioning(ctx, testAccount, owner))

	before := e.snapshot(t)
	for _, req := range [][3]string{
		{"GET", "/Users", ""},
		{"GET", "/Users/" + uid, ""},
		{"POST", "/Users", fmt.Sprintf(oktaUser, "b@example.com", "b@example.com", "b")},
		{"PATCH", "/Users/" + uid, patchBody(`{"op":"replace","value":{"active":false}}`)},
		{"DELETE", "/Users/" + uid, ""},
	} {
		status, h, body := e.do(t, req[0], req[1], req[2])
		require.Equal(t, http.StatusForbidden, status, "%s %s: %s", req[0], req[1], body)
		_, detail := scimError(t, status, h, body)
		assert.Contains(t, detail, "turned off")
	}
	assert.Equal(t, before, e.snapshot(t))

	status, _, _ := e.do(t, "GET", "/ServiceProviderConfig", "")
	assert.Equal(t, http.StatusOK, status, "discovery still answers while sync is off")

	_, err := e.links.EnableProvisioning(ctx, testAccount, owner, "again")
	require.NoError(t, err)
	status, _, _ = e.do(t, "GET", "/Users/"+uid, "")
	assert.Equal(t, http.StatusOK, status, "turning sync back on resumes")
}

// faultyStore fails or panics on GetUser, to exercise the error paths.
type faultyStore struct {
	store.Store
	panicking bool
}

func (f faultyStore) GetUser(ctx context.Context, account, id string) (store.User, error) {
	if f.panicking {
		panic("boom: secret internal state")
	}
	return store.User{}, errors.New("dial tcp 10.0.0.5:5432: password=hunter2 refused")
}

func TestInternalErrorsAndPanicsDoNotLeak(t *testing.T) {
	for _, panicking := range []bool{false, true} {
		t.Run(fmt.Sprintf("panic=%v", panicking), func(t *testing.T) {
			base := newEnv(t, "okta")
			h, err := scim.New(linking.New(faultyStore{Store: base.st, panicking: panicking}, nil), scim.WithLogger(slog.New(slog.DiscardHandler)))
			require.NoError(t, err)
			base.srv.Config.Handler = http.StripPrefix("/scim/v2", h)
			status, hdr, body := base.do(t, "GET", "/Users/123", "")
			require.Equal(t, http.StatusInternalServerError, status)
			scimError(t, status, hdr, body)
			assert.NotContains(t, body, "hunter2")
			assert.NotContains(t, body, "boom")
			// the server survives
			status, _, _ = base.do(t, "GET", "/Users", "")
			assert.Equal(t, http.StatusOK, status)
		})
	}
}

func TestETagAndIfMatch(t *testing.T) {
	e := newEnv(t, "okta")
	uid := createUser(t, e, "a@example.com")
	status, h, body := e.do(t, "GET", "/Users/"+uid, "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, `W/"1"`, h.Get("ETag"))
	var res struct{ Meta struct{ Version string } }
	require.NoError(t, json.Unmarshal([]byte(body), &res))
	assert.Equal(t, `W/"1"`, res.Meta.Version, "meta.version and the ETag agree")

	status, h, body = e.do(t, "PATCH", "/Users/"+uid, patchBody(`{"op":"replace","path":"displayName","value":"X"}`), "If-Match", `W/"1"`)
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, `W/"2"`, h.Get("ETag"))

	status, _, _ = e.do(t, "PATCH", "/Users/"+uid, patchBody(`{"op":"replace","path":"displayName","value":"Y"}`), "If-Match", `W/"1"`)
	assert.Equal(t, http.StatusPreconditionFailed, status, "a stale If-Match is refused")

	status, _, _ = e.do(t, "PATCH", "/Users/"+uid, patchBody(`{"op":"replace","path":"displayName","value":"Y"}`), "If-Match", `*`)
	assert.Equal(t, http.StatusOK, status, "If-Match: * matches any version")

	status, _, _ = e.do(t, "DELETE", "/Users/"+uid, "", "If-Match", `"3"`)
	assert.Equal(t, http.StatusNoContent, status, "strong and weak forms of the current tag both match")
}

func TestAttributesAndExcludedAttributes(t *testing.T) {
	e := newEnv(t, "okta")
	uid := createUser(t, e, "a@example.com")
	createGroup(t, e, "Eng", uid)

	_, _, body := e.do(t, "GET", "/Users/"+uid+"?attributes=userName,name.givenName", "")
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &m))
	assert.Equal(t, "a@example.com", m["userName"])
	assert.Equal(t, map[string]any{"givenName": "A"}, m["name"])
	assert.Equal(t, uid, m["id"], "id is always returned")
	assert.NotContains(t, m, "emails")
	assert.NotContains(t, m, "displayName")

	_, _, body = e.do(t, "GET", "/Users?excludedAttributes=emails,groups", "")
	var list struct{ Resources []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(body), &list))
	require.Len(t, list.Resources, 1)
	assert.NotContains(t, list.Resources[0], "emails")
	assert.Contains(t, list.Resources[0], "userName")

	_, _, body = e.do(t, "GET", "/Groups?attributes=displayName", "")
	require.NoError(t, json.Unmarshal([]byte(body), &list))
	require.Len(t, list.Resources, 1)
	assert.NotContains(t, list.Resources[0], "members")
	assert.Equal(t, "Eng", list.Resources[0]["displayName"])
}

func TestServiceProviderConfigTellsTheTruth(t *testing.T) {
	e := newEnv(t, "okta", scim.WithMaxResults(150))
	status, h, body := e.do(t, "GET", "/ServiceProviderConfig", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "application/scim+json", h.Get("Content-Type"))
	var spc struct {
		Patch, Bulk, Sort, ChangePassword struct{ Supported bool }
		Etag                              struct{ Supported bool }
		Filter                            struct {
			Supported  bool
			MaxResults int
		}
		AuthenticationSchemes []struct{ Type string }
	}
	require.NoError(t, json.Unmarshal([]byte(body), &spc))
	assert.True(t, spc.Patch.Supported)
	assert.True(t, spc.Etag.Supported, "If-Match is enforced, so ETags are supported")
	assert.True(t, spc.Filter.Supported)
	assert.Equal(t, 150, spc.Filter.MaxResults)
	assert.False(t, spc.Bulk.Supported)
	assert.False(t, spc.Sort.Supported)
	require.Len(t, spc.AuthenticationSchemes, 1)
	assert.Equal(t, "oauthbearertoken", spc.AuthenticationSchemes[0].Type)

	for _, p := range []string{"/Schemas", "/ResourceTypes", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User"} {
		status, h, _ := e.do(t, "GET", p, "")
		assert.Equal(t, http.StatusOK, status, p)
		assert.Equal(t, "application/scim+json", h.Get("Content-Type"), p)
	}
}

func TestCountIsClampedToMaxResults(t *testing.T) {
	e := newEnv(t, "okta", scim.WithMaxResults(2))
	for _, u := range []string{"a", "b", "c"} {
		createUser(t, e, u+"@example.com")
	}
	_, _, body := e.do(t, "GET", "/Users?count=100", "")
	var list struct {
		TotalResults, ItemsPerPage int
		Resources                  []any
	}
	require.NoError(t, json.Unmarshal([]byte(body), &list))
	assert.Equal(t, 3, list.TotalResults)
	assert.Equal(t, 2, list.ItemsPerPage)
	assert.Len(t, list.Resources, 2)
}

func TestSearchEndpoint(t *testing.T) {
	e := newEnv(t, "okta")
	createUser(t, e, "a@example.com")
	uid := createUser(t, e, "b@example.com")
	status, _, body := e.do(t, "POST", "/Users/.search", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"externalId eq \"ext-b@example.com\"","attributes":["userName"]}`)
	require.Equal(t, http.StatusOK, status, body)
	var list struct {
		TotalResults int
		Resources    []map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(body), &list))
	require.Equal(t, 1, list.TotalResults, "externalId eq works in .search (the protocol library's own validator refuses it)")
	assert.Equal(t, uid, list.Resources[0]["id"])
	assert.NotContains(t, list.Resources[0], "emails")
}

func TestHooksSeeTheLifecycle(t *testing.T) {
	e := newEnv(t, "okta")
	uid := createUser(t, e, "a@example.com")
	e.do(t, "PATCH", "/Users/"+uid, patchBody(`{"op":"replace","value":{"active":false}}`))
	e.do(t, "PATCH", "/Users/"+uid, patchBody(`{"op":"replace","value":{"active":true}}`))
	e.do(t, "PATCH", "/Users/"+uid, patchBody(`{"op":"replace","path":"displayName","value":"New"}`))
	gid := createGroup(t, e, "Eng")
	e.do(t, "PATCH", "/Groups/"+gid, patchBody(`{"op":"add","path":"members","value":[{"value":"`+uid+`"}]}`))
	e.do(t, "PATCH", "/Groups/"+gid, patchBody(`{"op":"replace","path":"displayName","value":"Engineering"}`))
	e.do(t, "DELETE", "/Groups/"+gid, "")
	e.do(t, "DELETE", "/Users/"+uid, "")

	var types []scim.EventType
	for _, ev := range e.events {
		types = append(types, ev.Type)
		assert.Equal(t, testAccount, ev.AccountID)
	}
	assert.Equal(t, []scim.EventType{
		scim.UserCreated, scim.UserSuspended, scim.UserReactivated, scim.UserUpdated,
		scim.GroupCreated, scim.GroupMembersChanged, scim.GroupRenamed, scim.GroupDeleted, scim.UserDeleted,
	}, types)
}

// TestSeveralHooks: every WithHook adds an observer, called in order; a
// panicking one neither fails the request nor stops the others.
func TestSeveralHooks(t *testing.T) {
	var (
		mu    sync.Mutex
		calls []string
	)
	record := func(name string) func(context.Context, scim.Event) {
		return func(_ context.Context, ev scim.Event) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, name+":"+string(ev.Type))
		}
	}
	e := newEnv(t, "okta", scim.WithHook(record("first")),
		scim.WithHook(func(context.Context, scim.Event) { panic("host bug") }),
		scim.WithHook(record("third")), scim.WithHook(nil))
	status, _, body := e.do(t, "POST", "/Users", fmt.Sprintf(oktaUser, "a@example.com", "a@example.com", "x"))
	assert.Equal(t, http.StatusCreated, status, body)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"first:user.created", "third:user.created"}, calls)
	assert.Len(t, e.events, 1, "the env's own hook (given first) saw it too")
}

func TestPatchRemoveClearsMappedFields(t *testing.T) {
	e := newEnv(t, "entra")
	status, _, body := e.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"userName":"a@example.com","title":"Engineer","emails":[{"primary":true,"type":"work","value":"a@example.com"}],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D","employeeNumber":"7"}}`)
	require.Equal(t, http.StatusCreated, status, body)
	var u struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(body), &u))

	status, _, body = e.do(t, "PATCH", "/Users/"+u.ID, patchBody(`{"op":"Remove","path":"title"},{"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"}`))
	require.Equal(t, http.StatusOK, status, body)
	stored, err := e.st.GetUser(context.Background(), testAccount, u.ID)
	require.NoError(t, err)
	assert.Empty(t, stored.Title)
	assert.Empty(t, stored.Enterprise.Department)
	assert.Equal(t, "7", stored.Enterprise.EmployeeNumber, "what was not removed stays")
}

func TestConcurrentMemberAddsAreAllKept(t *testing.T) {
	e := newEnv(t, "okta", scim.WithRateLimit(math.Inf(1), 0))
	const n = 16
	ids := make([]string, n)
	for i := range ids {
		ids[i] = createUser(t, e, fmt.Sprintf("u%d@example.com", i))
	}
	gid := createGroup(t, e, "Eng")
	errs := make(chan error, n)
	for _, id := range ids {
		go func() {
			status, _, body := e.do(t, "PATCH", "/Groups/"+gid, patchBody(`{"op":"add","path":"members","value":[{"value":"`+id+`"}]}`))
			if status != http.StatusNoContent {
				errs <- fmt.Errorf("%d: %s", status, body)
				return
			}
			errs <- nil
		}()
	}
	for range ids {
		require.NoError(t, <-errs)
	}
	members, err := e.st.Members(context.Background(), testAccount, gid)
	require.NoError(t, err)
	assert.ElementsMatch(t, ids, members, "no membership is lost under concurrent PATCHes")
}

func TestConcurrentUserPatchesLoseNothing(t *testing.T) {
	e := newEnv(t, "entra", scim.WithRateLimit(math.Inf(1), 0))
	uid := createUser(t, e, "a@example.com")
	fields := []string{"title", "nickName", "displayName", "preferredLanguage"}
	errs := make(chan error, len(fields))
	for _, f := range fields {
		go func() {
			status, _, body := e.do(t, "PATCH", "/Users/"+uid, patchBody(`{"op":"replace","path":"`+f+`","value":"v-`+f+`"}`))
			if status != http.StatusOK {
				errs <- fmt.Errorf("%s: %d %s", f, status, body)
				return
			}
			errs <- nil
		}()
	}
	for range fields {
		require.NoError(t, <-errs)
	}
	_, _, body := e.do(t, "GET", "/Users/"+uid, "")
	var u map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &u))
	for _, f := range fields {
		if f == "nickName" {
			continue // not mapped by the Entra preset: ignored, not lost
		}
		assert.Equal(t, "v-"+f, u[f], "concurrent PATCHes of different attributes must all land (retry on version conflict)")
	}
}

func TestUserListIncludesGroupsOnlyOnRequest(t *testing.T) {
	e := newEnv(t, "okta")
	uid := createUser(t, e, "a@example.com")
	gid := createGroup(t, e, "Eng", uid)
	var list struct{ Resources []map[string]any }
	_, _, body := e.do(t, "GET", "/Users", "")
	require.NoError(t, json.Unmarshal([]byte(body), &list))
	assert.NotContains(t, list.Resources[0], "groups")
	_, _, body = e.do(t, "GET", "/Users?attributes=userName,groups", "")
	require.NoError(t, json.Unmarshal([]byte(body), &list))
	require.Contains(t, list.Resources[0], "groups")
	assert.Equal(t, gid, list.Resources[0]["groups"].([]any)[0].(map[string]any)["value"])
}

func TestTrailingSlashAndHead(t *testing.T) {
	e := newEnv(t, "okta")
	uid := createUser(t, e, "a@example.com")
	status, _, body := e.do(t, "GET", "/Users/"+uid+"/", "")
	assert.Equal(t, http.StatusOK, status, body)
	status, _, body = e.do(t, "PATCH", "/Users/"+uid+"/", patchBody(`{"op":"replace","path":"displayName","value":"X"}`))
	assert.Equal(t, http.StatusOK, status, body)
	status, _, body = e.do(t, "POST", "/Users/", fmt.Sprintf(oktaUser, "b@example.com", "b@example.com", "b"))
	assert.Equal(t, http.StatusCreated, status, body)

	status, h, body := e.do(t, "HEAD", "/Users/"+uid, "")
	assert.Equal(t, http.StatusOK, status)
	assert.Empty(t, body)
	assert.Equal(t, `W/"2"`, h.Get("ETag"))
}

func TestEmptyFilterIsRefused(t *testing.T) {
	e := newEnv(t, "okta")
	createUser(t, e, "a@example.com")
	for _, q := range []string{"?filter=", "?filter=%20"} {
		status, h, body := e.do(t, "GET", "/Users"+q, "")
		require.Equal(t, http.StatusBadRequest, status, "an empty filter must not list everything")
		scimType, _ := scimError(t, status, h, body)
		assert.Equal(t, "invalidFilter", scimType)
	}
}

func TestBadRateLimitOptionsAreRefused(t *testing.T) {
	st := newEnv(t, "okta").st
	for _, o := range []scim.Option{scim.WithRateLimit(10, 0), scim.WithRateLimit(0, 1), scim.WithRateLimit(-1, 5)} {
		_, err := scim.New(linking.New(st, nil), o, scim.WithLogger(slog.New(slog.DiscardHandler)))
		assert.Error(t, err)
	}
	_, err := scim.New(linking.New(st, nil), scim.WithRateLimit(math.Inf(1), 0), scim.WithLogger(slog.New(slog.DiscardHandler)))
	assert.NoError(t, err, "math.Inf(1) turns limiting off")
}

func TestProjectionOnSingleResources(t *testing.T) {
	e := newEnv(t, "entra")
	status, _, body := e.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"userName":"a@example.com","externalId":"x1","emails":[{"primary":true,"type":"work","value":"a@example.com"}],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D"}}`)
	require.Equal(t, http.StatusCreated, status, body)
	var u struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(body), &u))
	const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

	get := func(q string) map[string]any {
		_, _, body := e.do(t, "GET", "/Users/"+u.ID+q, "")
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(body), &m))
		return m
	}
	m := get("?attributes=userName")
	assert.ElementsMatch(t, []string{"id", "schemas", "userName"}, keys(m), "only what was asked for, plus id and schemas")
	m = get("?excludedAttributes=meta,externalId")
	assert.NotContains(t, m, "meta")
	assert.NotContains(t, m, "externalId")
	m = get("?attributes=" + ent)
	assert.Equal(t, map[string]any{"department": "R&D"}, m[ent], "a bare extension URN selects the whole extension")
	m = get("?excludedAttributes=" + ent)
	assert.NotContains(t, m, ent)
	m = get("?attributes=" + ent + ":department")
	assert.Equal(t, map[string]any{"department": "R&D"}, m[ent])
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestEmailChangeToAnotherUsersEmailIsRefused(t *testing.T) {
	e := newEnv(t, "okta")
	a := createUser(t, e, "a@example.com")
	createUser(t, e, "b@example.com")
	before := e.snapshot(t)
	status, h, body := e.do(t, "PATCH", "/Users/"+a, patchBody(`{"op":"replace","path":"emails[type eq \"work\"].value","value":"B@example.com"}`))
	require.Equal(t, http.StatusConflict, status, body)
	scimType, _ := scimError(t, status, h, body)
	assert.Equal(t, "uniqueness", scimType)
	assert.Equal(t, before, e.snapshot(t))
}

func TestNoOpPatchKeepsTheVersion(t *testing.T) {
	e := newEnv(t, "okta")
	uid := createUser(t, e, "a@example.com")
	for _, ops := range []string{
		`{"op":"replace","path":"displayName","value":"A B"}`, // composed displayName: already "A B"
		`{"op":"replace","path":"nickName","value":"unmapped in the Okta preset"}`,
		`{"op":"replace","value":{"active":true}}`,
	} {
		status, h, body := e.do(t, "PATCH", "/Users/"+uid, patchBody(ops))
		require.Equal(t, http.StatusOK, status, body)
		assert.Equal(t, `W/"1"`, h.Get("ETag"), "%s changes nothing the host keeps", ops)
	}
}

func TestDeactivatedCreateIsNotInvitedUntilReactivated(t *testing.T) {
	e := newEnv(t, "entra")
	status, _, body := e.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"pre.hire@example.com","active":"False","emails":[{"primary":true,"type":"work","value":"pre.hire@example.com"}]}`)
	require.Equal(t, http.StatusCreated, status, body)
	var u struct {
		ID     string
		Active bool
	}
	require.NoError(t, json.Unmarshal([]byte(body), &u))
	assert.False(t, u.Active)
	assert.Empty(t, e.sentInvites(t), "a user the IdP created disabled gets no invite")
	var types []scim.EventType
	for _, ev := range e.events {
		types = append(types, ev.Type)
	}
	assert.Equal(t, []scim.EventType{scim.UserCreated, scim.UserSuspended}, types)

	status, _, body = e.do(t, "PATCH", "/Users/"+u.ID, patchBody(`{"op":"Replace","path":"active","value":"True"}`))
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `"active":true`)
	assert.Equal(t, []string{"pre.hire@example.com"}, e.sentInvites(t), "enabling the user sends the invite, once")
	stored, err := e.st.GetUser(context.Background(), testAccount, u.ID)
	require.NoError(t, err)
	assert.Equal(t, store.StateInvited, stored.State)
	assert.False(t, stored.InvitedAt.IsZero())
}

func TestDiscoveryLists(t *testing.T) {
	e := newEnv(t, "okta")
	for _, p := range []string{"/Schemas", "/ResourceTypes"} {
		status, _, body := e.do(t, "GET", p, "")
		require.Equal(t, http.StatusOK, status, body)
		var list struct {
			TotalResults, ItemsPerPage, StartIndex int
			Resources                              []struct {
				ID   string
				Meta struct{ ResourceType, Location string }
			}
		}
		require.NoError(t, json.Unmarshal([]byte(body), &list))
		require.NotEmpty(t, list.Resources, p)
		assert.Equal(t, len(list.Resources), list.ItemsPerPage, "%s: itemsPerPage is the number returned", p)
		assert.Equal(t, list.TotalResults, len(list.Resources))
		assert.Equal(t, 1, list.StartIndex)
		for _, r := range list.Resources {
			assert.NotEmpty(t, r.Meta.ResourceType, "%s %s has meta", p, r.ID)
			assert.Contains(t, r.Meta.Location, r.ID)
		}
		status, h, body := e.do(t, "GET", p+"?filter=id%20eq%20%22x%22", "")
		require.Equal(t, http.StatusForbidden, status, "RFC 7644 section 4: filters on discovery endpoints are refused")
		scimError(t, status, h, body)
	}
	status, _, body := e.do(t, "GET", "/ResourceTypes/User", "")
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `"location":"ResourceTypes/User"`)
	assert.NotContains(t, body, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
		"the Okta preset maps no enterprise attribute, so the extension is not offered")
	entra := newEnv(t, "entra")
	status, _, body = entra.do(t, "GET", "/ResourceTypes/User", "")
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
}

func TestMembersChangedReportsRealChanges(t *testing.T) {
	e := newEnv(t, "okta")
	a, b, c := createUser(t, e, "a@example.com"), createUser(t, e, "b@example.com"), createUser(t, e, "c@example.com")
	gid := createGroup(t, e, "Eng", a)
	last := func() []scim.Event {
		e.mu.Lock()
		defer e.mu.Unlock()
		out := e.events
		e.events = nil
		return out
	}
	last()
	e.do(t, "PATCH", "/Groups/"+gid, patchBody(`{"op":"add","path":"members","value":[{"value":"`+a+`"},{"value":"`+b+`"}]},{"op":"remove","path":"members[value eq \"`+c+`\"]"}`))
	evs := last()
	require.Len(t, evs, 1)
	assert.Equal(t, []string{b}, evs[0].Added, "a was already a member")
	assert.Empty(t, evs[0].Removed, "c was never a member")

	e.do(t, "PATCH", "/Groups/"+gid, patchBody(`{"op":"add","path":"members","value":[{"value":"`+a+`"}]}`))
	assert.Empty(t, last(), "a PATCH that changes no membership emits nothing")

	e.do(t, "PATCH", "/Groups/"+gid, patchBody(`{"op":"replace","path":"members","value":[{"value":"`+b+`"},{"value":"`+c+`"}]}`))
	evs = last()
	require.Len(t, evs, 1)
	assert.Equal(t, []string{c}, evs[0].Added)
	assert.Equal(t, []string{a}, evs[0].Removed)
	assert.True(t, evs[0].Replaced)
}

// TestCustomExtensionEndToEnd: Okta custom attributes declared in a
// mapping extension are published on /Schemas, validated, stored in Extra,
// returned, patchable and filterable by nothing they should not be.
func TestCustomExtensionEndToEnd(t *testing.T) {
	const urn = "urn:ietf:params:scim:schemas:extension:acme:2.0:User"
	table := mapping.Okta()
	table.AddExtension(mapping.Extension{URN: urn, Name: "AcmeUser", Description: "Acme custom attributes", Attributes: []mapping.ExtensionAttribute{
		{Name: "badge", Type: mapping.TypeString},
		{Name: "contractor", Type: mapping.TypeBoolean},
	}})
	m, err := mapping.New(table)
	require.NoError(t, err)
	e := newEnv(t, "okta", scim.WithMapper(m))

	status, _, body := e.do(t, "GET", "/Schemas/"+urn, "")
	require.Equal(t, http.StatusOK, status, "the custom extension is published: %s", body)
	assert.Contains(t, body, `"badge"`)

	status, _, body = e.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","`+urn+`"],
		"userName":"a@example.com","emails":[{"primary":true,"type":"work","value":"a@example.com"}],
		"`+urn+`":{"badge":"B-7","contractor":"True"}}`)
	require.Equal(t, http.StatusCreated, status, body)
	var res map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &res))
	assert.Equal(t, map[string]any{"badge": "B-7", "contractor": true}, res[urn], "custom attributes come back, string booleans normalised")
	assert.Contains(t, res["schemas"], urn)

	stored, err := e.st.GetUser(context.Background(), testAccount, res["id"].(string))
	require.NoError(t, err)
	assert.Equal(t, "B-7", stored.Extra["badge"], "kept in the host user, not dropped")

	status, _, body = e.do(t, "PATCH", "/Users/"+stored.ID, patchBody(`{"op":"replace","path":"`+urn+`:badge","value":"B-8"}`))
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `"badge":"B-8"`)

	status, h, body := e.do(t, "PATCH", "/Users/"+stored.ID, patchBody(`{"op":"replace","path":"`+urn+`:contractor","value":"sometimes"}`))
	require.Equal(t, http.StatusBadRequest, status, body)
	scimError(t, status, h, body)
}

func TestUnstorableIDsAreNotFound(t *testing.T) {
	e := newEnv(t, "okta")
	for _, id := range []string{"%FF", "a%00b"} {
		for _, m := range []string{"GET", "DELETE"} {
			status, h, body := e.do(t, m, "/Users/"+id, "")
			require.Equal(t, http.StatusNotFound, status, body)
			scimError(t, status, h, body)
		}
	}
}

func TestMountedWithoutStripPrefix(t *testing.T) {
	e := newEnv(t, "okta")
	e.srv.Config.Handler = e.h // the host forgot http.StripPrefix
	req, _ := http.NewRequest("GET", e.srv.URL+"/scim/v2/Users", nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	var body struct{ Detail string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	assert.Contains(t, body.Detail, `http.StripPrefix("/scim/v2", handler)`)
}

func TestEndpointNamesInAnyCase(t *testing.T) {
	e := newEnv(t, "okta")
	uid := createUser(t, e, "a@example.com")
	for _, p := range []string{"/users", "/users/" + uid, "/USERS/" + uid + "/"} {
		status, _, body := e.do(t, "GET", p, "")
		assert.Equal(t, http.StatusOK, status, "%s: %s", p, body)
	}
	status, _, body := e.do(t, "PATCH", "/users/"+uid, patchBody(`{"op":"replace","path":"displayName","value":"X"}`))
	assert.Equal(t, http.StatusOK, status, body)
}
