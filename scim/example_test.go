package scim_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// Example mounts the handler, turns provisioning on for an account the way
// an admin would, and sends what Okta sends first: a lookup, then a
// create.
func Example() {
	ctx := context.Background()
	st := memstore.New()
	links := linking.New(st, printMailer{}) // your invite mailer

	// The admin turns provisioning on and gets the token to paste into Okta.
	owner := linking.Member{ID: "m1", Role: linking.RoleOwner}
	token, err := links.EnableProvisioning(ctx, "acme", owner, "Okta")
	if err != nil {
		panic(err)
	}
	if err := links.SetAllowedDomains(ctx, "acme", owner, []string{"example.com"}); err != nil {
		panic(err)
	}

	h, err := scim.New(links)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	send := func(method, path, body string) {
		req, _ := http.NewRequest(method, srv.URL+"/scim/v2"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/scim+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"), len(b) > 0)
	}
	send("GET", `/Users?filter=userName%20eq%20%22ada@example.com%22&startIndex=1&count=100`, "")
	send("POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"ada@example.com","name":{"givenName":"Ada","familyName":"Lovelace"},
		"emails":[{"primary":true,"value":"ada@example.com","type":"work"}],"active":true}`)
	send("POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"eve@gmail.com","emails":[{"primary":true,"value":"eve@gmail.com","type":"work"}]}`)

	// The invite was stored with Ada; the host's notifier runner sends it
	// from the change feed (go links.RunNotifier(ctx, time.Minute) in a
	// real host; one pass here).
	if _, err := links.DeliverPending(ctx); err != nil {
		panic(err)
	}
	// Output:
	// 200 application/scim+json true
	// 201 application/scim+json true
	// 400 application/scim+json true
	// invite ada@example.com
}

// printMailer is a linking.Notifier that prints what it would send.
type printMailer struct{}

func (printMailer) SendInvite(_ context.Context, _ string, u store.User) error {
	fmt.Println("invite", u.PrimaryEmail())
	return nil
}

func (printMailer) SendReminder(_ context.Context, _ string, u store.User) error {
	fmt.Println("remind", u.PrimaryEmail())
	return nil
}
