// Package activity keeps an account's activity log: what the identity
// provider did through the SCIM API, what it was refused and why, and
// what the account's admins did on the provisioning settings. It is the
// page an admin opens first when provisioning misbehaves ("why did alice
// not arrive?").
//
// A Recorder collects entries in memory and writes them to the store in
// batches from its own goroutine, so that recording costs a lock and an
// append on the request path. Pass it to the SCIM handler:
//
//	rec, err := activity.New(st) // st implements store.ActivityLog
//	defer rec.Close(ctx)
//	h, err := scim.New(links, scim.WithActivity(rec))
//
// What is recorded, per request: time, method, path, resource type and
// id, the userName or displayName the request carried, status, scimType
// and error detail, latency, User-Agent and the id of the token (never
// the token, a password or the body). Every write and every failure is
// an entry of its own; successful reads are aggregated per minute into
// one entry with their count and mean latency (Count > 1), because an
// IdP's import reads thousands of times and an admin needs the errors,
// not each read. Requests refused before the account is known (no or an
// unknown token) cannot be logged for an account and are not.
//
// Why the log is not the change feed: the feed (store.Feed) records every
// successful change with its actor, in the change's transaction, for
// consumers that must not miss one. It has no status, latency, detail or
// User-Agent, and nothing for refused requests, which are exactly what an
// admin debugging provisioning needs. The activity log is the request
// view, best effort (a crash loses at most one flush interval) and
// bounded: WithRetention prunes each account's entries by age and count
// (30 days and 10,000 entries by default). Package console shows both:
// the log, and the admin actions it records itself.
//
// The Recorder also keeps each token's last use, in memory, writing it to
// the store (store.TokenUsage) at most once a minute per token, never once
// per request; linking.Service.ListTokens reads it back.
package activity
