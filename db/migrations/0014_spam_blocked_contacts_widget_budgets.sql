CREATE TABLE "widget_budgets" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" timestamp (3) with time zone NOT NULL,
	"hits" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "blocked_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "blocked_by" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_blocked_by_users_id_fk" FOREIGN KEY ("blocked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contacts_blocked_idx" ON "contacts" USING btree ("org_id","blocked_at") WHERE "contacts"."blocked_at" is not null;--> statement-breakpoint
-- Spam conversations count in no tab (the Spam type filter finds them): the trigger leaves them
-- out, and a change of type in or out of spam moves a conversation out of or into the counts.
CREATE OR REPLACE FUNCTION "conversations_tab_counts"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.type <> 'spam' THEN
    PERFORM conversation_tab_count(OLD.org_id, OLD.channel_id, OLD.status, OLD.assignee_id, -1);
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.type <> 'spam' THEN
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
    OR (OLD.type = 'spam') <> (NEW.type = 'spam'))
  EXECUTE FUNCTION conversations_tab_counts();
