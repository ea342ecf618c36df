// What the bot (or a survey) writes into a thread: its messages to the customer, sent through the
// outbox only where the reply window allows, and its system lines. Every event it records has no
// person as actor and `by: "bot"`, the way routing and rules mark their own.
import { eq } from "drizzle-orm";
import type { Tx } from "@db/client";
import { conversations, messages, outbox, type ChannelKind } from "@db/schema";
import { mayGoOut } from "../channels/windows";
import { preview } from "../inbox/changes";
import { recordEvent } from "../realtime/events";
import { promptFor, type Choice } from "./prompts";

export const BY_BOT = { by: "bot" } as const;

/** What a bot line says, kept as data and drawn in the reader's language (views/bot/line.tsx). */
export type BotLine =
  | { line: "started" }
  | { line: "chose"; title: string }
  | { line: "saved"; field: string; value: string }
  | { line: "invalid"; field: string }
  | { line: "unknown" }
  | { line: "handover"; reason: "option" | "keyword" | "timeout"; workgroupName: string | null }
  | { line: "joined"; name: string }
  | { line: "rated"; rating: number }
  | { line: "poll_answer"; question: string; answer: string }
  | { line: "comment" };

export interface Target {
  id: number;
  orgId: number;
  channelId: number;
  channelKind: ChannelKind;
  lastInboundAt: Date | null;
}

/** A system line in the thread and its event. */
export async function botLine(tx: Tx, conv: Target, line: BotLine, now: Date): Promise<number> {
  const [row] = await tx
    .insert(messages)
    .values({ orgId: conv.orgId, conversationId: conv.id, channelId: conv.channelId, direction: "event", body: "", metadata: { bot: line }, createdAt: now })
    .returning({ id: messages.id });
  return recordEvent(tx, { orgId: conv.orgId, type: "message_created", conversationId: conv.id, data: { messageId: row.id, direction: "event", ...BY_BOT }, createdAt: now });
}

/**
 * A message to the customer (no author; the bot, a survey or a poll wrote it), with choices in the
 * channel's native form when given. Null when the reply window does not allow it.
 */
export async function botSend(
  tx: Tx,
  conv: Target,
  content: { text: string; choices?: Choice[]; listButton?: string; metadata?: Record<string, unknown>; authorId?: string | null },
  now: Date,
  options: { touch?: boolean } = {},
): Promise<{ messageId: number; eventId: number } | null> {
  if (!mayGoOut(conv.channelKind, conv.lastInboundAt, "text", now)) return null;
  const { body, interactive } = promptFor(conv.channelKind, content.text, content.choices ?? [], content.listButton ?? "Options");
  if (!body.trim()) return null;
  const [message] = await tx
    .insert(messages)
    .values({
      orgId: conv.orgId,
      conversationId: conv.id,
      channelId: conv.channelId,
      direction: "out",
      authorId: content.authorId ?? null,
      body,
      metadata: { ...(content.metadata ?? { bot: { line: "says" } }), ...(interactive ? { interactive } : {}) },
      delivery: "pending",
      createdAt: now,
    })
    .returning({ id: messages.id });
  await tx.insert(outbox).values({ orgId: conv.orgId, messageId: message.id, nextAttemptAt: now, createdAt: now });
  // A closed conversation keeps its place in the lists: a survey does not move it to the top.
  if (options.touch !== false) await tx.update(conversations).set({ lastMessageAt: now, lastMessagePreview: preview(body) }).where(eq(conversations.id, conv.id));
  const eventId = await recordEvent(tx, { orgId: conv.orgId, type: "message_created", conversationId: conv.id, actorId: content.authorId ?? null, data: { messageId: message.id, direction: "out", ...(content.authorId ? {} : BY_BOT) }, createdAt: now });
  return { messageId: message.id, eventId };
}
