CREATE TABLE "registrar_aliases" (
	"alias_username" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"domain" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "virtual_numbers_account_idx" ON "virtual_numbers" USING btree ("account_id");