// Package store holds scimkit's domain model and the storage contract that
// every adapter implements: the types (Account, User, Group, Token), the
// small interfaces (Accounts, Users, Groups, Reminders) composed into Store,
// the query types (Filter, Query) and the sentinel errors.
//
// It contains nothing else: no database driver, no HTTP, no protocol code.
// Adapters live in subpackages: store/memstore is the embedded, indexed
// in-memory default; store/sqlstore targets PostgreSQL and SQLite. A host may
// write its own adapter against these interfaces and prove it with the
// conformance suite in store/storetest:
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
package store
