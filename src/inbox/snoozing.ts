// Snoozing: an open conversation set aside until a time. It leaves Open and Assigned for the Snoozed
// tab (still open, so the one-open-conversation rule and the customer's messages find it), and comes
// back, unread, when its time comes (the snooze job) or when the customer writes (SnoozeWaker, with
// the job as the fallback after a crash). Snoozing and waking are events with a line in the thread.
import { and, asc, eq, gt, isNotNull, lte, or, sql } from "drizzle-orm";
import { rows, type Database, type DbOrTx, type Tx } from "@db/client";
import { conversationReads, conversations, messages } from "@db/schema";
import type { Actor } from "../context";
import type { Background } from "../background";
import type { Logger } from "../log";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { ConversationRuleBroken, lockConversation, type Change } from "./changes";

/** Why a conversation came back: its time came, the customer wrote, or an agent woke it. */
export type WakeReason = "time" | "customer" | "agent";

/** The thread's line for a snooze or a wake, kept in the message's metadata and drawn in the reader's language. */
export type SnoozeLine = { system: "snoozed"; until: string; byName: string } | { system: "woke"; reason: WakeReason; byName: string | null };

/** How far ahead a snooze may go. */
const LONGEST_MS = 366 * 24 * 3_600_000;

export class SnoozeRefused extends Error {
  constructor(public reason: "past" | "too_far") {
    super(reason);
  }
}

/** Snoozes an open conversation until `until` (after now, within a year); snoozing again moves the time. */
export async function snoozeConversation(db: DbOrTx, actor: Actor, conversationId: number, until: Date, now: Date): Promise<Change> {
  if (until.getTime() <= now.getTime()) throw new SnoozeRefused("past");
  if (until.getTime() - now.getTime() > LONGEST_MS) throw new SnoozeRefused("too_far");
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    if (conv.status !== "open") throw new ConversationRuleBroken("closed");
    await tx.update(conversations).set({ snoozedUntil: until, snoozedAt: now, snoozedBy: actor.userId }).where(eq(conversations.id, conv.id));
    const line: SnoozeLine = { system: "snoozed", until: until.toISOString(), byName: actor.name };
    const messageId = await systemLine(tx, conv, line, now);
    const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "snoozed", conversationId: conv.id, actorId: actor.userId, subjectUserId: conv.assigneeId, data: { until: until.toISOString(), messageId }, createdAt: now });
    return { conversationId: conv.id, eventIds: [eventId] };
  });
}

/** "Wake now": an agent brings a snoozed conversation back before its time. Nothing happens to one not snoozed. */
export async function unsnoozeConversation(db: DbOrTx, actor: Actor, conversationId: number, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    if (!conv.snoozedUntil) return { conversationId: conv.id, eventIds: [] };
    return { conversationId: conv.id, eventIds: [await wake(tx, conv, "agent", { id: actor.userId, name: actor.name }, now)] };
  });
}

type Locked = Pick<typeof conversations.$inferSelect, "id" | "orgId" | "channelId" | "assigneeId">;

/**
 * Brings a locked, snoozed conversation back: out of Snoozed, unread for everyone (its reads are
 * forgotten), with a line in the thread and a "woke" event.
 */
async function wake(tx: Tx, conv: Locked, reason: WakeReason, by: { id: string; name: string } | null, now: Date): Promise<number> {
  await tx.update(conversations).set({ snoozedUntil: null, snoozedAt: null, snoozedBy: null }).where(eq(conversations.id, conv.id));
  await tx.delete(conversationReads).where(eq(conversationReads.conversationId, conv.id));
  const messageId = await systemLine(tx, conv, { system: "woke", reason, byName: by?.name ?? null }, now);
  return recordEvent(tx, { orgId: conv.orgId, type: "woke", conversationId: conv.id, actorId: by?.id ?? null, subjectUserId: conv.assigneeId, data: { reason, messageId }, createdAt: now });
}

async function systemLine(tx: Tx, conv: Locked, line: SnoozeLine, now: Date): Promise<number> {
  const [row] = await tx.insert(messages).values({ orgId: conv.orgId, conversationId: conv.id, channelId: conv.channelId, direction: "event", metadata: line, createdAt: now }).returning({ id: messages.id });
  return row.id;
}

/** Snoozed and open, and due: its time has come, or the customer wrote after it was snoozed. */
const due = (now: Date) =>
  and(
    eq(conversations.status, "open"),
    isNotNull(conversations.snoozedUntil),
    or(lte(conversations.snoozedUntil, now), gt(conversations.lastInboundAt, conversations.snoozedAt)),
  );

/**
 * Wakes one due conversation in a transaction of its own and publishes its event; false when none
 * is left. A row another process is waking is skipped (SKIP LOCKED), never woken twice: the
 * condition is read again under the lock.
 */
async function wakeOneDue(database: Database, now: Date, only?: number): Promise<boolean> {
  const done = await commit<{ orgId: number; eventIds: number[] } | null>(database, (d) => d.orgId, (db) =>
    db.transaction(async (tx) => {
      const [conv] = await tx
        .select()
        .from(conversations)
        .where(and(due(now), only === undefined ? undefined : eq(conversations.id, only)))
        .orderBy(asc(conversations.snoozedUntil))
        .limit(1)
        .for("update", { skipLocked: true });
      if (!conv) return null;
      const reason: WakeReason = conv.lastInboundAt && conv.snoozedAt && conv.lastInboundAt > conv.snoozedAt ? "customer" : "time";
      return { orgId: conv.orgId, eventIds: [await wake(tx, conv, reason, null, now)] };
    }),
  );
  return done !== null;
}

/** The snooze job: every due conversation of every organization, one transaction each. Returns how many woke. */
export async function wakeDueConversations(database: Database, now: Date, most = 500): Promise<number> {
  let woken = 0;
  while (woken < most && (await wakeOneDue(database, now))) woken++;
  return woken;
}

/**
 * Wakes a snoozed conversation as soon as its customer writes (heard after commit, in this process).
 * Should the process stop first, the snooze job finds it: the customer's message is newer than the snooze.
 */
export class SnoozeWaker {
  constructor(
    private database: Database,
    private background: Background,
    private now: () => Date,
    private log: Logger,
  ) {}

  #heard: number[] = [];
  #running = false;

  /** The after-commit listener: notes the ids and returns at once; one background loop reads them in batches. */
  heard(_orgId: number, eventIds: number[]) {
    this.#heard.push(...eventIds);
    if (this.#running) return;
    this.#running = true;
    this.background.run("snooze-waker", () => this.#work());
  }

  async #work() {
    try {
      while (this.#heard.length > 0) {
        const batch = this.#heard;
        this.#heard = [];
        await this.#wake(batch).catch((error) => this.log.error("waking a snoozed conversation failed", { error }));
      }
    } finally {
      this.#running = false;
    }
  }

  async #wake(eventIds: number[]) {
    const snoozed = await rows<{ id: number }>(
      this.database.db,
      sql`select distinct c.id::float8 as id from events e join conversations c on c.id = e.conversation_id
        where e.id = any(${`{${eventIds.join(",")}}`}::bigint[]) and e.type = 'message_created' and e.data->>'direction' = 'in'
          and c.snoozed_until is not null and c.status = 'open'`,
    );
    for (const { id } of snoozed) await wakeOneDue(this.database, this.now(), Number(id));
  }
}
