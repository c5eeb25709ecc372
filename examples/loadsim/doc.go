// Command loadsim plays an identity provider's provisioning traffic against
// a SCIM 2.0 service and reports throughput, latency percentiles and
// errors, then reads everything back to check that nothing was lost or
// duplicated. Hosts use it to size a deployment; scimkit uses it for soak
// tests.
//
//	go run ./examples/server -rate 0 &        # prints the base URL and a token
//	SCIM_TOKEN=... go run ./examples/loadsim -base-url http://127.0.0.1:8080/scim/v2 -users 5000 -churn 1m
//
// The run has four phases:
//
//   - import: for each of -users users a lookup by userName
//     (filter=userName eq "...", with startIndex and count as Okta sends
//     them) and, when it misses, a create with the IdP's own body shape
//     (Okta: name, emails, locale, externalId, password, groups; Entra: the
//     enterprise extension, meta, roles and nulls). A re-run with the same
//     -prefix finds its users and creates nothing.
//   - groups: -groups group pushes (a displayName lookup, a create, then
//     -group-size members added -member-batch per PATCH).
//   - churn: for -churn, profile updates (Okta reads the user first and
//     sends a pathless replace; Entra sends capitalised path ops),
//     deactivations and reactivations (Entra's "False"/"True" strings),
//     member removals (Okta's members[value eq "..."] path; Entra's legacy
//     remove with a value) and re-adds, and reads.
//   - verify (-verify, on by default): every simulated user listed back by
//     a userName prefix filter and every group read back, compared with the
//     last value the simulator wrote: missing users, duplicate userNames,
//     lost updates and membership drifts are counted. Each user and group is
//     written by one worker only, so the last write is well defined.
//
// A 429 answer is waited out as Okta waits it out: Retry-After seconds when
// it is an integer, else -retry-wait (5 minutes) doubled each time, at most
// -max-retries (10) times; the waits are counted in the report.
//
// The report has one line per operation (count, rate, p50, p90, p99, max,
// status codes) and the totals. The command exits with status 2 when it saw
// a 5xx, a transport error, a failed step, or a verification difference.
//
// Safety: the run is bounded by -max-duration and -max-requests, and a base
// URL that is not a loopback address is refused unless -allow-remote is
// given, so that a mistyped URL cannot load someone else's service.
// -base-url takes several comma-separated URLs (replicas behind no load
// balancer): requests go round-robin over them.
//
// The per-operation latencies are kept in memory (8 bytes a request), so
// a run of a few million requests needs a few tens of MiB.
package main
