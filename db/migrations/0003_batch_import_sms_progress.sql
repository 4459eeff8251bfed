ALTER TABLE "batch_imports" ADD COLUMN "sms_queued" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "batch_imports" ADD COLUMN "sms_progress_channel" text;--> statement-breakpoint
ALTER TABLE "batch_imports" ADD COLUMN "sms_progress_ts" text;--> statement-breakpoint
ALTER TABLE "batch_imports" ADD COLUMN "sms_progress_done_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "batch_imports_sms_in_flight_idx" ON "batch_imports" USING btree ("created_at") WHERE "batch_imports"."sms_queued" > 0 and "batch_imports"."sms_progress_done_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_sms_import_idx" ON "outbox" USING btree (("payload"->>'importId')) WHERE "outbox"."kind" = 'sms';