-- scimkit schema, version 2 (PostgreSQL).
-- The SCIM layer lists groups with the filter "managed eq true", and
-- package linking lists users by state: count managed groups in the account
-- row (so such a listing's total is one row read) and index both.
ALTER TABLE scimkit_accounts ADD COLUMN managed_group_count bigint NOT NULL DEFAULT 0;
UPDATE scimkit_accounts a SET managed_group_count =
    (SELECT count(*) FROM scimkit_groups g WHERE g.account_id = a.id AND g.managed);
CREATE INDEX scimkit_groups_managed_idx ON scimkit_groups (account_id, managed, seq);
CREATE INDEX scimkit_users_state_idx ON scimkit_users (account_id, state, seq);
