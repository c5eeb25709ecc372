-- scimkit schema, version 4 (PostgreSQL): the activity log and the
-- tokens' last use (store.ActivityLog, store.TokenUsage). Entries carry
-- no token, password or body. account_id has no foreign key: entries are
-- appended in batches off the request path and those of a vanished
-- account are dropped by the insert itself.
CREATE TABLE scimkit_activity (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    text COLLATE "C" NOT NULL,
    at            bigint NOT NULL,
    kind          text COLLATE "C" NOT NULL,
    method        text COLLATE "C" NOT NULL,
    path          text COLLATE "C" NOT NULL,
    resource_type text COLLATE "C" NOT NULL,
    resource_id   text COLLATE "C" NOT NULL,
    name          text COLLATE "C" NOT NULL,
    status        integer NOT NULL,
    scim_type     text COLLATE "C" NOT NULL,
    detail        text COLLATE "C" NOT NULL,
    latency       bigint NOT NULL,
    user_agent    text COLLATE "C" NOT NULL,
    token_id      text COLLATE "C" NOT NULL,
    count         integer NOT NULL,
    actor_id      text COLLATE "C" NOT NULL,
    action        text COLLATE "C" NOT NULL
);
CREATE INDEX scimkit_activity_account_idx ON scimkit_activity (account_id, id);
CREATE INDEX scimkit_activity_at_idx ON scimkit_activity (account_id, at);

ALTER TABLE scimkit_tokens ADD COLUMN last_used bigint NOT NULL DEFAULT 0;
