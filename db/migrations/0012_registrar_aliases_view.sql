-- `dbaliases` over one table: `registrar_aliases` holds the numbers of enabled accounts with the
-- username and realm they stand for, kept here by triggers. A registrar asks at every REGISTER and
-- call, and planning and running a join through `accounts` at each ask made it slower than a
-- plain Kamailio table.

-- Numbers come and go in bulk (an import, a cascade from a deleted account): one pass a statement.
CREATE FUNCTION "registrar_aliases_numbers_inserted"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "registrar_aliases" ("alias_username", "username", "domain")
  SELECT "n"."number", "a"."username", "a"."sip_ha1_realm"
  FROM "new_numbers" AS "n" JOIN "accounts" AS "a" ON "a"."id" = "n"."account_id"
  WHERE "a"."enabled";
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE FUNCTION "registrar_aliases_numbers_deleted"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "registrar_aliases" WHERE "alias_username" IN (SELECT "number" FROM "old_numbers");
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE FUNCTION "registrar_aliases_numbers_updated"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "registrar_aliases" WHERE "alias_username" IN (SELECT "number" FROM "old_numbers");
  INSERT INTO "registrar_aliases" ("alias_username", "username", "domain")
  SELECT "n"."number", "a"."username", "a"."sip_ha1_realm"
  FROM "new_numbers" AS "n" JOIN "accounts" AS "a" ON "a"."id" = "n"."account_id"
  WHERE "a"."enabled";
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE FUNCTION "registrar_aliases_numbers_truncated"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "registrar_aliases";
  RETURN NULL;
END
$$;
--> statement-breakpoint

-- An account enabled, disabled, renamed or re-hashed with another realm: its numbers follow.
CREATE FUNCTION "registrar_aliases_account_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "registrar_aliases"
  WHERE "alias_username" IN (SELECT "number" FROM "virtual_numbers" WHERE "account_id" = NEW."id");
  IF NEW."enabled" THEN
    INSERT INTO "registrar_aliases" ("alias_username", "username", "domain")
    SELECT "number", NEW."username", NEW."sip_ha1_realm"
    FROM "virtual_numbers" WHERE "account_id" = NEW."id";
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE TRIGGER "virtual_numbers_registrar_aliases_insert" AFTER INSERT ON "virtual_numbers"
REFERENCING NEW TABLE AS "new_numbers"
FOR EACH STATEMENT EXECUTE FUNCTION "registrar_aliases_numbers_inserted"();
--> statement-breakpoint

CREATE TRIGGER "virtual_numbers_registrar_aliases_delete" AFTER DELETE ON "virtual_numbers"
REFERENCING OLD TABLE AS "old_numbers"
FOR EACH STATEMENT EXECUTE FUNCTION "registrar_aliases_numbers_deleted"();
--> statement-breakpoint

CREATE TRIGGER "virtual_numbers_registrar_aliases_update" AFTER UPDATE ON "virtual_numbers"
REFERENCING OLD TABLE AS "old_numbers" NEW TABLE AS "new_numbers"
FOR EACH STATEMENT EXECUTE FUNCTION "registrar_aliases_numbers_updated"();
--> statement-breakpoint

CREATE TRIGGER "virtual_numbers_registrar_aliases_truncate" AFTER TRUNCATE ON "virtual_numbers"
FOR EACH STATEMENT EXECUTE FUNCTION "registrar_aliases_numbers_truncated"();
--> statement-breakpoint

CREATE TRIGGER "accounts_registrar_aliases_update"
AFTER UPDATE OF "enabled", "username", "sip_ha1_realm" ON "accounts"
FOR EACH ROW WHEN (OLD."enabled" IS DISTINCT FROM NEW."enabled"
  OR OLD."username" IS DISTINCT FROM NEW."username"
  OR OLD."sip_ha1_realm" IS DISTINCT FROM NEW."sip_ha1_realm")
EXECUTE FUNCTION "registrar_aliases_account_changed"();
--> statement-breakpoint

INSERT INTO "registrar_aliases" ("alias_username", "username", "domain")
SELECT "virtual_numbers"."number", "accounts"."username", "accounts"."sip_ha1_realm"
FROM "virtual_numbers" JOIN "accounts" ON "accounts"."id" = "virtual_numbers"."account_id"
WHERE "accounts"."enabled";
--> statement-breakpoint

-- Same columns as before: alias_username, alias_domain, username, domain.
CREATE OR REPLACE VIEW "dbaliases" AS
SELECT "alias_username", "domain" AS "alias_domain", "username", "domain"
FROM "registrar_aliases";
