// The events log: every state change appends a row in its own transaction; ids are published after commit.
import type { Database, DbOrTx } from "@db/client";
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
  | "contact_updated"
  | "note_added"
  | "tagged"
  | "untagged"
  | "delivery_changed"
  | "window_closed"
  | "metrics_refreshed"
  | "tag_changed"
  | "brand_changed"
  | "workgroup_changed"
  | "quick_reply_changed"
  | "closing_message_changed"
  | "custom_field_changed"
  | "channel_changed"
  | "file_added"
  | "file_removed";

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

const publishedHere = new WeakMap<Database, Set<(orgId: number) => void>>();

/** Calls `fn` as soon as this process publishes an organization's events through `database`. */
export function onPublished(database: Database, fn: (orgId: number) => void): () => void {
  let set = publishedHere.get(database);
  if (!set) publishedHere.set(database, (set = new Set()));
  set.add(fn);
  return () => set!.delete(fn);
}

/** Tells every process (in-process listeners and other processes via NOTIFY) that events exist. */
export async function publishEvents(database: Database, orgId: number, ids: number[]) {
  if (ids.length === 0) return;
  for (const fn of publishedHere.get(database) ?? []) fn(orgId);
  // Ids only: payloads stay far below NOTIFY's 8000-byte limit, and listeners read the rows.
  await database.notify(EVENTS_CHANNEL, JSON.stringify({ orgId, ids }));
}
