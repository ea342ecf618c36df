CREATE TABLE "media_downloads" (
	"message_id" bigint PRIMARY KEY NOT NULL,
	"org_id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"ref" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"failed_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "webhook_unhandled" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"example" text DEFAULT '' NOT NULL,
	"delivery_id" bigint,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "referral" jsonb;--> statement-breakpoint
ALTER TABLE "media_downloads" ADD CONSTRAINT "media_downloads_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_downloads" ADD CONSTRAINT "media_downloads_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_downloads" ADD CONSTRAINT "media_downloads_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_unhandled" ADD CONSTRAINT "webhook_unhandled_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_downloads_due_idx" ON "media_downloads" USING btree ("next_attempt_at") WHERE "media_downloads"."failed_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_unhandled_channel_kind_uq" ON "webhook_unhandled" USING btree ("channel_id","kind");--> statement-breakpoint
CREATE INDEX "conversations_referral_idx" ON "conversations" USING btree ("org_id","last_message_at" DESC NULLS LAST) WHERE "conversations"."referral" is not null;