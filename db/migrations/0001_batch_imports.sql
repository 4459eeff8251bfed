CREATE TABLE "batch_imports" (
	"id" text PRIMARY KEY NOT NULL,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"account_count" integer NOT NULL
);
