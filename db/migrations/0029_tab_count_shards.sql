-- The tab counts' shards (0006, 0024): 64 instead of 8. A transaction adds to the row of its
-- connection's shard (pg_backend_pid() % N) and holds it until it commits; with a pool's dozen
-- connections over 8 shards, two of them often shared one, and a new customer's first message then
-- waited for another's transaction (or routing's) to commit before its conversation could be
-- inserted. The rows of the old shards stay: the counts are the sums of every row.
CREATE OR REPLACE FUNCTION "conversation_tab_count"(org bigint, channel bigint, status text, assignee text, snoozed boolean, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM channels c WHERE c.id = channel AND c.kind = 'support') THEN
    RETURN;
  END IF;
  IF sign < 0 AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = org) THEN
    RETURN;
  END IF;
  INSERT INTO conversation_tab_counts AS t (org_id, shard, open, assigned, closed, snoozed)
  VALUES (org, pg_backend_pid() % 64,
    CASE WHEN status = 'open' AND NOT snoozed AND assignee IS NULL THEN sign ELSE 0 END,
    CASE WHEN status = 'open' AND NOT snoozed AND assignee IS NOT NULL THEN sign ELSE 0 END,
    CASE WHEN status = 'closed' THEN sign ELSE 0 END,
    CASE WHEN status = 'open' AND snoozed THEN sign ELSE 0 END)
  ON CONFLICT (org_id, shard) DO UPDATE
    SET open = t.open + excluded.open, assigned = t.assigned + excluded.assigned, closed = t.closed + excluded.closed, snoozed = t.snoozed + excluded.snoozed;
END $$;
