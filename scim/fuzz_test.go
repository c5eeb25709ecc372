package scim_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// FuzzHandler sends arbitrary requests to a handler holding a user and a
// group, and checks what must hold for every input: no 500 (no panic, no
// unexpected internal error), and every answer with a body is SCIM JSON.
//
//	go test -run '^$' -fuzz FuzzHandler -fuzztime 60s ./scim
func FuzzHandler(f *testing.F) {
	ctx := context.Background()
	st := memstore.New()
	if _, err := st.CreateAccount(ctx, store.Account{ID: "acme", ProvisioningEnabled: true, AllowedDomains: []string{"example.com"}}); err != nil {
		f.Fatal(err)
	}
	secret, hash, err := linking.NewToken()
	if err != nil {
		f.Fatal(err)
	}
	if _, err := st.AddToken(ctx, "acme", store.Token{Hash: hash}); err != nil {
		f.Fatal(err)
	}
	u, err := st.CreateUser(ctx, "acme", store.User{UserName: "a@example.com", State: store.StateActive, Emails: []store.Email{{Value: "a@example.com", Type: "work", Primary: true}}})
	if err != nil {
		f.Fatal(err)
	}
	g, err := st.CreateGroup(ctx, "acme", store.Group{DisplayName: "Eng", Managed: true}, []string{u.ID})
	if err != nil {
		f.Fatal(err)
	}
	m, err := mapping.New(mapping.Entra())
	if err != nil {
		f.Fatal(err)
	}
	h, err := scim.New(linking.New(st, nil), scim.WithMapper(m), scim.WithMaxBodyBytes(64<<10), scim.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		f.Fatal(err)
	}

	seeds := []struct{ method, path, body string }{
		{"GET", "/Users?filter=userName%20eq%20%22a@example.com%22", ""},
		{"GET", "/Users?filter=emails[type%20eq%20%22work%22].value%20co%20%22x%22&attributes=name.givenName", ""},
		{"POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b@example.com","active":"False","emails":[{"value":"b@example.com"}]}`},
		{"PATCH", "/Users/USER", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"c@example.com"}]}`},
		{"PATCH", "/Users/USER", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"name.givenName":"A","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"B"}}]}`},
		{"PATCH", "/Groups/GROUP", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"USER\"]"},{"op":"add","path":"members","value":[{"value":"USER"}]}]}`},
		{"PUT", "/Groups/GROUP", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"X","members":[{"value":"USER"}]}`},
		{"POST", "/Users/.search", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"not (userName pr)","count":3}`},
		{"DELETE", "/Users/USER", ""},
		{"GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", ""},
	}
	ids := strings.NewReplacer("USER", u.ID, "GROUP", g.ID)
	for _, s := range seeds {
		f.Add(s.method, ids.Replace(s.path), ids.Replace(s.body))
	}
	f.Fuzz(func(t *testing.T, method, path, body string) {
		switch method {
		case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD":
		default:
			method = "GET"
		}
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest(method, "http://scim.test"+path, strings.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		req.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusNotImplemented {
			t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body)
		}
		if rec.Body.Len() > 0 {
			if ct := rec.Header().Get("Content-Type"); ct != "application/scim+json" {
				t.Fatalf("%s %s: Content-Type %q", method, path, ct)
			}
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s %s: body is not JSON: %s", method, path, rec.Body)
			}
		}
	})
}
