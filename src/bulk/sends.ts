// Bulk sends as supervisors and admins make and steer them: one approved WhatsApp template, its
// variables mapped, an audience made into recipient rows at once, a pace and a start time; then
// pause, resume and cancel. Everything is the organization's own: another's sends are unknown here.
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { bulkRecipients, bulkSends, channels, contacts, organizations, type BulkSendStatus } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { channelTemplates } from "../inbox/replies";
import { fillVariables } from "../workflows/rules";
import { audienceCondition, contactsForNumbers, hasCriteria, MAX_RECIPIENTS, type AudienceFilter } from "./audience";

/** Why a bulk send cannot be made or changed (the reason is a catalog key's last part). */
export class BulkRefused extends Error {
  constructor(public reason: "forbidden" | "not_found" | "no_template" | "empty_audience" | "too_many" | "pace" | "not_now") {
    super(reason);
  }
}

export const DEFAULT_PACE = 20;
export const DEFAULT_MAX_PACE = 80;

/** Only supervisors and admins send in bulk. */
export function mayBulkSend(actor: Actor): boolean {
  return actor.role === "admin" || actor.role === "supervisor";
}

function ensureAllowed(actor: Actor) {
  if (!mayBulkSend(actor)) throw new BulkRefused("forbidden");
}

export async function maxPaceOf(db: DbOrTx, orgId: number): Promise<number> {
  const [org] = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId));
  return org?.settings.bulkMaxPace ?? DEFAULT_MAX_PACE;
}

/** The organization's active WhatsApp channels with their approved templates. */
export async function templateChoices(db: DbOrTx, actor: Actor) {
  const rows = await db
    .select({ id: channels.id, name: channels.name, config: channels.config })
    .from(channels)
    .where(and(eq(channels.orgId, actor.orgId), eq(channels.kind, "whatsapp"), eq(channels.active, true)))
    .orderBy(channels.name);
  return rows.map((r) => ({ id: r.id, name: r.name, templates: channelTemplates(r.config) }));
}
export type TemplateChoices = Awaited<ReturnType<typeof templateChoices>>;

/** A template's text for one contact: each {{n}} replaced by its mapped value. */
export function renderTemplate(body: string, parameters: string[], contact: Parameters<typeof fillVariables>[1]): { body: string; values: string[] } {
  const values = parameters.map((p) => fillVariables(p, contact).trim());
  return { body: body.replace(/\{\{(\d+)\}\}/g, (_, n) => values[Number(n) - 1] ?? ""), values };
}

export interface NewBulkSend {
  name: string;
  channelId: number;
  template: { name: string; language: string };
  parameters: string[];
  filter: AudienceFilter | null;
  /** E.164 numbers from a list. */
  numbers: string[];
  skipOpen: boolean;
  pace: number;
  startAt: Date | null;
}

/** Makes the send and its recipients (each contact once); it starts when its time comes (the runner). */
export async function createBulkSend(db: DbOrTx, actor: Actor, input: NewBulkSend, now: Date) {
  ensureAllowed(actor);
  return db.transaction(async (tx) => {
    const [channel] = await tx
      .select({ id: channels.id, config: channels.config })
      .from(channels)
      .where(and(eq(channels.orgId, actor.orgId), eq(channels.id, input.channelId), eq(channels.kind, "whatsapp"), eq(channels.active, true)));
    if (!channel) throw new BulkRefused("no_template");
    const template = channelTemplates(channel.config).find((t) => t.name === input.template.name && t.language === input.template.language);
    // The form offers as many variables as the longest template has: this one takes its own number, each filled.
    const parameters = input.parameters.slice(0, template?.params ?? 0);
    if (!template || input.parameters.length < template.params || parameters.some((p) => !p.trim())) throw new BulkRefused("no_template");
    if (input.pace < 1 || input.pace > (await maxPaceOf(tx, actor.orgId))) throw new BulkRefused("pace");
    const filtered = input.filter && hasCriteria(input.filter);
    if (!filtered && input.numbers.length === 0) throw new BulkRefused("empty_audience");
    if (input.numbers.length > MAX_RECIPIENTS) throw new BulkRefused("too_many");
    const startAt = input.startAt && input.startAt > now ? input.startAt : now;
    const [send] = await tx
      .insert(bulkSends)
      .values({
        orgId: actor.orgId,
        name: input.name,
        channelId: channel.id,
        template,
        parameters,
        audience: { filter: filtered ? input.filter : null, numbers: input.numbers.length },
        skipOpen: input.skipOpen,
        pace: input.pace,
        currentPace: input.pace,
        status: "scheduled",
        startAt,
        createdBy: actor.userId,
        createdAt: now,
      })
      .returning();
    if (filtered) {
      await tx.execute(sql`insert into bulk_recipients (org_id, bulk_send_id, contact_id)
        select ${actor.orgId}, ${send.id}, ${contacts.id} from ${contacts}
        where ${audienceCondition(actor.orgId, input.filter!, actor.timezone)}
        order by ${contacts.id} limit ${MAX_RECIPIENTS}
        on conflict do nothing`);
    }
    const listed = await contactsForNumbers(tx, actor.orgId, channel.id, input.numbers, now);
    for (let i = 0; i < listed.length; i += 1000) {
      await tx
        .insert(bulkRecipients)
        .values(listed.slice(i, i + 1000).map((contactId) => ({ orgId: actor.orgId, bulkSendId: send.id, contactId })))
        .onConflictDoNothing();
    }
    const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(bulkRecipients).where(eq(bulkRecipients.bulkSendId, send.id));
    if (n === 0) throw new BulkRefused("empty_audience");
    if (n > MAX_RECIPIENTS) throw new BulkRefused("too_many");
    const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "bulk_changed", actorId: actor.userId, data: { bulkSendId: send.id, status: "scheduled", recipients: n }, createdAt: now });
    return { send, recipients: n, eventIds: [eventId] };
  });
}

const moves: Record<"pause" | "resume" | "cancel", { from: BulkSendStatus[]; to: BulkSendStatus }> = {
  pause: { from: ["scheduled", "running"], to: "paused" },
  resume: { from: ["paused"], to: "running" },
  cancel: { from: ["scheduled", "running", "paused"], to: "cancelled" },
};

/**
 * Pause stops new sends (those already handed to the outbox go out); resume goes on where it
 * stopped; cancel marks every recipient not yet sent as cancelled. Sends already made stay.
 */
export async function steerBulkSend(db: DbOrTx, actor: Actor, id: number, action: keyof typeof moves, now: Date) {
  ensureAllowed(actor);
  const move = moves[action];
  return db.transaction(async (tx) => {
    const [send] = await tx
      .update(bulkSends)
      .set({
        status: move.to,
        // A paused send resumes at once even if it was scheduled for later.
        ...(action === "resume" ? { startedAt: sql`coalesce(${bulkSends.startedAt}, ${now.toISOString()}::timestamptz)` } : {}),
        ...(action === "cancel" ? { finishedAt: now } : {}),
      })
      .where(and(eq(bulkSends.orgId, actor.orgId), eq(bulkSends.id, id), inArray(bulkSends.status, move.from)))
      .returning({ id: bulkSends.id, status: bulkSends.status });
    if (!send) {
      const [exists] = await tx.select({ id: bulkSends.id }).from(bulkSends).where(and(eq(bulkSends.orgId, actor.orgId), eq(bulkSends.id, id)));
      throw new BulkRefused(exists ? "not_now" : "not_found");
    }
    if (action === "cancel") {
      await tx.update(bulkRecipients).set({ state: "cancelled" }).where(and(eq(bulkRecipients.bulkSendId, id), eq(bulkRecipients.state, "queued")));
    }
    const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "bulk_changed", actorId: actor.userId, data: { bulkSendId: id, status: send.status, action }, createdAt: now });
    return { eventIds: [eventId] };
  });
}

export async function listBulkSends(db: DbOrTx, actor: Actor) {
  ensureAllowed(actor);
  return db
    .select({
      send: bulkSends,
      channel: channels.name,
      recipients: sql<number>`(select count(*) from bulk_recipients r where r.bulk_send_id = ${bulkSends.id})::int`,
      sent: sql<number>`(select count(*) from bulk_recipients r join messages m on m.id = r.message_id where r.bulk_send_id = ${bulkSends.id} and m.delivery in ('sent', 'delivered', 'read'))::int`,
    })
    .from(bulkSends)
    .innerJoin(channels, eq(channels.id, bulkSends.channelId))
    .where(eq(bulkSends.orgId, actor.orgId))
    .orderBy(desc(bulkSends.createdAt), desc(bulkSends.id))
    .limit(200);
}

/** One of the organization's sends, or null (another organization's is as unknown as a wrong id). */
export async function getBulkSend(db: DbOrTx, actor: Actor, id: number) {
  ensureAllowed(actor);
  const [row] = await db
    .select({ send: bulkSends, channel: channels.name })
    .from(bulkSends)
    .innerJoin(channels, eq(channels.id, bulkSends.channelId))
    .where(and(eq(bulkSends.orgId, actor.orgId), eq(bulkSends.id, id)));
  return row ?? null;
}
