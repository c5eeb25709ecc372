package feed_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/scimkit/scimkit/feed"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// A host keeps its own sessions in step with the IdP: a suspended or
// deleted member loses its sessions, whatever replica or restart comes in
// between.
func ExampleRun() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := memstore.New()
	_, _ = st.CreateAccount(ctx, store.Account{ID: "acme"})
	u, _ := st.CreateUser(ctx, "acme", store.User{UserName: "ada@acme.com", State: store.StateActive})
	u.State = store.StateSuspended
	_, _ = st.UpdateUser(ctx, "acme", u)

	seen := make(chan struct{})
	revoke := func(ctx context.Context, e store.Event) error {
		fmt.Println(e.Seq, e.Type)
		if e.Type == store.UserSuspended {
			fmt.Println("revoke the sessions of", e.Data.User.UserName)
			close(seen)
		}
		return nil // acknowledged: the cursor moves on
	}
	done := make(chan error)
	go func() { done <- feed.Run(ctx, st, "sessions", revoke, feed.WithPoll(10*time.Millisecond)) }()
	<-seen
	cancel()
	fmt.Println(<-done)
	// Output:
	// 1 account.created
	// 2 user.created
	// 3 user.suspended
	// revoke the sessions of ada@acme.com
	// context canceled
}

// A receiver checks each delivery's signature before trusting it.
func ExampleVerify() {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	key, _ := feed.ParseSecret(secret)
	body := []byte(`{"id":"e1","type":"user.created"}`)
	sent := time.Unix(1767225600, 0)
	h := http.Header{}
	h.Set(feed.HeaderID, "e1")
	h.Set(feed.HeaderTimestamp, fmt.Sprint(sent.Unix()))
	h.Set(feed.HeaderSignature, feed.Sign(key, "e1", sent, body))

	fmt.Println(feed.Verify(secret, h, body, sent.Add(time.Minute), 5*time.Minute))
	fmt.Println(feed.Verify(secret, h, []byte(`{"id":"e1","type":"user.deleted"}`), sent, 5*time.Minute))
	// Output:
	// <nil>
	// feed: webhook signature does not verify: no signature matches
}
