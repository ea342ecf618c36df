// Typing indicators. An agent typing a reply: colleagues with the thread open and a WebChat visitor
// see it live, and a WhatsApp customer sees WhatsApp's own indicator. A visitor typing in the
// widget: the agents with the thread open see it. Each signal is a "typing" event (so it crosses
// processes like any other), at most one per typist every few seconds; a stale one is never drawn,
// and the periodic housekeeping deletes them once no replay can want them (removeOldTypingSignals).
import { and, desc, eq, gt, inArray, isNotNull, isNull, lt } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { channels, contactIdentities, conversationParticipants, contacts, conversations, events, messages } from "@db/schema";
import type { Actor, Deps } from "../context";
import { accountOf } from "../channels/accounts";
import { adaptersFor } from "../channels/adapters";
import { replyWindow } from "../channels/windows";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { conversationScope } from "./visibility";

/** How long an indicator shows after the latest signal (the widget and thread hide it then). */
export const TYPING_SHOWN_MS = 6_000;
/** One signal per typist per this long: the browsers send one at most this often too. */
export const TYPING_SIGNAL_MS = 4_000;
/** WhatsApp's indicator lasts until the reply or 25 s: asked again after this long. */
const WHATSAPP_TYPING_MS = 20_000;
/**
 * How long a typing signal stays in the events log: far past anything that reads it (the throttle,
 * WhatsApp's window, a stream replaying after a reconnect, which skips it as stale), then deleted.
 */
export const TYPING_KEPT_MS = 10 * 60_000;

export type TypingBy = "agent" | "visitor";

export interface TypingData {
  by: TypingBy;
  /** Who is typing, as the other side sees it: the agent's first name, or the contact's name. */
  name: string;
  /** WebChat: the widget that shows an agent's typing. */
  channelId?: number;
  visitorId?: string;
  /** Whether WhatsApp's own indicator was asked for with this signal. */
  whatsapp?: boolean;
}

/** Whether a typing event is still worth drawing at `now` (a replayed old one is not). */
export function typingIsFresh(event: { type: string; createdAt: Date }, now: Date): boolean {
  return event.type === "typing" && now.getTime() - event.createdAt.getTime() < TYPING_SHOWN_MS;
}

/** The typist's latest signals in this conversation within WhatsApp's window, newest first. */
async function recentSignals(db: DbOrTx, orgId: number, conversationId: number, actorId: string | null, now: Date) {
  return db
    .select({ createdAt: events.createdAt, data: events.data })
    .from(events)
    .where(
      and(
        eq(events.orgId, orgId),
        eq(events.type, "typing"),
        gt(events.createdAt, new Date(now.getTime() - WHATSAPP_TYPING_MS)),
        eq(events.conversationId, conversationId),
        actorId === null ? isNull(events.actorId) : eq(events.actorId, actorId),
      ),
    )
    .orderBy(desc(events.createdAt))
    .limit(5);
}

/**
 * An agent who may write in the conversation (open, joined) started or went on typing. Returns
 * whether a signal went out (false: too soon after the last one, or nothing to tell).
 */
export async function agentTyping(deps: Deps, actor: Actor, conversationId: number): Promise<boolean> {
  const { db } = deps.database;
  const now = deps.clock.now();
  const [row] = await db
    .select({ conversation: conversations, channel: channels, visitorId: contactIdentities.externalId })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(contactIdentities, and(eq(contactIdentities.contactId, conversations.contactId), eq(contactIdentities.channelId, conversations.channelId)))
    .where(and(eq(conversations.id, conversationId), await conversationScope(db, actor)));
  if (!row || row.conversation.status !== "open") return false;
  const conv = row.conversation;
  if (conv.assigneeId !== actor.userId) {
    const joined = await db.select({ at: conversationParticipants.joinedAt }).from(conversationParticipants).where(and(eq(conversationParticipants.conversationId, conv.id), eq(conversationParticipants.userId, actor.userId)));
    if (joined.length === 0) return false;
  }
  const recent = await recentSignals(db, actor.orgId, conv.id, actor.userId, now);
  if (recent[0] && now.getTime() - recent[0].createdAt.getTime() < TYPING_SIGNAL_MS) return false;
  const data: TypingData = { by: "agent", name: actor.name.trim().split(/\s+/)[0] ?? actor.name };
  if (row.channel.kind === "webchat" && row.visitorId) Object.assign(data, { channelId: row.channel.id, visitorId: row.visitorId });
  const adapter = adaptersFor(deps.config)[row.channel.kind];
  const askedLately = recent.some((r) => (r.data as Partial<TypingData>).whatsapp);
  if (adapter.typing && !askedLately && replyWindow(row.channel.kind, conv.lastInboundAt, now).state !== "closed") {
    const [last] = await db
      .select({ providerMessageId: messages.providerMessageId })
      .from(messages)
      .where(and(eq(messages.conversationId, conv.id), eq(messages.direction, "in"), isNotNull(messages.providerMessageId)))
      .orderBy(desc(messages.id))
      .limit(1);
    if (last?.providerMessageId) {
      // Best effort: an indicator that fails is not worth an error in the agent's composer.
      data.whatsapp = await adapter.typing(accountOf(deps.config, row.channel), last.providerMessageId).then(
        () => true,
        (error) => (deps.log.warn("typing indicator refused", { conversationId: conv.id, error: error instanceof Error ? error.message : String(error) }), false),
      );
    }
  }
  await commit(deps.database, actor.orgId, async (tx) => [await recordEvent(tx, { orgId: actor.orgId, type: "typing", conversationId: conv.id, actorId: actor.userId, data: { ...data }, createdAt: now })]);
  return true;
}

/** A WebChat visitor typing in their open conversation; false when too soon or nothing is open. */
export async function visitorTyping(deps: Deps, channelId: number, orgId: number, visitorId: string): Promise<boolean> {
  const { db } = deps.database;
  const now = deps.clock.now();
  const [conv] = await db
    .select({ id: conversations.id, name: contacts.name })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(contactIdentities, and(eq(contactIdentities.contactId, conversations.contactId), eq(contactIdentities.channelId, channelId), eq(contactIdentities.externalId, visitorId)))
    .where(and(eq(conversations.orgId, orgId), eq(conversations.channelId, channelId), eq(conversations.status, "open")));
  if (!conv) return false;
  const [last] = await recentSignals(db, orgId, conv.id, null, now);
  if (last && now.getTime() - last.createdAt.getTime() < TYPING_SIGNAL_MS) return false;
  const data: TypingData = { by: "visitor", name: conv.name };
  await commit(deps.database, orgId, async (tx) => [await recordEvent(tx, { orgId, type: "typing", conversationId: conv.id, data: { ...data }, createdAt: now })]);
  return true;
}

/**
 * Deletes the typing signals older than TYPING_KEPT_MS, at most `batch` a statement (each its own
 * short transaction, so a backlog never holds one long), until none is left. Returns how many went.
 * Nothing else reads old signals; every other event stays.
 */
export async function removeOldTypingSignals(db: DbOrTx, now: Date, batch = 2_000): Promise<number> {
  const before = new Date(now.getTime() - TYPING_KEPT_MS);
  let removed = 0;
  for (;;) {
    // Found through the partial index events_typing_time_idx (migration 0028), whatever the organization.
    const due = db.select({ id: events.id }).from(events).where(and(eq(events.type, "typing"), lt(events.createdAt, before))).limit(batch);
    const gone = await db.delete(events).where(inArray(events.id, due)).returning({ id: events.id });
    removed += gone.length;
    if (gone.length < batch) return removed;
  }
}
