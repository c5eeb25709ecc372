-- scimkit schema, version 4 (SQLite): the activity log and the tokens'
-- last use (store.ActivityLog, store.TokenUsage). Entries carry no
-- token, password or body. account_id has no foreign key: entries are
-- appended in batches off the request path and those of a vanished
-- account are dropped by the insert itself.
CREATE TABLE scimkit_activity (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    text NOT NULL,
    at            bigint NOT NULL,
    kind          text NOT NULL,
    method        text NOT NULL,
    path          text NOT NULL,
    resource_type text NOT NULL,
    resource_id   text NOT NULL,
    name          text NOT NULL,
    status        integer NOT NULL,
    scim_type     text NOT NULL,
    detail        text NOT NULL,
    latency       bigint NOT NULL,
    user_agent    text NOT NULL,
    token_id      text NOT NULL,
    count         integer NOT NULL,
    actor_id      text NOT NULL,
    action        text NOT NULL
);
CREATE INDEX scimkit_activity_account_idx ON scimkit_activity (account_id, id);
CREATE INDEX scimkit_activity_at_idx ON scimkit_activity (account_id, at);

ALTER TABLE scimkit_tokens ADD COLUMN last_used bigint NOT NULL DEFAULT 0;
