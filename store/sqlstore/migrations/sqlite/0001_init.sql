-- scimkit schema, version 1 (SQLite).
-- Text columns use the default BINARY collation, so =, < and > compare bytes,
-- exactly as Go compares strings (and as memstore does). Columns
-- ending in _fold hold store.Fold of their counterpart, computed in Go.
-- Times are Unix nanoseconds (UTC); NULL means the zero time.

CREATE TABLE scimkit_accounts (
    seq                  INTEGER PRIMARY KEY,
    id                   text NOT NULL,
    provisioning_enabled integer NOT NULL,
    allowed_domains      text NOT NULL,
    user_count           bigint NOT NULL DEFAULT 0,
    users_gen            bigint NOT NULL DEFAULT 0,
    group_count          bigint NOT NULL DEFAULT 0,
    groups_gen           bigint NOT NULL DEFAULT 0,
    created              bigint NOT NULL,
    modified             bigint NOT NULL,
    version              bigint NOT NULL,
    CONSTRAINT scimkit_accounts_id_key UNIQUE (id)
);

CREATE TABLE scimkit_tokens (
    seq        INTEGER PRIMARY KEY,
    account_id text NOT NULL REFERENCES scimkit_accounts (id),
    id         text NOT NULL,
    hash       blob NOT NULL,
    label      text NOT NULL,
    created    bigint NOT NULL,
    CONSTRAINT scimkit_tokens_id_key UNIQUE (account_id, id),
    CONSTRAINT scimkit_tokens_hash_key UNIQUE (hash)
);

CREATE TABLE scimkit_users (
    seq                     INTEGER PRIMARY KEY,
    account_id              text NOT NULL REFERENCES scimkit_accounts (id),
    id                      text NOT NULL,
    external_id             text NOT NULL DEFAULT '',
    user_name               text NOT NULL,
    user_name_fold          text NOT NULL,
    display_name            text NOT NULL DEFAULT '',
    display_name_fold       text NOT NULL DEFAULT '',
    formatted_name          text NOT NULL DEFAULT '',
    formatted_name_fold     text NOT NULL DEFAULT '',
    family_name             text NOT NULL DEFAULT '',
    family_name_fold        text NOT NULL DEFAULT '',
    given_name              text NOT NULL DEFAULT '',
    given_name_fold         text NOT NULL DEFAULT '',
    middle_name             text NOT NULL DEFAULT '',
    middle_name_fold        text NOT NULL DEFAULT '',
    honorific_prefix        text NOT NULL DEFAULT '',
    honorific_suffix        text NOT NULL DEFAULT '',
    nick_name               text NOT NULL DEFAULT '',
    nick_name_fold          text NOT NULL DEFAULT '',
    title                   text NOT NULL DEFAULT '',
    title_fold              text NOT NULL DEFAULT '',
    user_type               text NOT NULL DEFAULT '',
    user_type_fold          text NOT NULL DEFAULT '',
    preferred_language      text NOT NULL DEFAULT '',
    preferred_language_fold text NOT NULL DEFAULT '',
    locale                  text NOT NULL DEFAULT '',
    locale_fold             text NOT NULL DEFAULT '',
    timezone                text NOT NULL DEFAULT '',
    timezone_fold           text NOT NULL DEFAULT '',
    employee_number         text NOT NULL DEFAULT '',
    cost_center             text NOT NULL DEFAULT '',
    cost_center_fold        text NOT NULL DEFAULT '',
    organization            text NOT NULL DEFAULT '',
    organization_fold       text NOT NULL DEFAULT '',
    division                text NOT NULL DEFAULT '',
    division_fold           text NOT NULL DEFAULT '',
    department              text NOT NULL DEFAULT '',
    department_fold         text NOT NULL DEFAULT '',
    manager_id              text NOT NULL DEFAULT '',
    extra                   text NOT NULL DEFAULT '',
    state                   text NOT NULL,
    linked                  integer NOT NULL,
    invited_at              bigint,
    reminded_at             bigint,
    accepted_at             bigint,
    created                 bigint NOT NULL,
    modified                bigint NOT NULL,
    version                 bigint NOT NULL,
    CONSTRAINT scimkit_users_id_key UNIQUE (account_id, id)
);
CREATE UNIQUE INDEX scimkit_users_user_name_key ON scimkit_users (account_id, user_name_fold);
CREATE UNIQUE INDEX scimkit_users_external_id_key ON scimkit_users (account_id, external_id) WHERE external_id <> '';
CREATE INDEX scimkit_users_order_idx ON scimkit_users (account_id, seq);
CREATE INDEX scimkit_users_reminder_idx ON scimkit_users (account_id, seq)
    WHERE state = 'invited' AND reminded_at IS NULL AND invited_at IS NOT NULL;

CREATE TABLE scimkit_user_emails (
    user_seq   bigint NOT NULL REFERENCES scimkit_users (seq) ON DELETE CASCADE,
    ord        integer NOT NULL,
    account_id text NOT NULL,
    value      text NOT NULL,
    value_fold text NOT NULL,
    type       text NOT NULL,
    type_fold  text NOT NULL,
    is_primary integer NOT NULL,
    PRIMARY KEY (user_seq, ord)
);
CREATE INDEX scimkit_user_emails_value_idx ON scimkit_user_emails (account_id, value_fold);

CREATE TABLE scimkit_groups (
    seq               INTEGER PRIMARY KEY,
    account_id        text NOT NULL REFERENCES scimkit_accounts (id),
    id                text NOT NULL,
    external_id       text NOT NULL DEFAULT '',
    display_name      text NOT NULL,
    display_name_fold text NOT NULL,
    managed           integer NOT NULL,
    privileged        integer NOT NULL,
    linked            integer NOT NULL,
    created           bigint NOT NULL,
    modified          bigint NOT NULL,
    version           bigint NOT NULL,
    CONSTRAINT scimkit_groups_id_key UNIQUE (account_id, id)
);
CREATE UNIQUE INDEX scimkit_groups_display_name_key ON scimkit_groups (account_id, display_name_fold);
CREATE UNIQUE INDEX scimkit_groups_external_id_key ON scimkit_groups (account_id, external_id) WHERE external_id <> '';
CREATE INDEX scimkit_groups_order_idx ON scimkit_groups (account_id, seq);

CREATE TABLE scimkit_group_members (
    seq        INTEGER PRIMARY KEY,
    account_id text NOT NULL,
    group_id   text NOT NULL,
    user_id    text NOT NULL,
    CONSTRAINT scimkit_group_members_key UNIQUE (account_id, group_id, user_id),
    FOREIGN KEY (account_id, group_id) REFERENCES scimkit_groups (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, user_id) REFERENCES scimkit_users (account_id, id) ON DELETE CASCADE
);
CREATE INDEX scimkit_group_members_order_idx ON scimkit_group_members (account_id, group_id, seq);
CREATE INDEX scimkit_group_members_user_idx ON scimkit_group_members (account_id, user_id);
