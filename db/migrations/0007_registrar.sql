CREATE TABLE "account_access_rules" (
	"account_id" uuid NOT NULL,
	"username" text NOT NULL,
	"kind" text NOT NULL,
	"position" integer NOT NULL,
	"net" "cidr" NOT NULL,
	CONSTRAINT "account_access_rules_account_id_kind_position_pk" PRIMARY KEY("account_id","kind","position")
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "sip_ha1_realm" text DEFAULT 'sipops' NOT NULL;--> statement-breakpoint
ALTER TABLE "provisioning_profiles" ADD COLUMN "realm" text;--> statement-breakpoint
ALTER TABLE "account_access_rules" ADD CONSTRAINT "account_access_rules_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_access_rules_username_idx" ON "account_access_rules" USING btree ("username");