DROP INDEX "events_metrics_txid_idx";--> statement-breakpoint
ALTER TABLE "report_daily_stats" ADD COLUMN "satisfaction_sum" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_daily_stats" ADD COLUMN "satisfaction_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "events_metrics_txid_idx" ON "events" USING btree ("org_id","txid") WHERE "events"."type" in ('first_response', 'closed', 'reactivated', 'forwarded', 'conversation_created', 'message_created', 'poll_answered');--> statement-breakpoint
-- Hand-written, as in 0020: the key's index carries the new counters too, so a report still reads the index alone.
ALTER TABLE "report_daily_stats" DROP CONSTRAINT "report_daily_stats_pkey";--> statement-breakpoint
ALTER TABLE "report_daily_stats" ADD CONSTRAINT "report_daily_stats_pkey" PRIMARY KEY("org_id","grain","day","user_id","channel_id","workgroup_id")
	INCLUDE ("opened","closed","reactivated","forwarded","messages_in","messages_out","first_response_ms_sum","first_response_count","resolution_ms_sum","resolution_count","satisfaction_sum","satisfaction_count");
