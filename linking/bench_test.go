package linking_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

type nopNotifier struct{}

func (nopNotifier) SendInvite(context.Context, string, store.User) error   { return nil }
func (nopNotifier) SendReminder(context.Context, string, store.User) error { return nil }

func benchEnv(b *testing.B) (*memstore.Store, *linking.Service) {
	b.Helper()
	st := memstore.New()
	svc := linking.New(st, nopNotifier{}, linking.WithClock(func() time.Time { return t0 }))
	if err := svc.SetAllowedDomains(b.Context(), acct, owner, []string{"acme.com"}); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.EnableProvisioning(b.Context(), acct, owner, "bench"); err != nil {
		b.Fatal(err)
	}
	return st, svc
}

// BenchmarkStoreCreateUser is the baseline: the store's create alone.
func BenchmarkStoreCreateUser(b *testing.B) {
	st, _ := benchEnv(b)
	i := 0
	for b.Loop() {
		e := fmt.Sprintf("u%d@acme.com", i)
		i++
		u := idpUser(e, e, "00u-"+e)
		u.State = store.StateInvited
		if _, err := st.CreateUser(b.Context(), acct, u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProvisionUserCreate: the rules plus the create (re-invite path).
func BenchmarkProvisionUserCreate(b *testing.B) {
	_, svc := benchEnv(b)
	i := 0
	for b.Loop() {
		e := fmt.Sprintf("u%d@acme.com", i)
		i++
		if _, _, err := svc.ProvisionUserID(b.Context(), acct, idpUser(e, e, "00u-"+e)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProvisionUserLink: linking an existing host user.
func BenchmarkProvisionUserLink(b *testing.B) {
	st, svc := benchEnv(b)
	const hosts = 10000
	for i := range hosts {
		e := fmt.Sprintf("u%d@acme.com", i)
		if _, err := st.CreateUser(b.Context(), acct, store.User{UserName: e, Emails: []store.Email{{Value: e}}, State: store.StateActive}); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	for b.Loop() {
		if i == hosts {
			b.Fatal("raise hosts or lower -benchtime")
		}
		e := fmt.Sprintf("u%d@acme.com", i)
		i++
		if _, out, err := svc.ProvisionUserID(b.Context(), acct, idpUser(e, e, "00u-"+e)); err != nil || out != linking.OutcomeLinked {
			b.Fatal(out, err)
		}
	}
}

// BenchmarkClaimReminders: one pass that claims the reminders of 1,000 invitees.
func BenchmarkClaimReminders(b *testing.B) {
	const invitees = 1000
	for b.Loop() {
		b.StopTimer()
		_, svc := benchEnv(b)
		for i := range invitees {
			e := fmt.Sprintf("u%d@acme.com", i)
			if _, _, err := svc.ProvisionUserID(b.Context(), acct, idpUser(e, e, "")); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		n, err := svc.ClaimReminders(b.Context(), t0.Add(48*time.Hour))
		if err != nil || n != invitees {
			b.Fatal(n, err)
		}
	}
}
