CREATE TABLE "ledger_import_problems" (
	"import_id" bigint NOT NULL,
	"line" integer NOT NULL,
	"reason" text NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	CONSTRAINT "ledger_import_problems_import_id_line_pk" PRIMARY KEY("import_id","line")
);
--> statement-breakpoint
CREATE TABLE "ledger_imports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" bigint NOT NULL,
	"created_by" text,
	"file_name" text NOT NULL,
	"content" text NOT NULL,
	"encoding" text NOT NULL,
	"delimiter" text NOT NULL,
	"decimal_mark" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"total_lines" integer DEFAULT 0 NOT NULL,
	"problem_lines" integer DEFAULT 0 NOT NULL,
	"unchanged_lines" integer DEFAULT 0 NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"added" integer DEFAULT 0 NOT NULL,
	"started_by" text,
	"lease_token" text,
	"lease_until" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "ledger_import_problems" ADD CONSTRAINT "ledger_import_problems_import_id_ledger_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."ledger_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_imports" ADD CONSTRAINT "ledger_imports_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_imports" ADD CONSTRAINT "ledger_imports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_imports" ADD CONSTRAINT "ledger_imports_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_imports_org_idx" ON "ledger_imports" USING btree ("org_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ledger_imports_unfinished_idx" ON "ledger_imports" USING btree ("lease_until") WHERE "ledger_imports"."status" in ('queued', 'running');