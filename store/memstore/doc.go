// Package memstore is scimkit's embedded, in-memory implementation of
// store.Store: the default for hosts that keep their directory in process
// memory, for tests and for examples.
//
// Everything lives in maps and slices guarded by one lock for the accounts
// and tokens and one lock per account for its users and groups, so it is
// safe for concurrent use. Nothing is persisted.
//
// # Costs
//
// For an account with n users (or groups):
//
//   - lookups by id, userName, externalId, email, group displayName, group
//     externalId and token hash are map lookups, O(1);
//   - an unfiltered page of size c costs O(c log n) wherever it starts, even
//     after deletions (records keep their creation-order slot; a Fenwick
//     tree of live counts finds the k-th one);
//   - a filtered listing whose filter is, or is an and containing, an eq on
//     id, userName, externalId, emails.value, displayName or members.value
//     (or emails[value eq ...], members[value eq ...]) checks only the
//     records the index yields; any other filter scans the account in
//     creation order, O(n);
//   - adding or removing one group member is O(1) whatever the group size
//     (amortised); Members costs O(m) for m members, already in the order
//     added; GroupsOfUser costs O(k log k) for a user in k groups;
//   - ClaimReminders looks only at the users still awaiting a reminder,
//     O(p log p) for p such users.
//
// A typical user as Okta provisions it (userName, name parts, displayName,
// one work email, externalId, locale) takes about 620 bytes with its index
// entries: fields that such users leave empty are kept out of line.
//
// # Filters
//
// Filters are evaluated as documented in package store: case-insensitive
// attributes compare store.Fold-ed forms for every operator, an absent
// string is "", and a multi-valued sub-attribute (emails.value,
// members.value, ...) matches when any one value does, so a user without
// emails matches no comparison on emails.value, ne included. Unknown
// attributes, operators that do not fit the attribute's type and values of
// the wrong Go type are errors matching store.ErrInvalid.
//
// # Choices where the contract is silent
//
//   - Removing a user (DeleteUser) bumps the version and Modified time of
//     every group it was a member of, since their membership changed.
//   - UpdateGroup with ReplaceMembers keeps the original order of members
//     that stay and appends new ones in the order given.
//   - Reads on an account that does not exist fail with store.ErrNotFound.
//   - The change feed (store.Feed) is kept in memory with the rest: every
//     event stays until PruneEvents removes it, so a long-running host
//     prunes on a schedule. Event ids are random (128 bits, hex), not taken
//     from WithIDs, so that the ids of users and groups stay as the
//     generator gives them.
package memstore
