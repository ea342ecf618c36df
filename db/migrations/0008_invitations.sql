CREATE TABLE "invitations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" bigint NOT NULL,
	"user_id" text NOT NULL,
	"role" text NOT NULL,
	"workgroup_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"invited_by" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_org_user_uq" ON "invitations" USING btree ("org_id","user_id");--> statement-breakpoint
CREATE INDEX "invitations_user_idx" ON "invitations" USING btree ("user_id");--> statement-breakpoint
-- Names and file names stored before Kanal dropped invisible controls from them (src/names.ts):
-- direction overrides, isolates and zero-width characters are removed once here.
UPDATE "users" SET "name" = regexp_replace("name", '[\u202A-\u202E\u2066-\u2069\u200B\u2060-\u2064\uFEFF]', '', 'g') WHERE "name" ~ '[\u202A-\u202E\u2066-\u2069\u200B\u2060-\u2064\uFEFF]';--> statement-breakpoint
UPDATE "contacts" SET "name" = regexp_replace("name", '[\u202A-\u202E\u2066-\u2069\u200B\u2060-\u2064\uFEFF]', '', 'g') WHERE "name" ~ '[\u202A-\u202E\u2066-\u2069\u200B\u2060-\u2064\uFEFF]';--> statement-breakpoint
UPDATE "attachments" SET "filename" = regexp_replace("filename", '[\u202A-\u202E\u2066-\u2069\u200B\u2060-\u2064\uFEFF]', '', 'g') WHERE "filename" ~ '[\u202A-\u202E\u2066-\u2069\u200B\u2060-\u2064\uFEFF]';
