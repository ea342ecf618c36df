CREATE TABLE "bot_menus" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" bigint NOT NULL,
	"channel_id" bigint,
	"brand_id" bigint,
	"enabled" boolean DEFAULT false NOT NULL,
	"greeting" text DEFAULT '' NOT NULL,
	"options" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"handover_keyword" text DEFAULT '' NOT NULL,
	"timeout_minutes" integer DEFAULT 10 NOT NULL,
	"handover_workgroup_id" bigint,
	"unknown_text" text DEFAULT '' NOT NULL,
	"survey_enabled" boolean DEFAULT false NOT NULL,
	"survey_question" text DEFAULT '' NOT NULL,
	"survey_comment" text DEFAULT '' NOT NULL,
	"survey_since" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bot_menus_scope_ck" CHECK (("bot_menus"."channel_id" is null) <> ("bot_menus"."brand_id" is null))
);
--> statement-breakpoint
CREATE TABLE "bot_sessions" (
	"conversation_id" bigint PRIMARY KEY NOT NULL,
	"org_id" bigint NOT NULL,
	"menu_id" bigint,
	"menu" jsonb NOT NULL,
	"path" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"awaiting" jsonb,
	"greeted" boolean DEFAULT false NOT NULL,
	"handled_message_id" bigint DEFAULT 0 NOT NULL,
	"timeout_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"outcome" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "polls" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" bigint NOT NULL,
	"conversation_id" bigint NOT NULL,
	"contact_id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"question" text NOT NULL,
	"options" jsonb NOT NULL,
	"message_id" bigint,
	"agent_id" text,
	"status" text DEFAULT 'sent' NOT NULL,
	"answer_index" integer,
	"answered_at" timestamp (3) with time zone,
	"comment" text,
	"comment_until" timestamp (3) with time zone,
	"handled_message_id" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bot_menus" ADD CONSTRAINT "bot_menus_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_menus" ADD CONSTRAINT "bot_menus_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_menus" ADD CONSTRAINT "bot_menus_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_menus" ADD CONSTRAINT "bot_menus_handover_workgroup_id_workgroups_id_fk" FOREIGN KEY ("handover_workgroup_id") REFERENCES "public"."workgroups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_sessions" ADD CONSTRAINT "bot_sessions_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_sessions" ADD CONSTRAINT "bot_sessions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_sessions" ADD CONSTRAINT "bot_sessions_menu_id_bot_menus_id_fk" FOREIGN KEY ("menu_id") REFERENCES "public"."bot_menus"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bot_menus_channel_uq" ON "bot_menus" USING btree ("channel_id") WHERE "bot_menus"."channel_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "bot_menus_brand_uq" ON "bot_menus" USING btree ("brand_id") WHERE "bot_menus"."brand_id" is not null;--> statement-breakpoint
CREATE INDEX "bot_sessions_running_idx" ON "bot_sessions" USING btree ("timeout_at") WHERE "bot_sessions"."ended_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "polls_one_survey_uq" ON "polls" USING btree ("conversation_id") WHERE "polls"."kind" = 'survey';--> statement-breakpoint
CREATE INDEX "polls_conversation_idx" ON "polls" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "polls_contact_idx" ON "polls" USING btree ("contact_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "polls_answered_idx" ON "polls" USING btree ("org_id","kind","answered_at") WHERE "polls"."answered_at" is not null;--> statement-breakpoint
-- While the bot has a conversation (type bot) it counts in no tab, as spam does: the Bot type
-- filter finds it. Handing over (bot → chat) moves it into the counts.
CREATE OR REPLACE FUNCTION "conversations_tab_counts"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.type NOT IN ('spam', 'bot') THEN
    PERFORM conversation_tab_count(OLD.org_id, OLD.channel_id, OLD.status, OLD.assignee_id, -1);
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.type NOT IN ('spam', 'bot') THEN
    PERFORM conversation_tab_count(NEW.org_id, NEW.channel_id, NEW.status, NEW.assignee_id, 1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER "conversations_tab_counts_update" ON "conversations";
--> statement-breakpoint
CREATE TRIGGER "conversations_tab_counts_update" AFTER UPDATE OF status, assignee_id, org_id, channel_id, type ON "conversations"
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR (OLD.assignee_id IS NULL) <> (NEW.assignee_id IS NULL) OR OLD.org_id <> NEW.org_id OR OLD.channel_id <> NEW.channel_id
    OR (OLD.type IN ('spam', 'bot')) <> (NEW.type IN ('spam', 'bot')))
  EXECUTE FUNCTION conversations_tab_counts();
