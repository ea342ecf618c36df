// Reply windows: how long after the customer's last message free-form replies may go out.
// WhatsApp: 24 h, then only a template. Messenger/Instagram: 24 h standard, then up to 7 days with
// the HUMAN_AGENT tag (human agents only), then nothing. WebChat and support: always.
import { and, eq, gt, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { Database } from "@db/client";
import { channels, conversations, type ChannelKind, type MessageKind } from "@db/schema";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { capabilities } from "./capabilities";

export type ReplyWindow =
  | { state: "always" }
  | { state: "open"; endsAt: Date }
  /** Past the standard window: replies carry the HUMAN_AGENT tag until `endsAt`. */
  | { state: "tagged"; endsAt: Date }
  /** Closed: only a template may go out (when the channel has templates). */
  | { state: "closed"; templates: boolean };

export function replyWindow(kind: ChannelKind, lastInboundAt: Date | null, now: Date): ReplyWindow {
  const caps = capabilities[kind];
  if (caps.replyWindowMs === null) return { state: "always" };
  if (!lastInboundAt) return { state: "closed", templates: caps.templates };
  const since = now.getTime() - lastInboundAt.getTime();
  const standard = caps.standardWindowMs ?? caps.replyWindowMs;
  if (since <= standard) return { state: "open", endsAt: new Date(lastInboundAt.getTime() + standard) };
  if (since <= caps.replyWindowMs) return { state: "tagged", endsAt: new Date(lastInboundAt.getTime() + caps.replyWindowMs) };
  return { state: "closed", templates: caps.templates };
}

/** Whether a message of this kind may go out now: outside the window only a template, where the channel has them. */
export function mayGoOut(kind: ChannelKind, lastInboundAt: Date | null, messageKind: MessageKind, now: Date): boolean {
  const window = replyWindow(kind, lastInboundAt, now);
  return window.state !== "closed" || (messageKind === "template" && window.templates);
}

/** When free-form replies stop being possible (stored on the conversation for the UI and jobs). */
export function windowEndsAt(kind: ChannelKind, lastInboundAt: Date): Date | null {
  const ms = capabilities[kind].replyWindowMs;
  return ms === null ? null : new Date(lastInboundAt.getTime() + ms);
}

/**
 * The window job (every minute): keeps `reply_window_ends_at` current for open conversations and
 * announces windows that closed since the last tick, so open threads switch to templates live.
 */
export async function refreshReplyWindows(database: Database, now: Date, tickMs = 60_000): Promise<number> {
  const { db } = database;
  const windowed = (Object.keys(capabilities) as ChannelKind[]).filter((k) => capabilities[k].replyWindowMs !== null);
  for (const kind of windowed) {
    const ms = capabilities[kind].replyWindowMs!;
    await db
      .update(conversations)
      .set({ replyWindowEndsAt: sql`${conversations.lastInboundAt} + make_interval(secs => ${ms / 1000})` })
      .where(
        and(
          eq(conversations.status, "open"),
          isNotNull(conversations.lastInboundAt),
          sql`${conversations.replyWindowEndsAt} is distinct from ${conversations.lastInboundAt} + make_interval(secs => ${ms / 1000})`,
          inArray(conversations.channelId, db.select({ id: channels.id }).from(channels).where(eq(channels.kind, kind))),
        ),
      );
  }
  const closed = await db
    .select({ id: conversations.id, orgId: conversations.orgId })
    .from(conversations)
    .where(
      and(
        eq(conversations.status, "open"),
        gt(conversations.replyWindowEndsAt, new Date(now.getTime() - tickMs)),
        lte(conversations.replyWindowEndsAt, now),
      ),
    );
  for (const c of closed) {
    await commit(database, c.orgId, (db) => recordEvent(db, { orgId: c.orgId, type: "window_closed", conversationId: c.id, createdAt: now }));
  }
  return closed.length;
}
