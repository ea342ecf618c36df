DROP INDEX "webhook_deliveries_pending_idx";--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "failed_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_failed_idx" ON "webhook_deliveries" USING btree ("channel_id","failed_at" DESC NULLS LAST) WHERE "webhook_deliveries"."failed_at" is not null;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_pending_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "webhook_deliveries"."processed_at" is null and "webhook_deliveries"."failed_at" is null;