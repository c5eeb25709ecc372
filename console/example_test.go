package console_test

import (
	"net/http"

	"github.com/scimkit/scimkit/console"
	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store/memstore"
)

// Mount the console behind the host's login at /settings/provisioning/.
func Example() {
	links := linking.New(memstore.New(), nil)
	admin, err := console.New(console.Config{
		Links: links,
		Resolve: func(r *http.Request) (console.Session, error) {
			// The host's own session lookup goes here.
			c, err := r.Cookie("session")
			if err != nil || c.Value != "owner-session" {
				return console.Session{}, console.ErrNoSession
			}
			return console.Session{AccountID: "acme", Member: linking.Member{ID: "m-1", Role: linking.RoleOwner}, Name: "Olivia Owner"}, nil
		},
		SCIMBaseURL: func(*http.Request) string { return "https://app.example.com/scim/v2" },
		ProductName: "Acme",
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/settings/provisioning/", http.StripPrefix("/settings/provisioning", admin))
	_ = mux // http.ListenAndServe(addr, mux)
	// Output:
}
