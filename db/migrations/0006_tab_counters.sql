CREATE TABLE "conversation_tab_counts" (
	"org_id" bigint NOT NULL,
	"shard" integer NOT NULL,
	"open" integer DEFAULT 0 NOT NULL,
	"assigned" integer DEFAULT 0 NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "conversation_tab_counts_org_id_shard_pk" PRIMARY KEY("org_id","shard")
);
--> statement-breakpoint
ALTER TABLE "conversation_tab_counts" ADD CONSTRAINT "conversation_tab_counts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Adds one conversation's place in the tabs (sign 1) or takes it away (sign -1). Kanal's support
-- line is left out; a conversation whose channel is gone (deleted with it) was counted unless
-- its channel was the support line, which is never deleted.
CREATE FUNCTION "conversation_tab_count"(org bigint, conversation bigint, channel bigint, status text, assignee text, sign integer, upsert boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  is_open integer := CASE WHEN status = 'open' AND assignee IS NULL THEN sign ELSE 0 END;
  is_assigned integer := CASE WHEN status = 'open' AND assignee IS NOT NULL THEN sign ELSE 0 END;
  is_closed integer := CASE WHEN status = 'closed' THEN sign ELSE 0 END;
BEGIN
  IF EXISTS (SELECT 1 FROM channels c WHERE c.id = channel AND c.kind = 'support') THEN
    RETURN;
  END IF;
  IF upsert THEN
    INSERT INTO conversation_tab_counts AS t (org_id, shard, open, assigned, closed)
    VALUES (org, (conversation % 8)::integer, is_open, is_assigned, is_closed)
    ON CONFLICT (org_id, shard) DO UPDATE
      SET open = t.open + excluded.open, assigned = t.assigned + excluded.assigned, closed = t.closed + excluded.closed;
  ELSE
    -- A deletion: when its organization is being deleted, the counts may be gone already.
    UPDATE conversation_tab_counts t
      SET open = t.open + is_open, assigned = t.assigned + is_assigned, closed = t.closed + is_closed
      WHERE t.org_id = org AND t.shard = (conversation % 8)::integer;
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION "conversations_tab_counts"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM conversation_tab_count(OLD.org_id, OLD.id, OLD.channel_id, OLD.status, OLD.assignee_id, -1, TG_OP = 'UPDATE');
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM conversation_tab_count(NEW.org_id, NEW.id, NEW.channel_id, NEW.status, NEW.assignee_id, 1, true);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "conversations_tab_counts_insert_delete" AFTER INSERT OR DELETE ON "conversations"
  FOR EACH ROW EXECUTE FUNCTION conversations_tab_counts();
--> statement-breakpoint
-- Messages update conversations all day; only a change of tab (or of organization or channel) counts.
CREATE TRIGGER "conversations_tab_counts_update" AFTER UPDATE OF status, assignee_id, org_id, channel_id ON "conversations"
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR (OLD.assignee_id IS NULL) <> (NEW.assignee_id IS NULL) OR OLD.org_id <> NEW.org_id OR OLD.channel_id <> NEW.channel_id)
  EXECUTE FUNCTION conversations_tab_counts();
--> statement-breakpoint
INSERT INTO conversation_tab_counts (org_id, shard, open, assigned, closed)
SELECT c.org_id, (c.id % 8)::integer,
  count(*) FILTER (WHERE c.status = 'open' AND c.assignee_id IS NULL),
  count(*) FILTER (WHERE c.status = 'open' AND c.assignee_id IS NOT NULL),
  count(*) FILTER (WHERE c.status = 'closed')
FROM conversations c
WHERE NOT EXISTS (SELECT 1 FROM channels s WHERE s.id = c.channel_id AND s.kind = 'support')
GROUP BY 1, 2;
