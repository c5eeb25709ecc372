// Package storekit holds the portable parts of a storage adapter: what can
// be built from the smaller parts of the store.Store contract, so that an
// adapter writes only what its database must do itself.
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
// record of the account, O(n) per request (see BenchmarkFallback in
// store/memstore for measurements beside an index).
package storekit
