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
-- Adds one conversation's place in the tabs (sign 1) or takes it away (sign -1), on the counts'
-- row of this connection's shard: a transaction changes one row per organization however many
-- conversations it changes, so two transactions never wait for each other's rows in turn. A shard's
-- numbers may go below zero (a conversation counted on one shard and closed on another); their
-- sums are the counts. Kanal's support line is left out (the inbox lists it apart); a conversation
-- whose channel is being deleted with it was counted, as the support line is never deleted. When
-- the organization itself is being deleted, its counts go with it.
CREATE FUNCTION "conversation_tab_count"(org bigint, channel bigint, status text, assignee text, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
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
    PERFORM conversation_tab_count(OLD.org_id, OLD.channel_id, OLD.status, OLD.assignee_id, -1);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM conversation_tab_count(NEW.org_id, NEW.channel_id, NEW.status, NEW.assignee_id, 1);
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
