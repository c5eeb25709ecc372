package hostadapter

// HostSchema is the host's database as it was before it ever heard of
// SCIM: organisations, their members and teams. Times are Unix
// microseconds. The adapter reads and writes these tables in place; it
// never adds a column to them. (The example creates them when they are
// missing, so that it runs on an empty file; a real host has them.)
const HostSchema = `
CREATE TABLE IF NOT EXISTS orgs (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	org_id      TEXT NOT NULL REFERENCES orgs(id),
	email       TEXT NOT NULL,              -- the login
	full_name   TEXT NOT NULL DEFAULT '',
	role        TEXT NOT NULL DEFAULT 'member',
	invited_at  INTEGER,
	joined_at   INTEGER,
	disabled_at INTEGER,                    -- NULL: may sign in
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	UNIQUE (org_id, email)
);
CREATE INDEX IF NOT EXISTS members_org ON members (org_id);
CREATE TABLE IF NOT EXISTS teams (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	org_id     TEXT NOT NULL REFERENCES orgs(id),
	name       TEXT NOT NULL,
	is_admin   INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS teams_org ON teams (org_id);
CREATE TABLE IF NOT EXISTS team_members (
	team_id   INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
	member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
	PRIMARY KEY (team_id, member_id)
);
CREATE INDEX IF NOT EXISTS team_members_member ON team_members (member_id);
`

// sideSchema is what scimkit needs beside the host's tables: the fields a
// host has no column for (external ids, versions, the folded keys, the
// rest of the SCIM profile as JSON), the tokens, the feed and its
// consumers. Each side row is keyed by the host row it extends.
const sideSchema = `
CREATE TABLE IF NOT EXISTS scim_accounts (
	org_id       TEXT PRIMARY KEY REFERENCES orgs(id),
	created      INTEGER NOT NULL,
	provisioning INTEGER NOT NULL,
	domains      TEXT NOT NULL,             -- JSON array
	idp          TEXT NOT NULL DEFAULT '',  -- store.Account.IdP
	modified     INTEGER NOT NULL,
	version      INTEGER NOT NULL,
	last_seq     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS scim_users (
	member_id   INTEGER PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
	org_id      TEXT NOT NULL,
	name_fold   TEXT NOT NULL,              -- store.Fold(members.email)
	external_id TEXT,                       -- NULL when empty
	state       TEXT NOT NULL,
	linked      INTEGER NOT NULL,
	reminded_at INTEGER,
	version     INTEGER NOT NULL,
	profile     TEXT NOT NULL               -- JSON: name parts, emails, enterprise, extra...
);
CREATE UNIQUE INDEX IF NOT EXISTS scim_users_name ON scim_users (org_id, name_fold);
CREATE UNIQUE INDEX IF NOT EXISTS scim_users_ext ON scim_users (org_id, external_id);
CREATE TABLE IF NOT EXISTS scim_emails (
	member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
	org_id     TEXT NOT NULL,
	value_fold TEXT NOT NULL,
	PRIMARY KEY (member_id, value_fold)
);
CREATE INDEX IF NOT EXISTS scim_emails_value ON scim_emails (org_id, value_fold);
CREATE TABLE IF NOT EXISTS scim_groups (
	team_id     INTEGER PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
	org_id      TEXT NOT NULL,
	name_fold   TEXT NOT NULL,
	external_id TEXT,
	managed     INTEGER NOT NULL,
	linked      INTEGER NOT NULL,
	version     INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS scim_groups_name ON scim_groups (org_id, name_fold);
CREATE UNIQUE INDEX IF NOT EXISTS scim_groups_ext ON scim_groups (org_id, external_id);
CREATE TABLE IF NOT EXISTS scim_tokens (
	id      TEXT PRIMARY KEY,
	org_id  TEXT NOT NULL,
	hash    BLOB NOT NULL UNIQUE,
	label   TEXT NOT NULL,
	created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS scim_events (
	org_id TEXT NOT NULL,
	seq    INTEGER NOT NULL,
	time   INTEGER NOT NULL,                -- Unix nanoseconds
	body   TEXT NOT NULL,                   -- store.Event as JSON
	PRIMARY KEY (org_id, seq)
);
CREATE TABLE IF NOT EXISTS scim_consumers (
	org_id TEXT NOT NULL,
	name   TEXT NOT NULL,
	cursor INTEGER NOT NULL,
	holder TEXT NOT NULL,
	until  INTEGER,
	PRIMARY KEY (org_id, name)
);
`
