ALTER TABLE "channels" ADD COLUMN "workgroup_id" bigint;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "capacity" integer;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "last_assignment_id" bigint;--> statement-breakpoint
ALTER TABLE "workgroups" ADD COLUMN "routing" text DEFAULT 'manual' NOT NULL;--> statement-breakpoint
ALTER TABLE "workgroups" ADD COLUMN "capacity" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "workgroups" ADD COLUMN "owner_wait_minutes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "workgroups" ADD COLUMN "return_on_away" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "workgroups" ADD COLUMN "reroute_minutes" integer;--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_workgroup_id_workgroups_id_fk" FOREIGN KEY ("workgroup_id") REFERENCES "public"."workgroups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversations_queue_idx" ON "conversations" USING btree ("workgroup_id","waiting_since","id") WHERE "conversations"."status" = 'open' and "conversations"."assignee_id" is null and "conversations"."workgroup_id" is not null;