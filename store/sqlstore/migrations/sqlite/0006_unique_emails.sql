-- Migration 6: email values are unique per account, across users
-- (case-insensitively, by value_fold). scimkit_user_emails keeps every
-- email entry as given (a user may list one address twice);
-- scimkit_user_email_keys holds each folded address once per account,
-- with the user that owns it, and its primary key is what refuses a
-- second owner, atomically, whatever the number of writers.
--
-- Upgrading a database that already has several users with one email
-- never fails and changes no user: the oldest of them (lowest seq) owns
-- the address; the others keep it in their emails (and UsersByEmail still
-- finds them all), may still be updated with it, and take ownership when
-- they write it while nobody else owns it. No new user can get it.
CREATE TABLE scimkit_user_email_keys (
    account_id text NOT NULL,
    value_fold text NOT NULL,
    user_seq   bigint NOT NULL REFERENCES scimkit_users (seq) ON DELETE CASCADE,
    CONSTRAINT scimkit_user_email_keys_key PRIMARY KEY (account_id, value_fold)
);
CREATE INDEX scimkit_user_email_keys_user_idx ON scimkit_user_email_keys (user_seq);
INSERT INTO scimkit_user_email_keys (account_id, value_fold, user_seq)
    SELECT account_id, value_fold, MIN(user_seq) FROM scimkit_user_emails
    WHERE value_fold <> '' GROUP BY account_id, value_fold;
