// Package storetest is the conformance suite for store.Store adapters.
//
// Run checks every rule the package store documents (accounts, tokens,
// users and their lookups, uniqueness, versions, listing and paging, every
// filter operator, groups and memberships, invite reminders, account
// isolation, context cancellation, copies, and the change feed: every
// write's events with their types, data and actor, nothing appended by a
// refused or empty write, the delta UpdateGroup reports, paging, pruning,
// cursors and leases); RunConcurrency checks the promises that need many
// goroutines (exactly one winner of concurrent conflicting writes, no lost
// membership change, no reminder claimed twice, 64 concurrent writers to
// one account numbered 1..N without gap or repetition while a reader
// follows, one winner of a lease); RunReplicas checks the cross-process
// ones with several Store values on one database. An adapter's test is then a few lines:
//
//	func TestStore(t *testing.T) {
//		newStore := func(t *testing.T) store.Store { return mystore.New(...) }
//		storetest.Run(t, newStore)
//		storetest.RunConcurrency(t, newStore)
//	}
//
// Every subtest calls newStore once and creates its own accounts with
// random ids, so newStore may return a fresh store each time or the same,
// shared one (a database that other subtests also use). The suite tests
// only the documented contract: it never looks at an adapter's internals,
// never reads the clock (times it needs are set explicitly or taken from
// what the store returned), accepts times back with any location as long as
// they are Equal, and matches errors with errors.Is and errors.As, so
// adapters may wrap them. Every failure message starts with the rule that
// was broken.
//
// # Readings of the contract
//
// Where the store documentation leaves room, the suite checks one reading:
//
//   - ErrNotFound "reports that the addressed account ... does not exist":
//     every account-scoped call on a missing account fails with it, reads
//     and listings included.
//   - A comparison on a multi-valued sub-attribute (emails.value,
//     members.value) matches when one value matches, so a user without
//     emails, or a group without members, matches none, ne included.
//   - Store-set fields passed in (ids, Created, Modified, Version, a token's
//     AccountID) are ignored.
//
// It leaves alone what the contract does not say: whether removing a user
// changes the version of its groups, the order of string comparison beyond
// ASCII letters, and the precision of stored times beyond whole seconds.
package storetest
