package memstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
	"github.com/scimkit/scimkit/store/storetest"
)

func newStore(*testing.T) store.Store { return memstore.New() }

func TestConformance(t *testing.T) {
	storetest.Run(t, newStore)
}

func TestConcurrency(t *testing.T) {
	storetest.RunConcurrency(t, newStore)
}

// TestReplicas runs the cross-replica checks with one Store standing for
// every replica: a memstore cannot be shared between processes.
func TestReplicas(t *testing.T) {
	storetest.RunReplicas(t, func(*testing.T) []store.Store {
		s := memstore.New()
		return []store.Store{s, s, s}
	})
}

// TestOptions checks that the clock and the id generator are the ones
// given, that nil options fall back to the defaults, and that an id the
// generator repeats is refused rather than overwriting a record.
func TestOptions(t *testing.T) {
	ctx := t.Context()
	at := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	n := 0
	s := memstore.New(
		memstore.WithClock(func() time.Time { return at }),
		memstore.WithIDs(func() string { n++; return fmt.Sprintf("id-%d", n/2) }), // each id twice
	)
	a, err := s.CreateAccount(ctx, store.Account{ID: "a"})
	if err != nil || !a.Created.Equal(at) || !a.Modified.Equal(at) {
		t.Fatalf("CreateAccount with a fixed clock: %+v, %v", a, err)
	}
	u, err := s.CreateUser(ctx, "a", store.User{UserName: "u1", State: store.StateActive})
	if err != nil || u.ID != "id-0" || !u.Created.Equal(at) {
		t.Fatalf("CreateUser takes id and time from the options: %+v, %v", u, err)
	}
	if _, err := s.CreateUser(ctx, "a", store.User{UserName: "u2", State: store.StateActive}); err != nil {
		t.Fatal(err) // id-1
	}
	_, err = s.CreateUser(ctx, "a", store.User{UserName: "u3", State: store.StateActive}) // id-1 again
	if err == nil {
		t.Fatal("a repeated id must be refused, not overwrite the user that has it")
	}
	if got, err := s.GetUser(ctx, "a", "id-1"); err != nil || got.UserName != "u2" {
		t.Fatalf("the user with the repeated id is unchanged: %+v, %v", got, err)
	}

	d := memstore.New(memstore.WithClock(nil), memstore.WithIDs(nil))
	if _, err := d.CreateAccount(ctx, store.Account{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	v, err := d.CreateUser(ctx, "a", store.User{UserName: "u", State: store.StateActive})
	if err != nil || len(v.ID) != 32 || v.Created.IsZero() {
		t.Fatalf("nil options fall back to random 128-bit hex ids and time.Now: %+v, %v", v, err)
	}
}

func TestActivity(t *testing.T) {
	storetest.RunActivity(t, newStore)
}
