ALTER TABLE "conversation_tab_counts" ADD COLUMN "snoozed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "snoozed_until" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "snoozed_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "snoozed_by" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_snoozed_by_users_id_fk" FOREIGN KEY ("snoozed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversations_snoozed_idx" ON "conversations" USING btree ("snoozed_until") WHERE "conversations"."snoozed_until" is not null;--> statement-breakpoint
-- A snoozed conversation (open, snoozed_until set) counts in the Snoozed tab instead of Open or
-- Assigned; closed ones count as closed whatever their snooze. Same sharding as before (0006).
CREATE FUNCTION "conversation_tab_count"(org bigint, channel bigint, status text, assignee text, snoozed boolean, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM channels c WHERE c.id = channel AND c.kind = 'support') THEN
    RETURN;
  END IF;
  IF sign < 0 AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = org) THEN
    RETURN;
  END IF;
  INSERT INTO conversation_tab_counts AS t (org_id, shard, open, assigned, closed, snoozed)
  VALUES (org, pg_backend_pid() % 8,
    CASE WHEN status = 'open' AND NOT snoozed AND assignee IS NULL THEN sign ELSE 0 END,
    CASE WHEN status = 'open' AND NOT snoozed AND assignee IS NOT NULL THEN sign ELSE 0 END,
    CASE WHEN status = 'closed' THEN sign ELSE 0 END,
    CASE WHEN status = 'open' AND snoozed THEN sign ELSE 0 END)
  ON CONFLICT (org_id, shard) DO UPDATE
    SET open = t.open + excluded.open, assigned = t.assigned + excluded.assigned, closed = t.closed + excluded.closed, snoozed = t.snoozed + excluded.snoozed;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "conversations_tab_counts"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.type NOT IN ('spam', 'bot') THEN
    PERFORM conversation_tab_count(OLD.org_id, OLD.channel_id, OLD.status, OLD.assignee_id, OLD.snoozed_until IS NOT NULL, -1);
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.type NOT IN ('spam', 'bot') THEN
    PERFORM conversation_tab_count(NEW.org_id, NEW.channel_id, NEW.status, NEW.assignee_id, NEW.snoozed_until IS NOT NULL, 1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP FUNCTION "conversation_tab_count"(bigint, bigint, text, text, integer);
--> statement-breakpoint
DROP TRIGGER "conversations_tab_counts_update" ON "conversations";
--> statement-breakpoint
CREATE TRIGGER "conversations_tab_counts_update" AFTER UPDATE OF status, assignee_id, org_id, channel_id, type, snoozed_until ON "conversations"
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR (OLD.assignee_id IS NULL) <> (NEW.assignee_id IS NULL) OR OLD.org_id <> NEW.org_id OR OLD.channel_id <> NEW.channel_id
    OR (OLD.type IN ('spam', 'bot')) <> (NEW.type IN ('spam', 'bot')) OR (OLD.snoozed_until IS NULL) <> (NEW.snoozed_until IS NULL))
  EXECUTE FUNCTION conversations_tab_counts();
--> statement-breakpoint
-- However a conversation closes (an agent, a rule, spam), it is no longer snoozed.
CREATE FUNCTION "conversations_unsnooze_on_close"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.snoozed_until := NULL;
  NEW.snoozed_at := NULL;
  NEW.snoozed_by := NULL;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "conversations_unsnooze_on_close" BEFORE UPDATE OF status ON "conversations"
  FOR EACH ROW
  WHEN (NEW.status = 'closed' AND NEW.snoozed_until IS NOT NULL)
  EXECUTE FUNCTION conversations_unsnooze_on_close();
