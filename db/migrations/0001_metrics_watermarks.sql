CREATE TABLE "agent_stats_watermarks" (
	"org_id" bigint PRIMARY KEY NOT NULL,
	"snapshot" "pg_snapshot",
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_stats_watermarks" ADD CONSTRAINT "agent_stats_watermarks_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_metrics_txid_idx" ON "events" USING btree ("org_id","txid") WHERE "events"."type" in ('first_response', 'closed', 'reactivated', 'forwarded');