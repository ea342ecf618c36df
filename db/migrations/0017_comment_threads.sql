CREATE TABLE "comment_posts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"provider_post_id" text NOT NULL,
	"permalink" text,
	"body" text DEFAULT '' NOT NULL,
	"image_key" text,
	"image_mime" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "conversations_one_open_per_contact_uq";--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "post_id" bigint;--> statement-breakpoint
ALTER TABLE "comment_posts" ADD CONSTRAINT "comment_posts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comment_posts" ADD CONSTRAINT "comment_posts_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "comment_posts_channel_post_uq" ON "comment_posts" USING btree ("channel_id","provider_post_id");--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_post_id_comment_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."comment_posts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_one_open_comment_thread_uq" ON "conversations" USING btree ("contact_id","post_id") WHERE "conversations"."status" = 'open' and "conversations"."type" = 'comment';--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_one_open_per_contact_uq" ON "conversations" USING btree ("contact_id") WHERE "conversations"."status" = 'open' and "conversations"."type" <> 'comment';