-- `subscriber` over one narrow table: `registrar_subscribers` holds the enabled accounts' username,
-- realm and HA1, kept here by triggers. Kamailio's auth_db asks at every REGISTER, and a view over
-- the wide `accounts` table answered slower than a plain Kamailio table.

-- Accounts come and go in bulk (an import, a group's accounts deleted): one pass a statement.
CREATE FUNCTION "registrar_subscribers_inserted"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "registrar_subscribers" ("id", "username", "domain", "ha1")
  SELECT "id", "username", "sip_ha1_realm", "sip_ha1" FROM "new_accounts" WHERE "enabled";
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE FUNCTION "registrar_subscribers_deleted"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "registrar_subscribers" WHERE "id" IN (SELECT "id" FROM "old_accounts");
  RETURN NULL;
END
$$;
--> statement-breakpoint

-- Enabled, disabled, renamed or re-hashed (a new password, a realm change re-hashing a profile's
-- accounts): the row follows. Other columns leave it alone.
CREATE FUNCTION "registrar_subscribers_updated"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "registrar_subscribers" WHERE "id" IN (
    SELECT "o"."id" FROM "old_accounts" AS "o" JOIN "new_accounts" AS "n" ON "n"."id" = "o"."id"
    WHERE "o"."enabled" IS DISTINCT FROM "n"."enabled" OR "o"."username" IS DISTINCT FROM "n"."username"
      OR "o"."sip_ha1" IS DISTINCT FROM "n"."sip_ha1"
      OR "o"."sip_ha1_realm" IS DISTINCT FROM "n"."sip_ha1_realm");
  INSERT INTO "registrar_subscribers" ("id", "username", "domain", "ha1")
  SELECT "n"."id", "n"."username", "n"."sip_ha1_realm", "n"."sip_ha1"
  FROM "new_accounts" AS "n" JOIN "old_accounts" AS "o" ON "o"."id" = "n"."id"
  WHERE "n"."enabled" AND ("o"."enabled" IS DISTINCT FROM "n"."enabled"
    OR "o"."username" IS DISTINCT FROM "n"."username" OR "o"."sip_ha1" IS DISTINCT FROM "n"."sip_ha1"
    OR "o"."sip_ha1_realm" IS DISTINCT FROM "n"."sip_ha1_realm");
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE FUNCTION "registrar_subscribers_truncated"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "registrar_subscribers";
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE TRIGGER "accounts_registrar_subscribers_insert" AFTER INSERT ON "accounts"
REFERENCING NEW TABLE AS "new_accounts"
FOR EACH STATEMENT EXECUTE FUNCTION "registrar_subscribers_inserted"();
--> statement-breakpoint

CREATE TRIGGER "accounts_registrar_subscribers_delete" AFTER DELETE ON "accounts"
REFERENCING OLD TABLE AS "old_accounts"
FOR EACH STATEMENT EXECUTE FUNCTION "registrar_subscribers_deleted"();
--> statement-breakpoint

CREATE TRIGGER "accounts_registrar_subscribers_update" AFTER UPDATE ON "accounts"
REFERENCING OLD TABLE AS "old_accounts" NEW TABLE AS "new_accounts"
FOR EACH STATEMENT EXECUTE FUNCTION "registrar_subscribers_updated"();
--> statement-breakpoint

CREATE TRIGGER "accounts_registrar_subscribers_truncate" AFTER TRUNCATE ON "accounts"
FOR EACH STATEMENT EXECUTE FUNCTION "registrar_subscribers_truncated"();
--> statement-breakpoint

INSERT INTO "registrar_subscribers" ("id", "username", "domain", "ha1")
SELECT "id", "username", "sip_ha1_realm", "sip_ha1" FROM "accounts" WHERE "enabled";
--> statement-breakpoint

-- Same columns as before: id, username, domain, password (empty: HA1 only), ha1, ha1b.
CREATE OR REPLACE VIEW "subscriber" AS
SELECT "id", "username", "domain", ''::text AS "password", "ha1", ''::text AS "ha1b"
FROM "registrar_subscribers";
