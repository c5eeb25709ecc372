// Package scim is scimkit's SCIM 2.0 service provider: an http.Handler that
// lets Okta, Entra ID and other identity providers create, update, suspend,
// reactivate and delete a host's users and push its groups, built on
// github.com/elimity-com/scim.
//
// # Mounting
//
// A host builds one Handler for all its accounts, from the linking.Service
// that applies the account rules (and holds the store), and mounts it under
// its SCIM base URL with the prefix stripped:
//
//	st := memstore.New()                        // or sqlstore.Open(...)
//	links := linking.New(st, myNotifier)        // invites and reminders
//	h, err := scim.New(links,
//		scim.WithMapper(myMapper),              // default: mapping.Okta()
//		scim.WithLogger(slog.Default()))        // the default
//	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
//
// The admin pastes the base URL ("https://host.example/scim/v2", no
// trailing slash) and a bearer token minted with
// linking.Service.EnableProvisioning into the IdP.
//
// # One mapping per account
//
// Each account carries the identity provider its admin chose
// (store.Account.IdP, set with linking.ForIdP when provisioning is turned
// on, or linking.Service.SetIdP later). The handler keeps a registry of
// mappers by that name: the presets under store.IdPOkta and
// store.IdPEntra, plus whatever the host registers with WithMappers (its
// own tables, or a preset replaced). Everything that depends on the
// mapping follows the account: validation, /Schemas, /ResourceTypes, what
// is stored and what is returned. Accounts without an IdP use the
// WithMapper mapper (Okta's preset by default), so a host that never sets
// an IdP sees no change. An account whose IdP names no registered mapper
// is refused with a 500 SCIM error naming it (a host misconfiguration),
// never translated with another mapping.
//
// # Discovery
//
// /Schemas and /ResourceTypes answer for the account's mapping, and list
// only what it stores and returns: a core User attribute appears when the
// mapping has a row writing it into responses (and, of a complex
// attribute, only the sub-attributes rows write), plus userName, active
// and groups, which the handler keeps whatever the mapping. The enterprise
// extension appears only when the mapping maps one of its attributes.
// "required" is true for userName and for every attribute a row requires
// (the presets require the work email, so emails is required for them);
// userName and emails.value say uniqueness "server" (one user per name and
// per address in an account, compared case-insensitively, so caseExact is
// false). Everything not listed is dropped on the way in because the
// mapping has no host field for it (for the Okta preset: nickName, title,
// addresses, phoneNumbers, ims, photos, entitlements, roles,
// x509Certificates, name.formatted and the other name parts, the
// enterprise extension; for the Entra preset: nickName, profileUrl,
// userType, locale, timezone, ims, photos, entitlements, roles,
// x509Certificates, name.middleName and the honorifics, the display of
// emails and phoneNumbers, the primary of phoneNumbers and addresses, and
// manager.$ref and manager.displayName; the generic preset drops nothing
// but manager.displayName, which RFC 7643 makes readOnly, so a client's
// value is ignored, and which scimkit does not fill in). password is never
// stored or returned. Group
// members carry value, $ref and type; display (readOnly: the member's
// displayName, else its userName) only when the mapping table sets
// MemberDisplay (the generic preset), and only then is members.display
// listed.
// /ServiceProviderConfig says what the handler does: PATCH supported,
// filter supported (with maxResults), ETags supported (If-Match is
// enforced), sort, bulk and changePassword not supported.
//
// # What every request goes through
//
//  1. Panic recovery: a panic anywhere becomes a logged 500 SCIM error.
//  2. Authentication: "Authorization: Bearer <token>", cheapest check
//     first. The token's format (linking.CheckToken: prefix, length,
//     alphabet, CRC-32) is checked without any I/O; a malformed token is
//     refused at once. A verified token is cached for a few seconds
//     (WithTokenCache, default 5 s) with its account, so a valid request
//     costs no store read. Otherwise, and only if the client address has
//     failed authentication less than its budget (WithAuthFailureLimit:
//     bursts of 20, then one a second; tokens verified in the last day
//     are exempt), the token's SHA-256 is looked up and compared in
//     constant time; the token picks the account, which is passed down to
//     package linking. Concurrent requests with one token share one
//     lookup. Failure: 401 with WWW-Authenticate: Bearer; past the
//     address's budget, 429 with Retry-After, held a second
//     (WithAuthFailureDelay) so that a flooding client slows down. A
//     revocation through linking.Service (RevokeToken, Deactivate,
//     DisableProvisioning) takes effect at once on this replica, on the
//     others within the cache time (Handler.ForgetAccount for changes
//     made on the store directly). Tokens without the checksum (minted
//     before it, or chosen by the host) still work, at the cost of a
//     lookup within the budget; WithStrictTokens refuses them.
//  3. Rate limiting per account (golang.org/x/time/rate): 429 with an
//     integer Retry-After, at no store cost for a cached token. The
//     bucket is per Handler: with N replicas an account gets up to N
//     times the rate (see WithRateLimit).
//  4. The account's sync switch: while provisioning is off, 403 with a
//     detail saying where to turn it on (discovery endpoints still answer).
//  5. Body cap (default 1 MiB): 413 before anything is parsed. The body is
//     then decoded once (encoding/json, numbers kept exact); nothing
//     re-encodes it.
//  6. One schema-driven pass over the decoded value: resource bodies are
//     validated and normalised (attribute names in any letter case, Entra's
//     string booleans, its manager shapes; unknown and read-only attributes
//     dropped), PATCH requests parsed (paths, dotted and URN-qualified
//     keys); refusals name the attribute or operation at fault.
//  7. Dispatch to the endpoint; package linking applies the account rules
//     and writes once. The caller's *http.Request is never modified.
//
// # What github.com/elimity-com/scim does and what this package does
//
// elimity is the source of the SCIM schema definitions (core User and
// Group, the enterprise extension, and the schema type this package
// builds the mapping's custom extensions with), which drive validation,
// PATCH and the /Schemas documents, and of the protocol types (PATCH
// operations, parsed paths through github.com/scim2/filter-parser, the
// filter AST). Its HTTP server is not used: this package routes, decodes,
// validates (with details an admin can act on), answers lists, reads,
// writes and the discovery endpoints itself, because each of those needed
// working around in the server (generic error details, unbounded body
// reads, ETags never checked, string booleans refused unless a
// process-wide switch is flipped, statuses outside its table turned into
// 500s).
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
//     PUT, PATCH and DELETE answers 412 when stale. Without If-Match a PUT
//     or PATCH never answers 412: concurrent updates of one user are
//     queued and races with other writers retried (store.Update); a store
//     that keeps refusing gets a 503 with Retry-After, never a 412.
//   - Bounded responses: groups are answered with all their members (Okta
//     pages group imports by count, so pages are never shortened), but the
//     member list is encoded straight from the ids and the body sent in
//     pieces of about 64 KiB, so a request's memory grows with the member
//     ids it reads, not with the encoded document.
//   - Errors: every error is a SCIM error body with a string status, the RFC
//     7644 scimType where one applies, and a detail an admin can act on.
//     Internal error text is logged, never sent.
//
// Every change is recorded in the store's change feed in the same write,
// with the IdP (the token's id) as its actor; hosts consume it with
// package feed, in order and at least once. Lifecycle events (user
// created, linked, updated, suspended, reactivated, deleted; group
// created, linked, renamed, members changed, deleted) also reach any
// number of WithHook observers, synchronously and best effort.
package scim
