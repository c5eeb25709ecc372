// Package store holds scimkit's domain model and the storage contract that
// every adapter implements: the types (Account, User, Group, Token), the
// small interfaces (Accounts, Users, Groups, Reminders) composed into Store,
// the query types (Filter, Query) and the sentinel errors.
//
// It contains nothing else: no database driver, no HTTP, no protocol code.
// Adapters live in subpackages: store/memstore is the embedded, indexed
// in-memory default; store/sqlstore targets PostgreSQL and SQLite. A host may
// write its own adapter (see "Writing a storage adapter" below: most of it
// is built by store/storekit) and prove it with the conformance suite in
// store/storetest:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return newMyStore(t) })
//	}
//
// # Contract shared by every method
//
//   - Every call takes a context.Context first and honours its cancellation:
//     a call whose context is already done returns an error matching the
//     context's error (errors.Is(err, context.Canceled)) and changes nothing.
//   - Every call on users, groups and tokens is scoped to exactly one account.
//     Nothing done through account A can read or change account B's data; an
//     id that exists only in another account is reported as ErrNotFound. A
//     call naming an account that does not exist returns ErrNotFound, lists,
//     lookups and ClaimReminders included.
//   - Every write is atomic: it happens completely or not at all.
//   - All methods are safe for concurrent use by multiple goroutines (and, for
//     shared databases, by multiple processes).
//   - Errors are reported with the sentinels below, possibly wrapped; match
//     them with errors.Is. A uniqueness violation is ErrConflict, a missing
//     item ErrNotFound, a stale version ErrVersionMismatch.
//   - Values returned are copies: mutating them never changes stored state,
//     and values passed in are not retained.
//
// # Identity and versions
//
// The store assigns ids (opaque, stable, never reused within an account),
// creation and modification times, and a version number that starts at 1
// and grows by one on every successful write to that record. The version is
// what the SCIM layer publishes as meta.version and the ETag; writes that
// carry an expected version fail with ErrVersionMismatch when it is stale.
//
// # Case rules
//
// userName, email values and group displayName are unique per account
// (emails across users: one user may list an address twice) and are
// compared case-insensitively for uniqueness, lookups and filters, by comparing
// their Fold-ed forms; id and externalId are case-exact. Fold is more than
// lower-casing: it drops invisible (default-ignorable) characters and
// normalises to NFKC with full case folding, so that spellings a person
// cannot tell apart ("émile" with a composed or a decomposed accent,
// fullwidth letters, a zero-width space inside the name) are one identity:
// they collide on create and each finds the stored record. Adapters must
// compute every folded key with Fold itself, never with their database's
// lower() or collation. Values are stored as given. The ordering operators (gt, ge, lt, le) on
// case-insensitive strings compare the Fold-ed forms byte by byte (as Go
// compares strings, or a SQL "C" collation).
//
// # Strings
//
// Indexed strings (account ids, userName, externalId, email values, group
// displayName) hold at most MaxIndexedLen (1,024) bytes, as given and once
// Folded; every adapter refuses a longer one with an *InvalidError naming
// the attribute, through CheckAccountID, CheckUser, CheckGroup and
// CheckGroupUpdate, which state the whole rule once. Other strings have no
// store limit.
//
// Adapters may refuse strings holding a NUL byte or invalid UTF-8, in
// values, keys and filter values alike, with ErrInvalid (PostgreSQL's text
// type cannot hold them); memstore accepts them. Callers that take ids from
// outside (the SCIM layer) answer such ids as not found before asking the
// store.
//
// # Times
//
// Times in filter values are compared as instants, whatever their
// location. Adapters keep at least microsecond precision; callers must not
// rely on nanoseconds surviving a round trip.
//
// # The change feed
//
// Every successful write appends the events its change calls for to the
// account's feed (type Event), in the same atomic step as the change: the
// same SQL transaction, the same lock. A write that fails or is refused
// (a conflict, a stale version, an unknown member) appends nothing; a
// write that changes nothing but store-set fields (an update to identical
// values, adding members already in the group) appends nothing either.
// Which events a write appends is decided once, here, by UserEvents,
// GroupEvents, AccountEvents and TokenEvent, so every adapter agrees; the
// adapter then numbers them with StampEvents:
//
//   - Event.Seq is per account, 1, 2, 3, ..., strictly increasing in
//     commit order with no gap and no repetition, whatever the number of
//     concurrent writers and replicas. A reader that has seen Seq n never
//     later finds a new event below n.
//   - Event.Actor is read from the write's context (WithActor); a write
//     without one is the host's.
//   - Event.Data holds the record after the change (before it, for a
//     deletion), the previous record and changed fields for an update, and
//     for group.members_changed the ids that really joined and left, as
//     computed inside the write (GroupUpdate's deltas minus the ids that
//     were already, or never, members). DeleteUser appends user.deleted
//     and one group.members_changed (Removed: the user) for each group the
//     user was in; DeleteGroup appends group.deleted only.
//
// Feed reads the events back, prunes old ones, and keeps each consumer's
// cursor and lease; package feed delivers them.
//
// # Multi-valued comparisons
//
// A comparison on emails.value or members.value (any operator, ne
// included) matches only through an element: a user without emails, or a
// group without members, matches none of them.
//
// # Writing a storage adapter
//
// There are two ways to put scimkit next to a host's own users.
//
// Keep scimkit's tables and follow the change feed. Use store/sqlstore
// (or memstore) as it is: the IdP writes scimkit's tables, the host
// applies the feed's events (feed.Run) to its own tables, and sends its
// own member changes through package linking (SuspendMember, ChangeEmail,
// ImportUsers for the members it had before); the README's "Integrating
// an existing user table" walks through it. No adapter code at all; the
// price is two copies of each member, kept in step after each commit (at
// least once, in order per account), so the host's tables lag the IdP by
// a delivery. Pick it when the host's schema is far from SCIM's, when
// other services own the host's tables, or to start today.
//
// Write an adapter over the host's tables. The IdP's writes are then the
// host's own rows, in the same transaction as the SCIM request: a user
// Okta creates is an INSERT INTO members, a deactivation sets the host's
// disabled flag, and the host's existing members are found by email and
// linked in place. Pick it when the host must see IdP changes at once
// (sessions, seats, billing counted in one transaction) or cannot run a
// feed consumer. The price is the adapter: with package storekit it is a
// Backend of plain reads and writes, 630 lines of Go and SQL (740 with
// its fast paths) for examples/hostadapter (SQLite tables orgs, members, teams, team_members,
// plus side tables for what the host has no column for). Host code that
// writes those tables directly, not through the store or linking, is
// seen at once but gets no version bump and no event.
//
// Write the adapter as a storekit.Backend, and storekit.Wrap(backend) is
// the Store: Wrap validates, checks uniqueness and versions, folds case,
// computes member deltas, evaluates filters, pages, claims reminders,
// decides and numbers the feed's events and runs leases, all inside the
// backend's transactions. In this order, running the suite after each
// step (in Run, a method that still panics fails only the rules that
// reach it, so unwritten methods can start as panic("TODO")):
//
//  1. Backend.View and Backend.Update: transactions. Update must be
//     serialisable per account (SQLite's BEGIN IMMEDIATE, SELECT ... FOR
//     UPDATE on the account's row in PostgreSQL, a mutex in memory); every
//     guarantee Wrap gives rests on it.
//  2. Account, InsertAccount, UpdateAccount, AccountIDs, then LastSeq and
//     AppendEvents (every write appends its events in its transaction),
//     Events and PruneEvents. LastSeq is a counter kept with the account:
//     the largest Seq still stored starts over after a prune.
//  3. InsertToken, TokenByHash, Tokens, DeleteToken.
//  4. InsertUser, User, EachUser (creation order), UpdateUser, DeleteUser.
//  5. InsertGroup, Group, EachGroup, UpdateGroup, DeleteGroup, Members
//     (in the order added), AddMembers, RemoveMembers.
//  6. Consumer and PutConsumer: the Feed's cursors and leases.
//  7. The fast paths, where the benchmarks say so (storekit's
//     BenchmarkWrap, examples/hostadapter's BenchmarkFastPaths): the
//     fallbacks scan the account, about 10 ms per lookup or page in
//     memory and 0.3 to 0.8 s on SQLite at 100,000 users, against
//     microseconds to milliseconds through an index. Write
//     storekit.UserFinder first (every create checks uniqueness through
//     it, so without it an import is O(n²)), then UserQuerier for the
//     unfiltered page (Okta's import) and userName eq, then GroupFinder
//     and MemberTester. Below a few thousand users per account the
//     fallbacks are fast enough.
//
// The suite, in the adapter's test:
//
//	func TestStore(t *testing.T) {
//		newStore := func(t *testing.T) store.Store { return storekit.Wrap(newBackend(t)) }
//		storetest.Run(t, newStore)
//		storetest.RunConcurrency(t, newStore)
//		storetest.RunReplicas(t, func(t *testing.T) []store.Store {
//			db := newDatabase(t) // several Stores on one database, as replicas
//			return []store.Store{storekit.Wrap(open(db)), storekit.Wrap(open(db))}
//		})
//		storetest.RunSameAnswers(t, func(t *testing.T) (store.Store, store.Store) {
//			b := newBackend(t)
//			return storekit.Wrap(b), storekit.Wrap(b, storekit.FallbacksOnly())
//		})
//	}
//
// and go test -race -v -run TestStore ./myadapter shows one line per
// suite, "storetest: Run: 52 of 69 rules pass; failing: Users/...", and
// each failure starts with the rule it broke. Run checks every rule of
// this documentation; RunConcurrency races goroutines (one winner of
// conflicting creates, no lost member, no reminder claimed twice, a
// gapless feed under 64 writers); RunReplicas does the same through
// several Stores on one database, which catches locks that live only in
// one process; RunSameAnswers asks the fast paths and the fallbacks the
// same questions (every lookup in several spellings, a filter on every
// attribute with every operator, pages, member deltas) on one backend.
// Run the golden IdP conversations through the adapter too
// (scim/scimtest.ReplayFlows over testdata/okta, testdata/entra and
// testdata/generic, as examples/hostadapter's TestGoldenFlows does).
//
// The mistakes it catches most often:
//
//   - Case folding with the database's lower() or a collation instead of
//     Fold: "unicode case folding" fails. Keep Fold-ed keys in indexed
//     columns.
//   - LIKE patterns with % and _ unescaped: "pattern characters in string
//     filters".
//   - A query without its account: the Isolation rules, and the suite run
//     with one shared database for every subtest.
//   - Times kept in milliseconds: "microsecond precision".
//   - An empty externalId stored as NULL and then not matched by
//     externalId eq "" in a fast path (the first version of
//     examples/hostadapter's QueryUsers did this; Filter/Users and
//     RunSameAnswers both named it).
//   - Users and groups keyed by one integer sequence each, so that a
//     group's id is also a user's and a nested group slips in as a member
//     (the golden Entra groups flow refuses it; prefix the ids).
//   - Writes that are not serialisable per account: two creates of one
//     userName both succeed, or the feed gets a gap (RunConcurrency,
//     RunReplicas).
//   - Returned slices shared with the backend's own state: Copies.
//
// # Optional interfaces
//
// An adapter may also implement ActivityLog (the per-account log of SCIM
// requests and admin actions that package activity records and package
// console shows) and TokenUsage (the tokens' last use). Callers find them
// by type assertion; memstore and sqlstore implement both, and
// storetest.RunActivity checks them.
//
// NamedMembers answers a group's members with their display names in one
// call, for mappings that return members.display (the generic preset).
// Without it NamedMembersOf reads Members and then each member with
// GetUser. memstore (under one lock), sqlstore (two queries in one read
// transaction) and storekit.Wrap implement it; storetest.Run checks its
// answers, and, on a store without it, NamedMembersOf's fallback.
//
// A wrapper that embeds the Store interface (for metrics, tracing or the
// host's own methods) promotes only Store's methods: it must forward the
// optional interfaces of the store it wraps, or lose them, as
// examples/hostadapter's Adapter forwards NamedMembers.
package store
