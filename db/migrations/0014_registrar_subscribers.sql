CREATE TABLE "registrar_subscribers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"domain" text NOT NULL,
	"ha1" text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "registrar_subscribers_username_domain_idx" ON "registrar_subscribers" USING btree ("username","domain");