ALTER TABLE "provisioning_profiles" ADD COLUMN "app_link" text DEFAULT '{scheme}://provision?url={url_encoded}' NOT NULL;--> statement-breakpoint
ALTER TABLE "provisioning_profiles" ADD COLUMN "registration_expires" integer DEFAULT 3600 NOT NULL;--> statement-breakpoint
ALTER TABLE "provisioning_profiles" ADD COLUMN "credentials" text DEFAULT 'password' NOT NULL;