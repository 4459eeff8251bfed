CREATE TABLE "profile_logos" (
	"sha256" text PRIMARY KEY NOT NULL,
	"content_type" text NOT NULL,
	"data" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "provisioning_profiles" ADD COLUMN "accent_color" text;--> statement-breakpoint
ALTER TABLE "provisioning_profiles" ADD COLUMN "support_contact" text;--> statement-breakpoint
ALTER TABLE "provisioning_profiles" ADD COLUMN "time_zone" text DEFAULT 'Europe/Rome' NOT NULL;--> statement-breakpoint
ALTER TABLE "provisioning_profiles" ADD COLUMN "logo_sha256" text;--> statement-breakpoint
ALTER TABLE "provisioning_profiles" ADD COLUMN "sms_templates" jsonb DEFAULT '{}'::jsonb NOT NULL;