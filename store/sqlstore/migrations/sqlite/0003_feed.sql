-- scimkit schema, version 3 (SQLite): the change feed.
-- event_seq is the account's last event sequence number. Write
-- transactions hold the database's write lock (BEGIN IMMEDIATE), so
-- events are numbered in commit order without gaps.
ALTER TABLE scimkit_accounts ADD COLUMN event_seq bigint NOT NULL DEFAULT 0;

CREATE TABLE scimkit_events (
    account_id    text NOT NULL REFERENCES scimkit_accounts (id),
    seq           bigint NOT NULL,
    id            text NOT NULL,
    type          text NOT NULL,
    at            bigint NOT NULL,
    resource_type text NOT NULL,
    resource_id   text NOT NULL,
    actor_kind    text NOT NULL,
    actor_id      text NOT NULL,
    data          text NOT NULL,
    PRIMARY KEY (account_id, seq)
);
CREATE INDEX scimkit_events_at_idx ON scimkit_events (account_id, at);

-- One row per consumer and account: its cursor and its lease.
CREATE TABLE scimkit_feed_consumers (
    consumer    text NOT NULL,
    account_id  text NOT NULL REFERENCES scimkit_accounts (id),
    last_seq    bigint NOT NULL DEFAULT 0,
    holder      text NOT NULL DEFAULT '',
    lease_until bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (consumer, account_id)
);
