-- scimkit schema, version 3 (PostgreSQL): the change feed.
-- event_seq is the account's last event sequence number. Every write
-- transaction locks its account row first, so events are numbered in
-- commit order without gaps.
ALTER TABLE scimkit_accounts ADD COLUMN event_seq bigint NOT NULL DEFAULT 0;

CREATE TABLE scimkit_events (
    account_id    text COLLATE "C" NOT NULL REFERENCES scimkit_accounts (id),
    seq           bigint NOT NULL,
    id            text COLLATE "C" NOT NULL,
    type          text COLLATE "C" NOT NULL,
    at            bigint NOT NULL,
    resource_type text COLLATE "C" NOT NULL,
    resource_id   text COLLATE "C" NOT NULL,
    actor_kind    text COLLATE "C" NOT NULL,
    actor_id      text COLLATE "C" NOT NULL,
    data          text COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, seq)
);
CREATE INDEX scimkit_events_at_idx ON scimkit_events (account_id, at);

-- One row per consumer and account: its cursor and its lease.
CREATE TABLE scimkit_feed_consumers (
    consumer    text COLLATE "C" NOT NULL,
    account_id  text COLLATE "C" NOT NULL REFERENCES scimkit_accounts (id),
    last_seq    bigint NOT NULL DEFAULT 0,
    holder      text COLLATE "C" NOT NULL DEFAULT '',
    lease_until bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (consumer, account_id)
);
