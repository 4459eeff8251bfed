CREATE TABLE "link_lookup_failures" (
	"client_address" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "link_lookup_failures_client_address_window_start_pk" PRIMARY KEY("client_address","window_start")
);
--> statement-breakpoint
CREATE TABLE "sms_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"outbox_id" bigint,
	"account_id" uuid,
	"link_id" uuid,
	"to" text NOT NULL,
	"body" text NOT NULL,
	"sealed_body" text,
	"provider" text NOT NULL,
	"provider_sid" text,
	"status" text NOT NULL,
	"error_code" text,
	"error_message" text,
	"created_at" timestamp with time zone NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sms_messages_outbox_id_unique" UNIQUE("outbox_id"),
	CONSTRAINT "sms_messages_provider_sid_unique" UNIQUE("provider_sid")
);
--> statement-breakpoint
ALTER TABLE "sms_messages" ADD CONSTRAINT "sms_messages_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "link_lookup_failures_window_idx" ON "link_lookup_failures" USING btree ("window_start");--> statement-breakpoint
CREATE INDEX "sms_messages_account_idx" ON "sms_messages" USING btree ("account_id","created_at");