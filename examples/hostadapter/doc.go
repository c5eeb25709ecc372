// Package hostadapter is a worked storage adapter over a host's own
// database: a small SaaS product's SQLite tables as they were before it
// heard of SCIM (orgs, members, teams, team_members; see HostSchema), plus
// only the side tables scimkit needs (external ids, versions, folded keys
// and the rest of the SCIM profile, tokens, the change feed, consumers).
//
// It implements storekit.Backend (adapter.go, records.go) and the
// optional fast paths (fastpaths.go); storekit.Wrap builds everything
// else. An IdP's users are the host's members rows: a user Okta creates
// is an INSERT INTO members, a deactivation sets members.disabled_at, a
// group push writes teams and team_members; and the host's existing
// members are found by email and linked the moment provisioning is turned
// on for their org (CreateAccount adopts them).
//
//	a, err := hostadapter.Open(ctx, "app.db")
//	...
//	h, err := scim.New(linking.New(a, notifier))
//
// The mapping, in one place:
//
//	store.Account  orgs + scim_accounts (provisioning switch, domains, version, feed counter)
//	User.ID        "m" + members.id
//	UserName       members.email (the host's login)
//	DisplayName    members.full_name
//	InvitedAt      members.invited_at
//	AcceptedAt     members.joined_at
//	State          suspended while members.disabled_at is set (the host's switch wins), else scim_users.state
//	Created/Mod.   members.created_at / updated_at
//	the rest       scim_users (externalId, linked, remindedAt, version, profile JSON) and scim_emails (folded email keys)
//	Group.ID       "t" + teams.id; DisplayName teams.name; Privileged teams.is_admin; the rest in scim_groups
//	members        team_members, in rowid order
//
// Host code that changes members or teams directly (not through the
// store) is seen at once, but without a new version or a feed event; a
// member the host inserts after the adoption has no side row until it is
// written through the store, so the indexed userName and email lookups
// miss it. Hosts that need both worlds to write freely keep scimkit's own
// tables instead (store/sqlstore) and follow the change feed; see "Writing
// a storage adapter" in package store.
package hostadapter
