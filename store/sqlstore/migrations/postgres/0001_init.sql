-- scimkit schema, version 1 (PostgreSQL).
-- Every text column uses the "C" collation so that =, <, > and LIKE compare
-- bytes, exactly as Go compares strings (and as memstore does). Columns
-- ending in _fold hold store.Fold of their counterpart, computed in Go.
-- Times are Unix nanoseconds (UTC); NULL means the zero time.

CREATE TABLE scimkit_accounts (
    seq                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                   text COLLATE "C" NOT NULL,
    provisioning_enabled boolean NOT NULL,
    allowed_domains      text COLLATE "C" NOT NULL,
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
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id text COLLATE "C" NOT NULL REFERENCES scimkit_accounts (id),
    id         text COLLATE "C" NOT NULL,
    hash       bytea NOT NULL,
    label      text COLLATE "C" NOT NULL,
    created    bigint NOT NULL,
    CONSTRAINT scimkit_tokens_id_key UNIQUE (account_id, id),
    CONSTRAINT scimkit_tokens_hash_key UNIQUE (hash)
);

CREATE TABLE scimkit_users (
    seq                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id              text COLLATE "C" NOT NULL REFERENCES scimkit_accounts (id),
    id                      text COLLATE "C" NOT NULL,
    external_id             text COLLATE "C" NOT NULL DEFAULT '',
    user_name               text COLLATE "C" NOT NULL,
    user_name_fold          text COLLATE "C" NOT NULL,
    display_name            text COLLATE "C" NOT NULL DEFAULT '',
    display_name_fold       text COLLATE "C" NOT NULL DEFAULT '',
    formatted_name          text COLLATE "C" NOT NULL DEFAULT '',
    formatted_name_fold     text COLLATE "C" NOT NULL DEFAULT '',
    family_name             text COLLATE "C" NOT NULL DEFAULT '',
    family_name_fold        text COLLATE "C" NOT NULL DEFAULT '',
    given_name              text COLLATE "C" NOT NULL DEFAULT '',
    given_name_fold         text COLLATE "C" NOT NULL DEFAULT '',
    middle_name             text COLLATE "C" NOT NULL DEFAULT '',
    middle_name_fold        text COLLATE "C" NOT NULL DEFAULT '',
    honorific_prefix        text COLLATE "C" NOT NULL DEFAULT '',
    honorific_suffix        text COLLATE "C" NOT NULL DEFAULT '',
    nick_name               text COLLATE "C" NOT NULL DEFAULT '',
    nick_name_fold          text COLLATE "C" NOT NULL DEFAULT '',
    title                   text COLLATE "C" NOT NULL DEFAULT '',
    title_fold              text COLLATE "C" NOT NULL DEFAULT '',
    user_type               text COLLATE "C" NOT NULL DEFAULT '',
    user_type_fold          text COLLATE "C" NOT NULL DEFAULT '',
    preferred_language      text COLLATE "C" NOT NULL DEFAULT '',
    preferred_language_fold text COLLATE "C" NOT NULL DEFAULT '',
    locale                  text COLLATE "C" NOT NULL DEFAULT '',
    locale_fold             text COLLATE "C" NOT NULL DEFAULT '',
    timezone                text COLLATE "C" NOT NULL DEFAULT '',
    timezone_fold           text COLLATE "C" NOT NULL DEFAULT '',
    employee_number         text COLLATE "C" NOT NULL DEFAULT '',
    cost_center             text COLLATE "C" NOT NULL DEFAULT '',
    cost_center_fold        text COLLATE "C" NOT NULL DEFAULT '',
    organization            text COLLATE "C" NOT NULL DEFAULT '',
    organization_fold       text COLLATE "C" NOT NULL DEFAULT '',
    division                text COLLATE "C" NOT NULL DEFAULT '',
    division_fold           text COLLATE "C" NOT NULL DEFAULT '',
    department              text COLLATE "C" NOT NULL DEFAULT '',
    department_fold         text COLLATE "C" NOT NULL DEFAULT '',
    manager_id              text COLLATE "C" NOT NULL DEFAULT '',
    extra                   text COLLATE "C" NOT NULL DEFAULT '',
    state                   text COLLATE "C" NOT NULL,
    linked                  boolean NOT NULL,
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
    account_id text COLLATE "C" NOT NULL,
    value      text COLLATE "C" NOT NULL,
    value_fold text COLLATE "C" NOT NULL,
    type       text COLLATE "C" NOT NULL,
    type_fold  text COLLATE "C" NOT NULL,
    is_primary boolean NOT NULL,
    PRIMARY KEY (user_seq, ord)
);
CREATE INDEX scimkit_user_emails_value_idx ON scimkit_user_emails (account_id, value_fold);

CREATE TABLE scimkit_groups (
    seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id        text COLLATE "C" NOT NULL REFERENCES scimkit_accounts (id),
    id                text COLLATE "C" NOT NULL,
    external_id       text COLLATE "C" NOT NULL DEFAULT '',
    display_name      text COLLATE "C" NOT NULL,
    display_name_fold text COLLATE "C" NOT NULL,
    managed           boolean NOT NULL,
    privileged        boolean NOT NULL,
    linked            boolean NOT NULL,
    created           bigint NOT NULL,
    modified          bigint NOT NULL,
    version           bigint NOT NULL,
    CONSTRAINT scimkit_groups_id_key UNIQUE (account_id, id)
);
CREATE UNIQUE INDEX scimkit_groups_display_name_key ON scimkit_groups (account_id, display_name_fold);
CREATE UNIQUE INDEX scimkit_groups_external_id_key ON scimkit_groups (account_id, external_id) WHERE external_id <> '';
CREATE INDEX scimkit_groups_order_idx ON scimkit_groups (account_id, seq);

CREATE TABLE scimkit_group_members (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id text COLLATE "C" NOT NULL,
    group_id   text COLLATE "C" NOT NULL,
    user_id    text COLLATE "C" NOT NULL,
    CONSTRAINT scimkit_group_members_key UNIQUE (account_id, group_id, user_id),
    FOREIGN KEY (account_id, group_id) REFERENCES scimkit_groups (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, user_id) REFERENCES scimkit_users (account_id, id) ON DELETE CASCADE
);
CREATE INDEX scimkit_group_members_order_idx ON scimkit_group_members (account_id, group_id, seq);
CREATE INDEX scimkit_group_members_user_idx ON scimkit_group_members (account_id, user_id);
