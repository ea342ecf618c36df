CREATE TABLE "report_daily_buckets" (
	"org_id" bigint NOT NULL,
	"day" date NOT NULL,
	"user_id" text,
	"channel_id" bigint NOT NULL,
	"workgroup_id" bigint,
	"distribution" text NOT NULL,
	"bucket" integer NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_daily_buckets_key" UNIQUE NULLS NOT DISTINCT("org_id","day","user_id","channel_id","workgroup_id","distribution","bucket")
);
--> statement-breakpoint
CREATE TABLE "report_daily_stats" (
	"org_id" bigint NOT NULL,
	"day" date NOT NULL,
	"user_id" text,
	"channel_id" bigint NOT NULL,
	"workgroup_id" bigint,
	"opened" integer DEFAULT 0 NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	"reactivated" integer DEFAULT 0 NOT NULL,
	"forwarded" integer DEFAULT 0 NOT NULL,
	"messages_in" integer DEFAULT 0 NOT NULL,
	"messages_out" integer DEFAULT 0 NOT NULL,
	"first_response_ms_sum" bigint DEFAULT 0 NOT NULL,
	"first_response_count" integer DEFAULT 0 NOT NULL,
	"resolution_ms_sum" bigint DEFAULT 0 NOT NULL,
	"resolution_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_daily_stats_key" UNIQUE NULLS NOT DISTINCT("org_id","day","user_id","channel_id","workgroup_id")
);
--> statement-breakpoint
DROP INDEX "events_metrics_txid_idx";--> statement-breakpoint
ALTER TABLE "report_daily_buckets" ADD CONSTRAINT "report_daily_buckets_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_daily_buckets" ADD CONSTRAINT "report_daily_buckets_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_daily_stats" ADD CONSTRAINT "report_daily_stats_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_daily_stats" ADD CONSTRAINT "report_daily_stats_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_metrics_txid_idx" ON "events" USING btree ("org_id","txid") WHERE "events"."type" in ('first_response', 'closed', 'reactivated', 'forwarded', 'conversation_created', 'message_created');--> statement-breakpoint
-- The next metrics run counts every organization from scratch, every day of it, for the cockpit and the reports.
UPDATE "agent_stats_watermarks" SET "snapshot" = NULL;
