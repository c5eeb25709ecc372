package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/scimkit/scimkit/feed"
	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

// feedHandler returns the change-feed consumer of the example server and
// its name: with -webhook, a signed webhook sender (Standard Webhooks,
// retried with backoff; after the last retry the account's delivery
// pauses, nothing is dropped); without it, a handler that logs each event
// on one line.
func feedHandler(o options, logger *slog.Logger) (string, feed.Handler, error) {
	if o.webhook == "" {
		if o.webhookSecret != "" {
			return "", nil, errors.New("-webhook-secret needs -webhook")
		}
		return "log", func(ctx context.Context, e store.Event) error {
			logger.InfoContext(ctx, "event", slog.String("account", e.AccountID), slog.Int64("seq", e.Seq),
				slog.String("type", string(e.Type)), slog.String("resource", string(e.Resource)+"/"+e.ResourceID),
				slog.String("actor", string(e.Actor.Kind)), slog.String("id", e.ID))
			return nil
		}, nil
	}
	if o.webhookSecret == "" {
		return "", nil, errors.New("-webhook needs -webhook-secret whsec_... (make one with: go run ./examples/server -new-webhook-secret)")
	}
	wh, err := feed.NewWebhook(o.webhook, o.webhookSecret)
	if err != nil {
		return "", nil, fmt.Errorf("-webhook: %w", err)
	}
	return "webhook", wh.Handle, nil
}

// feedLease is how long a replica that died keeps the accounts it was
// delivering before another (or its own restart) takes them over: short,
// for a demo that is killed and restarted; the lease is renewed every
// third of it while delivering.
const feedLease = 5 * time.Second

// runFeed delivers the feed to h and sends invites and reminders (from
// the feed too) until ctx is done.
func runFeed(ctx context.Context, st store.Store, links *linking.Service, consumer string, h feed.Handler, logger *slog.Logger) {
	go func() {
		_ = feed.Run(ctx, st, consumer, h, feed.WithLogger(logger), feed.WithPoll(200*time.Millisecond),
			feed.WithLeaseTTL(feedLease), feed.WithBackoff(200*time.Millisecond, 30*time.Second), feed.WithMaxAttempts(20))
	}()
	go func() {
		_ = links.RunNotifier(ctx, time.Minute, feed.WithPoll(200*time.Millisecond), feed.WithLeaseTTL(feedLease))
	}()
}
