package scim_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	elimity "github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// The benchmarks compare scimkit's handler on memstore with a bare
// elimity server over an indexed map, both holding benchUsers users, in
// the same run:
//
//	go test -run '^$' -bench . -benchmem -count 5 ./scim | tee bench.txt
//
// Report them as ratios: Lookup/GetByID within a side, and each request
// scimkit/bare.
const benchUsers = 100_000

type benchFixture struct {
	h       http.Handler
	bare    http.Handler
	token   string
	userID  string // a user in the middle of the directory
	name    string // its userName
	groupID string
	ids     []string // every user's id, in creation order
}

var (
	fixtureOnce sync.Once
	fixture     benchFixture
)

func benchSetup(b *testing.B) benchFixture {
	fixtureOnce.Do(func() { fixture = newBenchFixture(benchUsers) })
	return fixture
}

// newBenchFixture builds both sides with n users each (userName
// user%06d@example.com) and one group.
func newBenchFixture(n int) benchFixture {
	var fixture benchFixture
	ctx := context.Background()
	st := memstore.New()
	if _, err := st.CreateAccount(ctx, store.Account{ID: testAccount, ProvisioningEnabled: true, AllowedDomains: []string{"example.com"}}); err != nil {
		panic(err)
	}
	secret, hash, err := linking.NewToken()
	if err != nil {
		panic(err)
	}
	if _, err := st.AddToken(ctx, testAccount, store.Token{Hash: hash}); err != nil {
		panic(err)
	}
	bare := newBareHandler()
	for i := 0; i < n; i++ {
		email := fmt.Sprintf("user%06d@example.com", i)
		u, err := st.CreateUser(ctx, testAccount, store.User{
			UserName: email, ExternalID: fmt.Sprintf("00u%06d", i), DisplayName: fmt.Sprintf("User %d", i),
			Name:   store.Name{GivenName: "User", FamilyName: fmt.Sprint(i)},
			Emails: []store.Email{{Value: email, Type: "work", Primary: true}}, Locale: "en-US",
			State: store.StateActive, Linked: true,
		})
		if err != nil {
			panic(err)
		}
		bare.add(u)
		fixture.ids = append(fixture.ids, u.ID)
		if i == n/2 {
			fixture.userID, fixture.name = u.ID, u.UserName
		}
	}
	g, err := st.CreateGroup(ctx, testAccount, store.Group{DisplayName: "Everyone", Managed: true, Linked: true}, nil)
	if err != nil {
		panic(err)
	}
	bare.addGroup(g.ID)
	h, err := scim.New(linking.New(st, nil), scim.WithRateLimit(math.Inf(1), 0), scim.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	fixture.h, fixture.bare, fixture.token, fixture.groupID = h, bare.server(), secret, g.ID
	runtime.GC() // do not bill the setup's garbage to the first benchmark
	return fixture
}

func serve(b *testing.B, h http.Handler, token, method, target, body string, want int) {
	var req *http.Request
	if body == "" {
		req = httptest.NewRequest(method, target, nil)
	} else {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/scim+json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: %d, want %d: %s", method, target, rec.Code, want, rec.Body)
	}
}

func runBoth(b *testing.B, fn func(b *testing.B, h http.Handler, f benchFixture)) {
	f := benchSetup(b)
	b.Run("scimkit", func(b *testing.B) { b.ReportAllocs(); fn(b, f.h, f) })
	b.Run("bare", func(b *testing.B) { b.ReportAllocs(); fn(b, f.bare, f) })
}

func BenchmarkGetUserByID(b *testing.B) {
	runBoth(b, func(b *testing.B, h http.Handler, f benchFixture) {
		for b.Loop() {
			serve(b, h, f.token, "GET", "/Users/"+f.userID, "", 200)
		}
	})
}

func BenchmarkLookupUserName(b *testing.B) {
	runBoth(b, func(b *testing.B, h http.Handler, f benchFixture) {
		target := "/Users?filter=userName%20eq%20%22" + f.name + "%22&startIndex=1&count=100"
		for b.Loop() {
			serve(b, h, f.token, "GET", target, "", 200)
		}
	})
}

func BenchmarkCreateUser(b *testing.B) {
	runBoth(b, func(b *testing.B, h http.Handler, f benchFixture) {
		i := 0
		prefix := fmt.Sprintf("new%d-", time.Now().UnixNano())
		for b.Loop() {
			i++
			email := fmt.Sprintf("%s%d@example.com", prefix, i)
			body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":%q,"name":{"givenName":"New","familyName":"User"},"emails":[{"primary":true,"value":%q,"type":"work"}],"displayName":"New User","locale":"en-US","externalId":"%s%d","groups":[],"password":"x","active":true}`, email, email, prefix, i)
			serve(b, h, f.token, "POST", "/Users", body, 201)
		}
	})
}

func BenchmarkDeactivatePatch(b *testing.B) {
	runBoth(b, func(b *testing.B, h http.Handler, f benchFixture) {
		active := false
		for b.Loop() {
			body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":%v}}]}`, active)
			serve(b, h, f.token, "PATCH", "/Users/"+f.userID, body, 200)
			active = !active
		}
	})
}

func BenchmarkGroupMemberAdd(b *testing.B) {
	runBoth(b, func(b *testing.B, h http.Handler, f benchFixture) {
		add := true
		for b.Loop() {
			op := `"op":"add","path":"members","value":[{"value":"` + f.userID + `"}]`
			if !add {
				op = `"op":"remove","path":"members[value eq \"` + f.userID + `\"]"`
			}
			serve(b, h, f.token, "PATCH", "/Groups/"+f.groupID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{`+op+`}]}`, 204)
			add = !add
		}
	})
}

// bareHandler is the baseline: elimity with the least a handler can do, an
// in-memory map indexed by id and userName, no auth, no mapping.
type bareHandler struct {
	mu     sync.RWMutex
	users  map[string]elimity.Resource
	byName map[string]string
	groups map[string]map[string]bool
	n      int
}

func newBareHandler() *bareHandler {
	return &bareHandler{users: map[string]elimity.Resource{}, byName: map[string]string{}, groups: map[string]map[string]bool{}}
}

func (h *bareHandler) add(u store.User) {
	now := time.Now()
	h.users[u.ID] = elimity.Resource{ID: u.ID, ExternalID: optional.NewString(u.ExternalID), Meta: elimity.Meta{Created: &now, LastModified: &now, Version: "1"},
		Attributes: elimity.ResourceAttributes{"userName": u.UserName, "displayName": u.DisplayName, "active": true,
			"name":   map[string]any{"givenName": u.Name.GivenName, "familyName": u.Name.FamilyName},
			"emails": []any{map[string]any{"value": u.UserName, "type": "work", "primary": true}}, "locale": u.Locale}}
	h.byName[strings.ToLower(u.UserName)] = u.ID
}

func (h *bareHandler) addGroup(id string) { h.groups[id] = map[string]bool{} }

func (h *bareHandler) server() http.Handler {
	srv, err := elimity.NewServer(&elimity.ServerArgs{
		ServiceProviderConfig: &elimity.ServiceProviderConfig{SupportFiltering: true, SupportPatch: true},
		ResourceTypes: []elimity.ResourceType{
			{ID: optional.NewString("User"), Name: "User", Endpoint: "/Users", Schema: schema.CoreUserSchema(), Handler: bareUsers{h}},
			{ID: optional.NewString("Group"), Name: "Group", Endpoint: "/Groups", Schema: schema.CoreGroupSchema(), Handler: bareGroups{h}},
		},
	})
	if err != nil {
		panic(err)
	}
	return srv
}

type bareUsers struct{ h *bareHandler }

func (b bareUsers) Create(r *http.Request, attrs elimity.ResourceAttributes) (elimity.Resource, error) {
	b.h.mu.Lock()
	defer b.h.mu.Unlock()
	b.h.n++
	id := fmt.Sprintf("bare-%d", b.h.n)
	res := elimity.Resource{ID: id, Attributes: attrs}
	b.h.users[id] = res
	b.h.byName[strings.ToLower(fmt.Sprint(attrs["userName"]))] = id
	return res, nil
}

func (b bareUsers) Get(r *http.Request, id string) (elimity.Resource, error) {
	b.h.mu.RLock()
	defer b.h.mu.RUnlock()
	return b.h.users[id], nil
}

func (b bareUsers) GetAll(r *http.Request, p elimity.ListRequestParams) (elimity.Page, error) {
	b.h.mu.RLock()
	defer b.h.mu.RUnlock()
	page := elimity.Page{Resources: []elimity.Resource{}}
	if p.FilterValidator != nil {
		if e, ok := p.FilterValidator.GetFilter().(*filter.AttributeExpression); ok && e.Operator == filter.EQ && strings.EqualFold(e.AttributePath.AttributeName, "userName") {
			if id, ok := b.h.byName[strings.ToLower(fmt.Sprint(e.CompareValue))]; ok {
				page.Resources = append(page.Resources, b.h.users[id])
				page.TotalResults = 1
			}
		}
	}
	return page, nil
}

func (b bareUsers) Replace(r *http.Request, id string, attrs elimity.ResourceAttributes) (elimity.Resource, error) {
	return elimity.Resource{ID: id, Attributes: attrs}, nil
}

func (b bareUsers) Delete(r *http.Request, id string) error { return nil }

func (b bareUsers) Patch(r *http.Request, id string, ops []elimity.PatchOperation) (elimity.Resource, error) {
	b.h.mu.Lock()
	defer b.h.mu.Unlock()
	res := b.h.users[id]
	attrs := make(elimity.ResourceAttributes, len(res.Attributes))
	for k, v := range res.Attributes {
		attrs[k] = v
	}
	for _, op := range ops {
		if m, ok := op.Value.(map[string]any); ok {
			for k, v := range m {
				attrs[k] = v
			}
		}
	}
	res.Attributes = attrs
	b.h.users[id] = res
	return res, nil
}

type bareGroups struct{ h *bareHandler }

func (b bareGroups) Create(r *http.Request, attrs elimity.ResourceAttributes) (elimity.Resource, error) {
	return elimity.Resource{Attributes: attrs}, nil
}
func (b bareGroups) Get(r *http.Request, id string) (elimity.Resource, error) {
	return elimity.Resource{ID: id}, nil
}
func (b bareGroups) GetAll(r *http.Request, p elimity.ListRequestParams) (elimity.Page, error) {
	return elimity.Page{}, nil
}
func (b bareGroups) Replace(r *http.Request, id string, attrs elimity.ResourceAttributes) (elimity.Resource, error) {
	return elimity.Resource{ID: id}, nil
}
func (b bareGroups) Delete(r *http.Request, id string) error { return nil }
func (b bareGroups) Patch(r *http.Request, id string, ops []elimity.PatchOperation) (elimity.Resource, error) {
	b.h.mu.Lock()
	defer b.h.mu.Unlock()
	members := b.h.groups[id]
	for _, op := range ops {
		switch op.Op {
		case "add":
			for _, v := range op.Value.([]any) {
				members[v.(map[string]any)["value"].(string)] = true
			}
		case "remove":
			for k := range members {
				delete(members, k)
			}
		}
	}
	return elimity.Resource{}, nil
}
