// Package scim is scimkit's SCIM 2.0 service provider: an http.Handler that
// lets Okta, Entra ID and other identity providers create, update, suspend,
// reactivate and delete a host's users and push its groups, built on
// github.com/elimity-com/scim.
//
// # Mounting
//
// A host builds one Handler for all its accounts and mounts it under its
// SCIM base URL with the prefix stripped:
//
//	st := memstore.New()                              // or sqlstore.Open(...)
//	h, err := scim.New(st,
//		scim.WithLinking(linking.New(st, myNotifier)), // invites and reminders
//		scim.WithMapper(myMapper),                     // default: mapping.Okta()
//		scim.WithLogger(slog.Default()))
//	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
//
// The admin pastes the base URL ("https://host.example/scim/v2", no
// trailing slash) and a bearer token minted with
// linking.Service.EnableProvisioning into the IdP.
//
// # What every request goes through
//
//  1. Panic recovery: a panic anywhere becomes a logged 500 SCIM error.
//  2. Authentication: "Authorization: Bearer <token>"; only the token's
//     SHA-256 is looked up and compared in constant time; the token picks
//     the account. Failure: 401 with WWW-Authenticate: Bearer.
//  3. Rate limiting per account (golang.org/x/time/rate): 429 with an
//     integer Retry-After.
//  4. The account's sync switch: while provisioning is off, 403 with a
//     detail saying where to turn it on (discovery endpoints still answer).
//  5. Body cap (default 1 MiB): 413 before anything is parsed. Entra's
//     string booleans ("active":"False") are rewritten to JSON booleans, so
//     the library's process-wide string-value switch is never touched.
//  6. Routing: lists and searches (GET /Users, GET /Groups, POST
//     /Users/.search, POST /Groups/.search) and /ServiceProviderConfig are
//     answered by this package; resource reads and writes, /Schemas and
//     /ResourceTypes by the protocol library, calling back into this
//     package.
//
// # Behaviour
//
//   - Users: POST links an existing host user with the same email or
//     creates and invites a new one (package linking); the answer is 201
//     either way. PUT replaces the mapped attributes; PATCH applies RFC 7644
//     operations (Okta's and Entra's shapes: paths, filtered paths, pathless
//     maps with dotted and URN-qualified keys, any letter case, string
//     booleans) all or nothing. active:false suspends (memberships are
//     kept), active:true reactivates; a pending invitee reads active:true.
//     password is accepted and never stored or returned. DELETE removes the
//     user and its memberships.
//   - Groups: only managed groups are visible. POST adopts a managed host
//     group with the same name, or creates one. PATCH applies member deltas
//     and renames atomically and answers 204 (a member list can be large);
//     PUT sets the exact member set. Privileged and unmanaged groups are
//     refused with 403. Members must be users: nested groups are refused.
//   - Filters: eq, ne, co, sw, ew, pr, gt, ge, lt, le, and, or, not and value
//     paths on the attributes the store supports, evaluated by the store.
//     The shapes IdPs send for lookups (userName eq "x", externalId eq "x",
//     emails[type eq "work"].value eq "x", displayName eq "x") skip the
//     general filter parser. Anything else unsupported is 400 invalidFilter.
//   - Lists: startIndex/count paging in creation order, itemsPerPage is the
//     number returned, Resources is never null, count is clamped to
//     WithMaxResults. attributes and excludedAttributes are honoured on
//     lists and reads (so excludedAttributes=members skips loading members).
//     A user's groups are returned on single-user answers; lists include
//     them only when asked for with attributes=groups, since each costs a
//     lookup.
//   - ETags: meta.version and the ETag header are W/"<version>"; If-Match on
//     PUT, PATCH and DELETE answers 412 when stale. Without If-Match, user
//     updates retry internally when they race another writer.
//   - Errors: every error is a SCIM error body with a string status, the RFC
//     7644 scimType where one applies, and a detail an admin can act on.
//     Internal error text is logged, never sent.
//
// Lifecycle events (user created, linked, updated, suspended, reactivated,
// deleted; group created, linked, renamed, members changed, deleted) reach
// the host through WithHook.
package scim
