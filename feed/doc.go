// Package feed delivers the change feed that every store write appends to
// (store.Event, store.Feed): to the host's own code, and optionally to a
// URL as signed webhooks.
//
// The feed is data first: a store appends an account's events in the same
// transaction as the change, numbered 1, 2, 3, ... in commit order, so a
// crash can lose no event that a committed change has. Run then delivers
// them: in order per account, at least once, resuming after a restart from
// the cursor the store keeps per consumer, retrying failures with backoff,
// with one replica per account at a time (a lease in the store):
//
//	err := feed.Run(ctx, st, "sessions", func(ctx context.Context, e store.Event) error {
//		switch e.Type {
//		case store.UserSuspended, store.UserDeleted:
//			return sessions.RevokeAll(ctx, e.AccountID, e.ResourceID) // idempotent, keyed by e.ID if need be
//		}
//		return nil
//	})
//
// A handler must be idempotent (an event may come twice; Event.ID is the
// key) and should return an error for anything it wants retried. Several
// consumers (one per purpose: "sessions", "webhook", "invites") each have
// their own cursor and make progress independently.
//
// # Webhooks
//
// NewWebhook returns a Handler that POSTs each event as JSON with the
// Standard Webhooks headers (webhook-id: the event id, webhook-timestamp,
// webhook-signature: "v1," and the base64 HMAC-SHA256 of
// "id.timestamp.body" under the "whsec_..." secret). A 2xx answer
// acknowledges. Run it with bounded retries and a dead letter:
//
//	wh, err := feed.NewWebhook("https://hooks.example.com/scim", secret)
//	...
//	err = feed.Run(ctx, st, "webhook", wh.Handle,
//		feed.WithBackoff(time.Second, 5*time.Minute), // doubling, with jitter
//		feed.WithMaxAttempts(12),                      // 9 to 18 minutes of retries in all
//		feed.WithOnFailure(feed.Continue),             // or feed.Pause (the default): stop the account there
//		feed.WithDeadLetter(recordFailure))            // never a silent drop
//
// Receivers check deliveries with Verify; Replay re-delivers an account's
// events from a sequence number on.
//
// Run starts no goroutine before it is called and stops everything it
// started when its context is done.
package feed
