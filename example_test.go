package scimkit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"

	"github.com/scimkit/scimkit/feed"
	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// mailer sends the host's invite emails.
type mailer struct{}

func (mailer) SendInvite(_ context.Context, _ string, u store.User) error {
	fmt.Println("invite", u.PrimaryEmail())
	return nil
}

func (mailer) SendReminder(context.Context, string, store.User) error { return nil }

// member is a row of the host's own user table, which it had long before
// it offered SCIM.
type member struct {
	hostID, email, name string
	disabled            bool
	sessions            int
	scimID              string // the store id ImportUsers returned
}

// Example_existingUserTable integrates a host whose users live in its own
// table: the users are imported into scimkit's store once (keyed by email,
// idempotent), the IdP's changes come back to the host's table through the
// change feed (in order, at least once, across crashes and replicas), and
// the host's own changes go through linking so that the feed is complete.
func Example_existingUserTable() {
	ctx := context.Background()
	n := 0
	st := memstore.New(memstore.WithIDs(func() string { n++; return fmt.Sprintf("id%d", n) }))
	links := linking.New(st, mailer{}) // sends invites from the feed too
	admin := linking.Member{ID: "owner-1", Role: linking.RoleOwner}
	token, _ := links.EnableProvisioning(ctx, "acme", admin, "Okta")
	_ = links.SetAllowedDomains(ctx, "acme", admin, []string{"acme.com"})

	// The host's table.
	table := map[string]*member{
		"h-ada": {hostID: "h-ada", email: "ada@acme.com", name: "Ada", sessions: 2},
		"h-bob": {hostID: "h-bob", email: "bob@acme.com", name: "Bob", sessions: 1},
	}
	byScimID := map[string]*member{}

	// 1. Import the existing members (run it again any time: it upserts).
	hostIDs := []string{"h-ada", "h-bob"}
	var users []store.User
	for _, id := range hostIDs {
		m := table[id]
		users = append(users, store.User{UserName: m.email, DisplayName: m.name,
			Emails: []store.Email{{Value: m.email, Type: "work", Primary: true}}})
	}
	results, _ := links.ImportUsers(ctx, "acme", users)
	for i, r := range results {
		m := table[hostIDs[i]]
		m.scimID = r.ID // keep the mapping next to the host's own id
		byScimID[r.ID] = m
		fmt.Println("imported", m.email, r.Outcome)
	}

	// 2. Apply what the IdP does to the host's table. A real host runs
	// feed.Run(ctx, st, "host-table", apply) in every replica; here one
	// pass at a time (feed.Drain). The host's own changes come back too,
	// with the host as actor: nothing to apply for those.
	apply := func(ctx context.Context, e store.Event) error {
		if e.Resource != store.ResourceUser || e.Actor.Kind == store.ActorHost {
			return nil
		}
		m := byScimID[e.ResourceID]
		switch e.Type {
		case store.UserCreated:
			m = &member{hostID: "h-" + strings.Split(e.Data.User.UserName, "@")[0], email: e.Data.User.PrimaryEmail(),
				name: e.Data.User.DisplayName, scimID: e.ResourceID}
			table[m.hostID], byScimID[e.ResourceID] = m, m
		case store.UserSuspended:
			m.disabled, m.sessions = true, 0 // revoke the sessions
		case store.UserReactivated:
			m.disabled = false
		case store.UserUpdated, store.UserLinked:
			m.name = e.Data.User.DisplayName
		}
		fmt.Printf("  %s by %s: %s\n", e.Type, e.Actor.Kind, m.hostID)
		return nil // acknowledged; an error would have it retried
	}

	// The IdP at work: it links Ada by email, creates Cy, suspends Bob.
	h, _ := scim.New(links)
	srv := httptest.NewServer(http.StripPrefix("/scim/v2", h))
	defer srv.Close()
	send := func(method, path, body string) {
		req, _ := http.NewRequest(method, srv.URL+"/scim/v2"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/scim+json")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
	}
	user := func(email, name string) string {
		return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":%q,"displayName":%q,
			"emails":[{"primary":true,"value":%q,"type":"work"}]}`, email, name, email)
	}
	send("POST", "/Users", user("ada@acme.com", "Ada Lovelace"))
	send("POST", "/Users", user("cy@acme.com", "Cy"))
	send("PATCH", "/Users/"+table["h-bob"].scimID,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`)
	fmt.Println("feed:")
	_, _ = feed.Drain(ctx, st, "host-table", apply)
	_, _ = links.DeliverPending(ctx) // a real host runs links.RunNotifier

	// 3. The host's own change: Ada leaves; the feed records it (for the
	// webhook, the audit log, any other consumer).
	_, _ = links.SuspendMember(ctx, "acme", table["h-ada"].scimID)
	table["h-ada"].disabled = true
	_, _ = feed.Drain(ctx, st, "host-table", apply)

	var rows []string
	for _, m := range table {
		rows = append(rows, fmt.Sprintf("%s %s %q disabled=%v sessions=%d", m.hostID, m.email, m.name, m.disabled, m.sessions))
	}
	sort.Strings(rows)
	fmt.Println(strings.Join(rows, "\n"))
	// Output:
	// imported ada@acme.com created
	// imported bob@acme.com created
	// feed:
	//   user.linked by idp: h-ada
	//   user.updated by idp: h-ada
	//   user.created by idp: h-cy
	//   user.invited by idp: h-cy
	//   user.linked by idp: h-bob
	//   user.suspended by idp: h-bob
	// invite cy@acme.com
	// h-ada ada@acme.com "Ada Lovelace" disabled=true sessions=2
	// h-bob bob@acme.com "Bob" disabled=true sessions=0
	// h-cy cy@acme.com "Cy" disabled=false sessions=0
}
