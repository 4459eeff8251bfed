ALTER TABLE "groups" ADD COLUMN "digest_time" text;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "digest_time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "once_key" text;--> statement-breakpoint
ALTER TABLE "slack_roles" ADD COLUMN "group_ids" uuid[];--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_once_key_unique" UNIQUE("once_key");