package scim_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// ExampleWithPolicy refuses creates beyond the account's seats: the IdP
// gets a 403 SCIM error with the host's detail, and nothing is stored.
func ExampleWithPolicy() {
	ctx := context.Background()
	st := memstore.New()
	links := linking.New(st, nil)
	owner := linking.Member{ID: "m1", Role: linking.RoleOwner}
	token, err := links.EnableProvisioning(ctx, "acme", owner, "Okta")
	if err != nil {
		panic(err)
	}
	if err := links.SetAllowedDomains(ctx, "acme", owner, []string{"example.com"}); err != nil {
		panic(err)
	}

	const seats = 2
	seatLimit := func(ctx context.Context, c scim.PolicyCheck) error {
		if c.Before != nil {
			return nil // updates use no new seat
		}
		page, err := st.ListUsers(ctx, c.AccountID, store.Query{}) // Count 0: the total only
		if err != nil {
			return err // a failure, not a refusal: the IdP gets a 500
		}
		if page.Total >= seats {
			return &scim.PolicyError{Detail: fmt.Sprintf("all %d seats of this account are in use; buy more seats or unassign a user, then retry", seats)}
		}
		return nil
	}
	h, err := scim.New(links, scim.WithPolicy(seatLimit), scim.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, name := range []string{"ada", "bob", "cy"} {
		body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s@example.com",
			"emails":[{"primary":true,"value":"%s@example.com","type":"work"}]}`, name, name)
		req, _ := http.NewRequest("POST", srv.URL+"/scim/v2/Users", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/scim+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		var answer struct{ Detail string }
		_ = json.NewDecoder(resp.Body).Decode(&answer)
		resp.Body.Close()
		fmt.Println(strings.TrimSpace(fmt.Sprint(name, " ", resp.StatusCode, " ", answer.Detail)))
	}
	page, _ := st.ListUsers(ctx, "acme", store.Query{})
	fmt.Println("stored:", page.Total)
	// Output:
	// ada 201
	// bob 201
	// cy 403 all 2 seats of this account are in use; buy more seats or unassign a user, then retry
	// stored: 2
}
