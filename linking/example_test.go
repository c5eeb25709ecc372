package linking_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// printer is a Notifier that prints what it would send.
type printer struct{}

func (printer) SendInvite(_ context.Context, accountID string, u store.User) error {
	fmt.Printf("  -> invite %s to %s\n", u.PrimaryEmail(), accountID)
	return nil
}

func (printer) SendReminder(_ context.Context, accountID string, u store.User) error {
	fmt.Printf("  -> remind %s (%s)\n", u.PrimaryEmail(), accountID)
	return nil
}

// exampleIDs returns a deterministic id generator for the examples (the
// store uses it for tokens too: setup mints u1).
func exampleIDs() func() string {
	n := 0
	return func() string { n++; return fmt.Sprintf("u%d", n) }
}

// exampleSetup returns a store and service with account "acme" set up for
// acme.com and provisioning on, at a fixed time.
func exampleSetup(now func() time.Time) (*memstore.Store, *linking.Service) {
	ctx := context.Background()
	st := memstore.New(memstore.WithClock(now), memstore.WithIDs(exampleIDs()))
	svc := linking.New(st, printer{}, linking.WithClock(now))
	admin := linking.Member{ID: "admin-1", Role: linking.RoleAdmin}
	if err := svc.SetAllowedDomains(ctx, "acme", admin, []string{"acme.com"}); err != nil {
		panic(err)
	}
	if _, err := svc.EnableProvisioning(ctx, "acme", admin, "Okta"); err != nil {
		panic(err)
	}
	return st, svc
}

func email(addr string) []store.Email {
	return []store.Email{{Value: addr, Type: "work", Primary: true}}
}

// The IdP creates three users: one matches an existing host member by email
// and is linked, one is new and invited, one has a public mail domain and
// is refused.
func ExampleService_ProvisionUser() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	st, svc := exampleSetup(now)

	// The host already has Alice.
	alice, _ := st.CreateUser(ctx, "acme", store.User{
		UserName: "alice", Emails: email("Alice@Acme.com"), State: store.StateActive,
	})
	fmt.Println("host user:", alice.ID, alice.UserName)

	// The SCIM layer reads the account once per request (it authenticates
	// the token) and passes it down.
	acct, _ := st.GetAccount(ctx, "acme")
	for _, in := range []store.User{
		{UserName: "alice@acme.com", ExternalID: "00u1", Emails: email("alice@acme.com")},
		{UserName: "bob@acme.com", ExternalID: "00u2", Emails: email("bob@acme.com")},
		{UserName: "carol@gmail.com", ExternalID: "00u3", Emails: email("carol@gmail.com")},
	} {
		u, out, err := svc.ProvisionUser(ctx, acct, in)
		if err != nil {
			fmt.Println(in.UserName, "refused:", err)
			continue
		}
		fmt.Println(in.UserName, out, u.ID, u.State, "active:", u.Active())
	}
	// The invite was recorded with Bob, in the same write; the host's
	// notifier runner (RunNotifier, or one pass of it here) sends it.
	n, _ := svc.DeliverPending(ctx)
	fmt.Println("events delivered:", n)
	// Output:
	// host user: u2 alice
	// alice@acme.com linked u2 active active: true
	// bob@acme.com created u3 invited active: true
	// carol@gmail.com refused: email domain "gmail.com" is a public mail domain; provisioning supports only your organisation's domains
	//   -> invite bob@acme.com to acme
	// events delivered: 9
}

// The reminder pass, run with a fake clock: nothing at 47 hours, one
// reminder at 48 hours, never a second one.
func ExampleService_ClaimReminders() {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	st, svc := exampleSetup(func() time.Time { return t0 }) // the invite is sent at t0
	acct, _ := st.GetAccount(ctx, "acme")
	_, _, _ = svc.ProvisionUser(ctx, acct, store.User{UserName: "dan@acme.com", Emails: email("dan@acme.com")})
	_, _ = svc.DeliverPending(ctx)

	for _, after := range []time.Duration{47 * time.Hour, 48 * time.Hour, 72 * time.Hour, 90 * 24 * time.Hour} {
		n, err := svc.ClaimReminders(ctx, t0.Add(after))
		_, _ = svc.DeliverPending(ctx) // RunNotifier does both
		fmt.Printf("pass at +%v: %d sent, err=%v\n", after, n, err)
	}
	// Output:
	//   -> invite dan@acme.com to acme
	// pass at +47h0m0s: 0 sent, err=<nil>
	//   -> remind dan@acme.com (acme)
	// pass at +48h0m0s: 1 sent, err=<nil>
	// pass at +72h0m0s: 0 sent, err=<nil>
	// pass at +2160h0m0s: 0 sent, err=<nil>
}

// A pushed group adopts the managed host group of the same name; an
// unmanaged or privileged one is refused with a detail for the admin.
func ExampleService_ProvisionGroup() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	st, svc := exampleSetup(now)
	eng, _ := st.CreateGroup(ctx, "acme", store.Group{DisplayName: "Engineering", Managed: true}, nil)
	_, _ = st.CreateGroup(ctx, "acme", store.Group{DisplayName: "Finance"}, nil)
	_, _ = st.CreateGroup(ctx, "acme", store.Group{DisplayName: "Owners", Privileged: true}, nil)
	fmt.Println("host group:", eng.ID, eng.DisplayName)

	acct, _ := st.GetAccount(ctx, "acme")
	for _, name := range []string{"engineering", "Finance", "Owners", "Design"} {
		g, out, err := svc.ProvisionGroup(ctx, acct, store.Group{DisplayName: name}, nil)
		if err != nil {
			fmt.Println(name, "refused:", err)
			continue
		}
		fmt.Println(name, out, g.ID, "managed:", g.Managed, "visible:", linking.Visible(g))
	}
	// Output:
	// host group: u2 Engineering
	// engineering linked u2 managed: true visible: true
	// Finance refused: group "Finance" already exists in the host and is not managed by provisioning; mark it as managed under Settings > Provisioning > Managed groups, or rename the group in your identity provider, then retry
	// Owners refused: group "Owners" is a privileged group (such as owners or administrators) and is never changed by provisioning; manage it in the host, or push the IdP group under a different name
	// Design created u5 managed: true visible: true
}

// Turning provisioning on is an owner or administrator action; the token's
// secret is returned once and only its hash is stored.
func ExampleService_EnableProvisioning() {
	ctx := context.Background()
	st := memstore.New()
	svc := linking.New(st, printer{})

	_, err := svc.EnableProvisioning(ctx, "acme", linking.Member{ID: "m7", Role: linking.RoleMember}, "Okta")
	fmt.Println("member:", err)

	secret, err := svc.EnableProvisioning(ctx, "acme", linking.Member{ID: "m1", Role: linking.RoleOwner}, "Okta")
	fmt.Println("owner:", err, strings.HasPrefix(secret, linking.TokenPrefix))
	tok, _ := st.TokenByHash(ctx, linking.HashToken(secret))
	fmt.Println("token for:", tok.AccountID, tok.Label)
	fmt.Println("enabled:", svc.CheckEnabled(ctx, "acme"))

	_ = svc.DisableProvisioning(ctx, "acme", linking.Member{ID: "m1", Role: linking.RoleOwner})
	fmt.Println("after switch off:", svc.CheckEnabled(ctx, "acme"))
	// Output:
	// member: only an owner or administrator of the account can turn provisioning on
	// owner: <nil> true
	// token for: acme Okta
	// enabled: <nil>
	// after switch off: provisioning is turned off for this account; an owner or administrator can turn it on under Settings > Provisioning (sync with your identity provider), then retry
}

// The pre-flight check lists existing members that the allowed-domains rule
// would refuse.
func ExampleService_CheckDomains() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	st, svc := exampleSetup(now)
	for _, e := range []string{"ann@acme.com", "ben@gmail.com", "cat@acme-old.com"} {
		_, _ = st.CreateUser(ctx, "acme", store.User{UserName: e, Emails: email(e), State: store.StateActive})
	}
	vs, _ := svc.CheckDomains(ctx, "acme")
	for _, v := range vs {
		fmt.Printf("%s: %v\n", v.UserName, v.Reason)
	}
	// Output:
	// ben@gmail.com: email domain "gmail.com" is a public mail domain; provisioning supports only your organisation's domains
	// cat@acme-old.com: email domain "acme-old.com" is not on this account's allowed domains; add it under Settings > Provisioning > Allowed domains, then retry
}

// The IdP's active:false and active:true arrive through UpdateUser: a
// pending invitee comes back as an invitee, and reads active all along
// except while suspended.
func ExampleService_UpdateUser() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	st, svc := exampleSetup(now)
	acct, _ := st.GetAccount(ctx, "acme")
	u, _, _ := svc.ProvisionUser(ctx, acct, store.User{UserName: "eve@acme.com", ExternalID: "00u5", Emails: email("eve@acme.com")})
	_, _ = svc.DeliverPending(ctx)
	fmt.Println(u.State, u.Active())
	for _, active := range []bool{false, true} {
		_, u, _ = svc.UpdateUser(ctx, acct, u.ID, func(cur store.User) (linking.Change, error) {
			return linking.Change{User: cur, Active: &active}, nil
		})
		fmt.Println(u.State, u.Active())
	}
	// Output:
	//   -> invite eve@acme.com to acme
	// invited true
	// suspended false
	// invited true
}
