CREATE INDEX "events_typing_time_idx" ON "events" USING btree ("created_at") WHERE "events"."type" = 'typing';--> statement-breakpoint
-- Messages customers unsent before: the list's preview loses their text (the latest message's, or
-- one delivered late after a newer one; the same rule as src/inbox/changes.ts's preview) ...
UPDATE "conversations" c SET "last_message_preview" = ''
FROM "messages" m
WHERE m."conversation_id" = c."id" AND m."direction" = 'in' AND m."body" <> ''
  AND jsonb_typeof(m."metadata"->'deleted') = 'object' AND m."metadata"->'deleted'->>'by' = 'customer'
  AND c."last_message_preview" <> ''
  AND (c."last_message_at" = m."created_at" OR c."last_message_preview" = left(btrim(regexp_replace(m."body", '\s+', ' ', 'g')), 160));--> statement-breakpoint
-- ... and the text, with its earlier versions, moves from the body (which search reads) to the audit
-- copy in metadata.deleted (src/channels/message-edits.ts).
UPDATE "messages" SET
  "metadata" = ("metadata" - 'edits') || jsonb_build_object('deleted', ("metadata"->'deleted') || jsonb_build_object('body', "body")
    || CASE WHEN "metadata" ? 'edits' THEN jsonb_build_object('edits', "metadata"->'edits') ELSE '{}'::jsonb END),
  "body" = ''
WHERE "direction" = 'in' AND jsonb_typeof("metadata"->'deleted') = 'object' AND "metadata"->'deleted'->>'by' = 'customer'
  AND NOT ("metadata"->'deleted' ? 'body');
