package storetest

import (
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/scimkit/scimkit/store"
)

// ActivityStore is what RunActivity checks: a store with the optional
// activity log and token usage.
type ActivityStore interface {
	store.Store
	store.ActivityLog
	store.TokenUsage
}

// RunActivity checks the optional store.ActivityLog and store.TokenUsage
// contracts on the stores newStore returns (which must implement both).
func RunActivity(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	var c tally
	for _, tc := range activityTests {
		c.rule(t, "Activity/"+tc.name, "Activity/"+tc.name, func(t *testing.T) {
			s := newStore(t)
			as, ok := s.(ActivityStore)
			if !ok {
				t.Fatalf("%T implements neither store.ActivityLog nor store.TokenUsage", s)
			}
			tc.fn(t, as)
		})
	}
	c.report(t, "RunActivity")
}

var activityTests = []struct {
	name string
	fn   func(t *testing.T, s ActivityStore)
}{
	{"AppendListNewestFirst", func(t *testing.T, s ActivityStore) {
		acct, other := newAccount(t, s), newAccount(t, s)
		base := time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC)
		var in []store.ActivityEntry
		for i := range 5 {
			in = append(in, store.ActivityEntry{AccountID: acct, Time: base.Add(time.Duration(i) * time.Second), Kind: store.ActivitySCIM,
				Method: "POST", Path: "/Users", ResourceType: "User", ResourceID: fmt.Sprint("id", i), Name: fmt.Sprint("user", i, "@example.com"),
				Status: 201, Latency: time.Duration(i+1) * time.Millisecond, UserAgent: "Okta SCIM Client 1.0.0", TokenID: "tok", Count: 1})
		}
		in = append(in, store.ActivityEntry{AccountID: other, Time: base, Kind: store.ActivitySCIM, Method: "GET", Path: "/Users", Status: 200, Count: 3})
		in = append(in, store.ActivityEntry{AccountID: "storetest-missing-" + randomID(), Time: base, Kind: store.ActivitySCIM, Status: 200, Count: 1})
		noErr(t, s.AppendActivity(t.Context(), in), "AppendActivity of valid entries (one of a missing account) must succeed")
		got, err := s.ListActivity(t.Context(), acct, store.ActivityQuery{})
		noErr(t, err, "ListActivity of an existing account must succeed")
		if len(got) != 5 {
			fail(t, "ListActivity returns only the account's entries", "got %d entries, want 5", len(got))
		}
		for i, e := range got {
			want := in[4-i]
			if i > 0 && e.ID >= got[i-1].ID {
				fail(t, "ListActivity returns the newest (highest ID) first", "ID %d after %d", e.ID, got[i-1].ID)
			}
			if !e.Time.Equal(want.Time) || e.Name != want.Name || e.ResourceID != want.ResourceID || e.Status != want.Status ||
				e.Latency != want.Latency || e.UserAgent != want.UserAgent || e.TokenID != want.TokenID || e.Count != 1 ||
				e.Method != want.Method || e.Path != want.Path || e.Kind != want.Kind || e.AccountID != acct {
				fail(t, "the store keeps every field of an entry", "entry %d: got %+v, want %+v", i, e, want)
			}
		}
		o, err := s.ListActivity(t.Context(), other, store.ActivityQuery{})
		noErr(t, err, "ListActivity of an existing account must succeed")
		if len(o) != 1 || o[0].Count != 3 {
			fail(t, "entries of several accounts in one batch each go to their account", "other account has %+v", o)
		}
	}},
	{"FiltersAndPaging", func(t *testing.T, s ActivityStore) {
		acct := newAccount(t, s)
		now := time.Now().UTC()
		in := []store.ActivityEntry{
			{AccountID: acct, Time: now, Kind: store.ActivitySCIM, Method: "POST", Path: "/Users", Name: "Alice@Example.com", Status: 201, Count: 1},
			{AccountID: acct, Time: now, Kind: store.ActivitySCIM, Method: "POST", Path: "/Users", Name: "bob@example.com", Status: 400, SCIMType: "invalidValue", Detail: "domain not allowed", Count: 1},
			{AccountID: acct, Time: now, Kind: store.ActivitySCIM, Method: "PATCH", Path: "/Users/u1", ResourceID: "u1", Name: "alice@example.com", Status: 409, Count: 1},
			{AccountID: acct, Time: now, Kind: store.ActivityAdmin, ActorID: "m-7", Action: "revoked a token", Status: 200, Count: 1},
		}
		noErr(t, s.AppendActivity(t.Context(), in), "AppendActivity must succeed")
		errs, err := s.ListActivity(t.Context(), acct, store.ActivityQuery{ErrorsOnly: true})
		noErr(t, err, "ListActivity must succeed")
		if len(errs) != 2 || errs[0].Status != 409 || errs[1].Detail != "domain not allowed" || errs[1].SCIMType != "invalidValue" {
			fail(t, "ErrorsOnly keeps the entries with Status >= 400, newest first", "got %+v", errs)
		}
		alice, err := s.ListActivity(t.Context(), acct, store.ActivityQuery{Search: "ALICE@example.com"})
		noErr(t, err, "ListActivity must succeed")
		if len(alice) != 2 {
			fail(t, "Search matches Name case-insensitively", "got %d entries for alice, want 2", len(alice))
		}
		byID, _ := s.ListActivity(t.Context(), acct, store.ActivityQuery{Search: "u1"})
		byActor, _ := s.ListActivity(t.Context(), acct, store.ActivityQuery{Search: "m-7"})
		if len(byID) != 1 || len(byActor) != 1 || byActor[0].Action != "revoked a token" || byActor[0].Kind != store.ActivityAdmin {
			fail(t, "Search matches ResourceID and ActorID", "by id %+v, by actor %+v", byID, byActor)
		}
		page1, _ := s.ListActivity(t.Context(), acct, store.ActivityQuery{Limit: 3})
		if len(page1) != 3 {
			fail(t, "Limit bounds the entries returned", "got %d, want 3", len(page1))
		}
		page2, _ := s.ListActivity(t.Context(), acct, store.ActivityQuery{Limit: 3, Before: page1[2].ID})
		if len(page2) != 1 || page2[0].Name != "Alice@Example.com" {
			fail(t, "Before returns the entries older than the ID given", "got %+v", page2)
		}
		_, err = s.ListActivity(t.Context(), "storetest-missing-"+randomID(), store.ActivityQuery{})
		isErr(t, err, store.ErrNotFound, "ListActivity of a missing account is ErrNotFound")
	}},
	{"Prune", func(t *testing.T, s ActivityStore) {
		acct := newAccount(t, s)
		base := time.Now().UTC().Add(-time.Hour)
		var in []store.ActivityEntry
		for i := range 10 {
			in = append(in, store.ActivityEntry{AccountID: acct, Time: base.Add(time.Duration(i) * time.Minute), Kind: store.ActivitySCIM, Status: 200, Count: 1, Name: fmt.Sprint(i)})
		}
		noErr(t, s.AppendActivity(t.Context(), in), "AppendActivity must succeed")
		n, err := s.PruneActivity(t.Context(), acct, base.Add(3*time.Minute), 0)
		noErr(t, err, "PruneActivity must succeed")
		if n != 3 {
			fail(t, "PruneActivity deletes the entries older than before", "deleted %d, want 3", n)
		}
		n, err = s.PruneActivity(t.Context(), acct, time.Time{}, 4)
		noErr(t, err, "PruneActivity must succeed")
		got, _ := s.ListActivity(t.Context(), acct, store.ActivityQuery{Limit: 100})
		if n != 3 || len(got) != 4 || got[0].Name != "9" || got[3].Name != "6" {
			fail(t, "PruneActivity keeps the newest keep entries", "deleted %d, left %d (newest %v)", n, len(got), got)
		}
		noErr(t, s.AppendActivity(t.Context(), []store.ActivityEntry{{AccountID: acct, Time: time.Now(), Kind: store.ActivitySCIM, Status: 200, Count: 1, Name: "new"}}), "AppendActivity must succeed")
		got, _ = s.ListActivity(t.Context(), acct, store.ActivityQuery{Limit: 1})
		if len(got) != 1 || got[0].Name != "new" {
			fail(t, "entries appended after a prune are the newest", "got %+v", got)
		}
		_, err = s.PruneActivity(t.Context(), "storetest-missing-"+randomID(), time.Now(), 1)
		isErr(t, err, store.ErrNotFound, "PruneActivity of a missing account is ErrNotFound")
	}},
	{"TokenUsage", func(t *testing.T, s ActivityStore) {
		acct := newAccount(t, s)
		t1, err := s.AddToken(t.Context(), acct, store.Token{Hash: randomHash(), Label: "first"})
		noErr(t, err, "AddToken must succeed")
		t2, err := s.AddToken(t.Context(), acct, store.Token{Hash: randomHash(), Label: "second"})
		noErr(t, err, "AddToken must succeed")
		used, err := s.TokensLastUsed(t.Context(), acct)
		noErr(t, err, "TokensLastUsed must succeed")
		if len(used) != 0 {
			fail(t, "a token never used has no last use", "got %v", used)
		}
		at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		noErr(t, s.TouchTokens(t.Context(), []store.TokenUse{
			{AccountID: acct, TokenID: t1.ID, At: at},
			{AccountID: acct, TokenID: "no-such-token", At: at},
			{AccountID: "storetest-missing-" + randomID(), TokenID: t2.ID, At: at},
		}), "TouchTokens ignores unknown tokens and accounts")
		noErr(t, s.TouchTokens(t.Context(), []store.TokenUse{{AccountID: acct, TokenID: t1.ID, At: at.Add(-time.Hour)}}), "TouchTokens must succeed")
		used, _ = s.TokensLastUsed(t.Context(), acct)
		if len(used) != 1 || !used[t1.ID].Equal(at) {
			fail(t, "TouchTokens keeps the latest use and never moves it back", "got %v, want %s: %v", used, t1.ID, at)
		}
		noErr(t, s.RevokeToken(t.Context(), acct, t1.ID), "RevokeToken must succeed")
		used, _ = s.TokensLastUsed(t.Context(), acct)
		if len(used) != 0 {
			fail(t, "a revoked token has no last use", "got %v", used)
		}
		_, err = s.TokensLastUsed(t.Context(), "storetest-missing-"+randomID())
		isErr(t, err, store.ErrNotFound, "TokensLastUsed of a missing account is ErrNotFound")
	}},
}

func randomHash() (h [32]byte) {
	_, _ = rand.Read(h[:])
	return h
}
