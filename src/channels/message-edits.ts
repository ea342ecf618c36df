// A customer's edit or unsend of a message they sent (Messenger and Instagram message_edit and
// is_deleted; WhatsApp `edit` and `revoke` messages, whatsapp-kinds.ts). The original changes in
// place: an edit replaces its text (earlier versions kept in metadata.edits), an unsend marks it
// deleted and moves its text, earlier versions included, into metadata.deleted (body, edits): an
// audit copy that only the thread's audit fold reads, so no search, preview, quote or rule meets it.
// Neither is a message of its own: no conversation opens, reopens or queues, no window moves.
import { and, eq, or, sql } from "drizzle-orm";
import type { Database, Tx } from "@db/client";
import { conversations, messages } from "@db/schema";
import { preview } from "../inbox/changes";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import type { ChannelAccount, InboundEdit, InboundUnsend } from "./types";

/** One earlier version of an edited message. */
export interface EditedVersion {
  body: string;
  at: string;
}

/**
 * Applies an edit to the customer's message it names. "unknown" for a message Kanal has not recorded
 * (yet: the delivery is tried again); "stale" for an edit older than the text held (redelivered out
 * of order) or for a message already unsent.
 */
export async function applyEdit(database: Database, account: ChannelAccount, edit: InboundEdit): Promise<"applied" | "stale" | "unknown"> {
  const at = edit.at.toISOString();
  const editedAt = sql`(${messages.metadata}->>'editedAt')`;
  const { outcome } = await commit(database, account.orgId, (db) =>
    db.transaction(async (tx) => {
      const target = await customerMessage(tx, account, edit);
      if (!target) return { eventIds: [], outcome: "unknown" as const };
      const [updated] = await tx
        .update(messages)
        .set({
          body: edit.body,
          metadata: sql`${messages.metadata} || jsonb_build_object('editedAt', ${at}::text, 'edits', coalesce(${messages.metadata}->'edits', '[]'::jsonb) || jsonb_build_array(jsonb_build_object('body', ${messages.body}, 'at', coalesce(${editedAt}, to_char(${messages.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))))`,
        })
        .where(and(eq(messages.id, target.id), sql`not (${messages.metadata} ? 'deleted')`, sql`(${editedAt} is null or ${editedAt}::timestamptz < ${at}::timestamptz)`))
        .returning({ id: messages.id, conversationId: messages.conversationId, createdAt: messages.createdAt });
      if (!updated) return { eventIds: [], outcome: "stale" as const };
      // The list's preview follows when the edited message is the conversation's latest.
      await tx
        .update(conversations)
        .set({ lastMessagePreview: preview(edit.body) })
        .where(and(eq(conversations.id, updated.conversationId), eq(conversations.lastMessageAt, updated.createdAt)));
      const eventId = await recordEvent(tx, { orgId: account.orgId, type: "message_updated", conversationId: updated.conversationId, data: { messageId: updated.id, edited: true }, createdAt: edit.at });
      return { eventIds: [eventId], conversationId: updated.conversationId, outcome: "applied" as const };
    }),
  );
  return outcome;
}

/**
 * Marks the customer's message deleted (unsent): its body is emptied, the text and earlier versions
 * kept in metadata.deleted for audit, and the list's preview loses it. "unknown" as for edits.
 */
export async function applyUnsend(database: Database, account: ChannelAccount, unsend: InboundUnsend): Promise<"applied" | "stale" | "unknown"> {
  const at = unsend.at.toISOString();
  const { outcome } = await commit(database, account.orgId, (db) =>
    db.transaction(async (tx) => {
      const target = await customerMessage(tx, account, unsend);
      if (!target) return { eventIds: [], outcome: "unknown" as const };
      const [updated] = await tx
        .update(messages)
        .set({
          body: "",
          metadata: sql`(${messages.metadata} - 'edits') || jsonb_build_object('deleted', jsonb_build_object('at', ${at}::text, 'by', 'customer', 'body', ${messages.body})
            || case when ${messages.metadata} ? 'edits' then jsonb_build_object('edits', ${messages.metadata}->'edits') else '{}'::jsonb end)`,
        })
        .where(and(eq(messages.id, target.id), sql`not (${messages.metadata} ? 'deleted')`))
        .returning({ id: messages.id, conversationId: messages.conversationId, createdAt: messages.createdAt, text: sql<string>`${messages.metadata}->'deleted'->>'body'` });
      if (!updated) return { eventIds: [], outcome: "stale" as const };
      // The preview is the latest message's: found by its time, or by its text once an action (an
      // assignment, a note) has moved the conversation's time on; its text goes either way.
      await tx
        .update(conversations)
        .set({ lastMessagePreview: "" })
        .where(and(eq(conversations.id, updated.conversationId), or(eq(conversations.lastMessageAt, updated.createdAt), eq(conversations.lastMessagePreview, preview(updated.text ?? "")))));
      const eventId = await recordEvent(tx, { orgId: account.orgId, type: "message_updated", conversationId: updated.conversationId, data: { messageId: updated.id, deleted: true }, createdAt: unsend.at });
      return { eventIds: [eventId], conversationId: updated.conversationId, outcome: "applied" as const };
    }),
  );
  return outcome;
}

/** The customer's own message with that provider id on this channel (never an agent's). */
async function customerMessage(tx: Tx, account: ChannelAccount, e: { targetProviderMessageId: string }) {
  const [target] = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.channelId, account.id), eq(messages.providerMessageId, e.targetProviderMessageId), eq(messages.direction, "in")));
  return target ?? null;
}
