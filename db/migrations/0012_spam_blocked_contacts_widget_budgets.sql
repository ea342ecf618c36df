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
-- Spam conversations count in no tab (the Spam type filter finds them): the counting function
-- takes the conversation's type, and a change of type moves a conversation in or out of the counts.
DROP TRIGGER "conversations_tab_counts_update" ON "conversations";
--> statement-breakpoint
DROP TRIGGER "conversations_tab_counts_insert_delete" ON "conversations";
--> statement-breakpoint
DROP FUNCTION "conversations_tab_counts"();
--> statement-breakpoint
DROP FUNCTION "conversation_tab_count"(bigint, bigint, text, text, integer);
--> statement-breakpoint
CREATE FUNCTION "conversation_tab_count"(org bigint, channel bigint, status text, assignee text, kind text, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF kind = 'spam' THEN
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM channels c WHERE c.id = channel AND c.kind = 'support') THEN
    RETURN;
  END IF;
  IF sign < 0 AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = org) THEN
    RETURN;
  END IF;
  INSERT INTO conversation_tab_counts AS t (org_id, shard, open, assigned, closed)
  VALUES (org, pg_backend_pid() % 8,
    CASE WHEN status = 'open' AND assignee IS NULL THEN sign ELSE 0 END,
    CASE WHEN status = 'open' AND assignee IS NOT NULL THEN sign ELSE 0 END,
    CASE WHEN status = 'closed' THEN sign ELSE 0 END)
  ON CONFLICT (org_id, shard) DO UPDATE
    SET open = t.open + excluded.open, assigned = t.assigned + excluded.assigned, closed = t.closed + excluded.closed;
END $$;
--> statement-breakpoint
CREATE FUNCTION "conversations_tab_counts"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM conversation_tab_count(OLD.org_id, OLD.channel_id, OLD.status, OLD.assignee_id, OLD.type, -1);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM conversation_tab_count(NEW.org_id, NEW.channel_id, NEW.status, NEW.assignee_id, NEW.type, 1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "conversations_tab_counts_insert_delete" AFTER INSERT OR DELETE ON "conversations"
  FOR EACH ROW EXECUTE FUNCTION conversations_tab_counts();
--> statement-breakpoint
CREATE TRIGGER "conversations_tab_counts_update" AFTER UPDATE OF status, assignee_id, org_id, channel_id, type ON "conversations"
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR (OLD.assignee_id IS NULL) <> (NEW.assignee_id IS NULL) OR OLD.org_id <> NEW.org_id OR OLD.channel_id <> NEW.channel_id
    OR (OLD.type = 'spam') <> (NEW.type = 'spam'))
  EXECUTE FUNCTION conversations_tab_counts();
