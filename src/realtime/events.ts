// The events log: every state change appends a row in its own transaction; changes.ts publishes the ids after commit.
import type { DbOrTx } from "@db/client";
import { events } from "@db/schema";

export type EventType =
  | "organization_created"
  | "organization_updated"
  | "status_changed"
  | "user_invited"
  | "user_updated"
  | "user_deactivated"
  | "user_reactivated"
  | "conversation_created"
  | "message_created"
  | "assigned"
  | "forwarded"
  | "joined"
  | "first_response"
  | "closed"
  | "reactivated"
  /** Snoozed until a time (data.until), and woken (data.reason: time | customer | agent). */
  | "snoozed"
  | "woke"
  | "marked_spam"
  | "unmarked_spam"
  | "bot_ended"
  | "poll_answered"
  | "contact_updated"
  | "contact_created"
  /** A contact erased for a privacy request; its data names the conversation ids that went with it. */
  | "contact_deleted"
  /** Two contacts became one: data `{ contactId, mergedId }`. */
  | "contacts_merged"
  | "note_added"
  | "tagged"
  | "untagged"
  | "delivery_changed"
  /** A message changed after it arrived (a comment edited, removed, hidden or unhidden; a reaction on it). */
  | "message_updated"
  /** A conversation kept where its customer came from (an ad's, post's or link's referral; data.source). */
  | "referral_kept"
  | "window_closed"
  | "metrics_refreshed"
  | "tag_changed"
  | "brand_changed"
  | "workgroup_changed"
  | "quick_reply_changed"
  | "closing_message_changed"
  | "custom_field_changed"
  | "channel_changed"
  | "workflow_changed"
  | "business_hours_changed"
  | "file_added"
  | "file_removed"
  | "ledger_entry_added"
  | "ledger_import_progress"
  | "payment_link_changed"
  | "api_token_changed"
  | "payment_provider_changed"
  | "bulk_changed"
  | "bulk_progress"
  /** A colleague named someone in an internal note (subject: the person named). */
  | "mentioned"
  /** Someone read their mentions (subject: the reader; data.mentionIds: which, at most 100). */
  | "mentions_read"
  /** Someone is typing in a conversation (data.by: "agent" | "visitor"); drawn only while fresh, never stored for long. */
  | "typing";

export interface NewEvent {
  orgId: number;
  type: EventType;
  conversationId?: number | null;
  actorId?: string | null;
  subjectUserId?: string | null;
  data?: Record<string, unknown>;
  createdAt?: Date;
}

export async function recordEvent(tx: DbOrTx, event: NewEvent): Promise<number> {
  const [row] = await tx.insert(events).values(event).returning({ id: events.id });
  return row.id;
}

export const EVENTS_CHANNEL = "kanal_events";
