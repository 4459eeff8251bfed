-- What a SIP registrar reads (Kamailio's auth_db, alias_db and sqlops; Flexisip's SQL backend).
-- The column-by-column contract is README's "Connect your SIP server".

-- Hashes made before profiles had a realm used the global `sip_realm` setting (default sipops).
UPDATE "accounts" SET "sip_ha1_realm" = "settings"."value" #>> '{}'
FROM "settings" WHERE "settings"."key" = 'sip_realm';
--> statement-breakpoint

-- Enabled accounts only: a disabled account, or a wizard account not yet activated, cannot register.
CREATE VIEW "subscriber" AS
SELECT "id", "username", "sip_ha1_realm" AS "domain", ''::text AS "password",
  "sip_ha1" AS "ha1", ''::text AS "ha1b"
FROM "accounts"
WHERE "enabled";
--> statement-breakpoint

-- Every primary and secondary number of an enabled account, pointing at its username.
CREATE VIEW "dbaliases" AS
SELECT "virtual_numbers"."number" AS "alias_username", "accounts"."sip_ha1_realm" AS "alias_domain",
  "accounts"."username", "accounts"."sip_ha1_realm" AS "domain"
FROM "virtual_numbers"
JOIN "accounts" ON "accounts"."id" = "virtual_numbers"."account_id"
WHERE "accounts"."enabled";
--> statement-breakpoint

-- Rules are stored normalised as `a.b.c.d/dotted-netmask` (IPv4) or `network/prefix` (IPv6);
-- Postgres casts no dotted netmask to cidr, so the prefix is its count of one bits.
CREATE FUNCTION "access_rule_cidr"("rule" text) RETURNS cidr
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN position('.' IN split_part("rule", '/', 2)) > 0 THEN
      (split_part("rule", '/', 1) || '/' || length(replace(
        ((split_part("rule", '/', 2)::inet - '0.0.0.0'::inet)::bit(32))::text, '0', '')))::cidr
    ELSE "rule"::cidr
  END
$$;
--> statement-breakpoint

-- The cidr form of `accounts.deny` / `accounts.permit`, kept beside the account by triggers: a
-- registrar asks at every REGISTER and call, and unnesting the text arrays then costs too much.
CREATE FUNCTION "sync_account_access_rules"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM "account_access_rules" WHERE "account_id" = NEW."id";
  END IF;
  INSERT INTO "account_access_rules" ("account_id", "username", "kind", "position", "net")
  SELECT NEW."id", NEW."username", 'deny', "d"."position", "access_rule_cidr"("d"."rule")
  FROM unnest(NEW."deny") WITH ORDINALITY AS "d"("rule", "position")
  UNION ALL
  SELECT NEW."id", NEW."username", 'permit', "p"."position", "access_rule_cidr"("p"."rule")
  FROM unnest(NEW."permit") WITH ORDINALITY AS "p"("rule", "position");
  RETURN NULL;
END
$$;
--> statement-breakpoint

-- Only accounts with rules (SNOM phones) cost anything on insert.
CREATE TRIGGER "accounts_access_rules_insert" AFTER INSERT ON "accounts"
FOR EACH ROW WHEN (cardinality(NEW."deny") + cardinality(NEW."permit") > 0)
EXECUTE FUNCTION "sync_account_access_rules"();
--> statement-breakpoint

CREATE TRIGGER "accounts_access_rules_update" AFTER UPDATE OF "deny", "permit", "username" ON "accounts"
FOR EACH ROW WHEN (OLD."deny" IS DISTINCT FROM NEW."deny" OR OLD."permit" IS DISTINCT FROM NEW."permit"
  OR OLD."username" IS DISTINCT FROM NEW."username")
EXECUTE FUNCTION "sync_account_access_rules"();
--> statement-breakpoint

INSERT INTO "account_access_rules" ("account_id", "username", "kind", "position", "net")
SELECT "accounts"."id", "accounts"."username", 'deny', "d"."position", "access_rule_cidr"("d"."rule")
FROM "accounts" CROSS JOIN LATERAL unnest("accounts"."deny") WITH ORDINALITY AS "d"("rule", "position")
UNION ALL
SELECT "accounts"."id", "accounts"."username", 'permit', "p"."position", "access_rule_cidr"("p"."rule")
FROM "accounts" CROSS JOIN LATERAL unnest("accounts"."permit") WITH ORDINALITY AS "p"("rule", "position");
--> statement-breakpoint

-- One row per SNOM rule, deny rules first, each list in the order staff wrote it.
CREATE VIEW "access_rules" AS
SELECT "username", "kind", "position", "net"
FROM "account_access_rules"
ORDER BY "username", "kind" = 'permit', "position";
