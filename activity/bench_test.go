package activity_test

import (
	"context"
	"testing"
	"time"

	"github.com/scimkit/scimkit/activity"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// BenchmarkRecord is what recording adds to one request on its goroutine
// (Record, which also notes the token's use), for a write (kept as it is) and a successful read
// (aggregated); the flushing runs on the Recorder's own goroutine.
// Compare with the handler's time per request (scim's
// BenchmarkActivityOverhead):
//
//	go test -run '^$' -bench BenchmarkRecord ./activity
func BenchmarkRecord(b *testing.B) {
	st := memstore.New()
	if _, err := st.CreateAccount(context.Background(), store.Account{ID: "acme"}); err != nil {
		b.Fatal(err)
	}
	r, err := activity.New(st, activity.WithFlushInterval(100*time.Millisecond))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = r.Close(context.Background()) })
	for _, tc := range []struct {
		name string
		e    store.ActivityEntry
	}{
		{"write", store.ActivityEntry{AccountID: "acme", Method: "POST", Path: "/Users", ResourceType: "User", ResourceID: "2c9a1f0e8b7d", Name: "ann@example.com", Status: 201, UserAgent: "Okta SCIM Client 1.0.0", TokenID: "tok"}},
		{"read", store.ActivityEntry{AccountID: "acme", Method: "GET", Path: "/Users/2c9a1f0e8b7d", ResourceType: "User", ResourceID: "2c9a1f0e8b7d", Status: 200, UserAgent: "Okta SCIM Client 1.0.0", TokenID: "tok"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e := tc.e
				e.Time = time.Now()
				e.Latency = time.Millisecond
				r.Record(e)
			}
		})
	}
}
