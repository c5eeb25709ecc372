// Package storekit holds the portable parts of a storage adapter: what can
// be built from the smaller parts of the store.Store contract, so that an
// adapter writes only what its database must do itself.
//
// # Wrap and Backend
//
// Wrap turns a Backend into a whole store.Store. A Backend is plain
// storage: transactions (View, Update) over get, insert, update and delete
// of accounts, tokens, users, groups and memberships, appending events and
// keeping consumers' cursors and leases. Wrap does the rest with portable
// fallbacks: validation, uniqueness, version checks, the case rules, member
// checks and deltas, filters on every attribute (CompileUser,
// CompileGroup), paging, the userName, externalId and email lookups
// (expressed as filters), invite reminders, and the change feed's events,
// decided by store.UserEvents and friends and numbered with
// store.StampEvents inside the write's own transaction. The one promise a
// Backend must keep for all of that to be atomic is in Backend.Update:
// writes to one account are serialisable.
//
// # Fast paths
//
// A Backend's Reader may also implement UserFinder, GroupFinder,
// MemberTester, UserQuerier and GroupQuerier; Wrap finds them by type
// assertion and uses them instead of the fallback, whose cost each
// interface documents (most fallbacks scan the account: O(n)). A querier
// may answer errors.ErrUnsupported for a filter it does not translate, and
// the fallback evaluates it. storetest.RunSameAnswers checks that a fast
// path gives the fallback's answers, with FallbacksOnly on the other side.
//
// # Filters
//
// CompileUser and CompileGroup evaluate any store.Filter on values in
// memory, for every attribute, operator, case rule and multi-valued
// attribute the contract names (the attributes come from the tables in
// package store: store.UserAttributes and the others). An adapter that
// translates some filters to its query language calls them for the rest;
// store/memstore runs them behind its indexes.
//
// # Cost
//
// A compiled matcher looks at one record in tens of nanoseconds and
// allocates nothing for ASCII values; a list through it visits every
// record of the account, O(n) per request. BenchmarkWrap measures Wrap's
// fallbacks beside memstore's indexes at 100,000 users: a userName lookup
// about 9 ms against 0.2 µs, a page of 100 about 25 ms against 60 µs (see
// also BenchmarkFallback in store/memstore, the evaluator alone).
package storekit
