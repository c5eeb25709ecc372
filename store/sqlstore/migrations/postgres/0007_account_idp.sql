-- Migration 7: the identity provider an account's admin chose (store.Account.IdP),
-- which names the mapping its SCIM requests are translated with. Existing
-- accounts get '' (the handler's default mapping).
ALTER TABLE scimkit_accounts ADD COLUMN idp text COLLATE "C" NOT NULL DEFAULT '';
