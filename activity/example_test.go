package activity_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/scimkit/scimkit/activity"
	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// Record the IdP's requests and read back why one was refused.
func Example() {
	ctx := context.Background()
	st := memstore.New()
	links := linking.New(st, nil)
	owner := linking.Member{ID: "m-1", Role: linking.RoleOwner}
	_ = links.SetAllowedDomains(ctx, "acme", owner, []string{"acme.com"})
	token, _ := links.EnableProvisioning(ctx, "acme", owner, "Okta")

	rec, _ := activity.New(st)
	defer rec.Close(ctx)
	h, _ := scim.New(links, scim.WithActivity(rec), scim.WithLogger(nil))

	req := httptest.NewRequest("POST", "/Users", strings.NewReader(
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"eve@other.com","emails":[{"value":"eve@other.com","primary":true}]}`))
	req.Header.Set("Authorization", "Bearer "+token)
	h.ServeHTTP(httptest.NewRecorder(), req)

	_ = rec.Flush(ctx)
	log, _ := st.ListActivity(ctx, "acme", store.ActivityQuery{ErrorsOnly: true})
	for _, e := range log {
		fmt.Println(e.Method, e.Path, e.Name, e.Status, e.SCIMType)
		fmt.Println(strings.Contains(e.Detail, "not on this account's allowed domains"))
	}
	// Output:
	// POST /Users eve@other.com 400 invalidValue
	// true
}
