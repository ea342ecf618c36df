// What a rule's conditions look at: the conversation, its channel, contact, tags, the message that
// triggered it, and whether the business is open; and the check of every condition against it.
// The engine and the "test" button read the same situation, so a test says what a run would do.
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { rows, type DbOrTx } from "@db/client";
import { channels, contacts, conversationTags, conversations, customFields, messages, organizations, type ChannelKind, type ConversationType } from "@db/schema";
import { fieldTest } from "../inbox/filters";
import { hoursFor, isOpen } from "./business-hours";
import type { Condition } from "./rules";

export interface Situation {
  orgId: number;
  timeZone: string;
  conversation: {
    id: number;
    status: "open" | "closed";
    type: ConversationType;
    channelId: number;
    channelKind: ChannelKind;
    brandId: number | null;
    workgroupId: number | null;
    assigneeId: string | null;
    contactId: number;
    lastInboundAt: Date | null;
    waitingSince: Date | null;
    createdAt: Date;
  };
  tagIds: Set<number>;
  /** The customer's message that triggered the rule, or their latest one. */
  messageText: string;
  returning: boolean;
  open: boolean;
}

/** The situation of a conversation at `at`, for the message `messageId` when one triggered the rule. */
export async function situationOf(db: DbOrTx, orgId: number, conversationId: number, messageId: number | null, at: Date): Promise<Situation | null> {
  const [row] = await db
    .select({
      id: conversations.id,
      status: conversations.status,
      type: conversations.type,
      channelId: conversations.channelId,
      channelKind: channels.kind,
      brandId: channels.brandId,
      workgroupId: conversations.workgroupId,
      assigneeId: conversations.assigneeId,
      contactId: conversations.contactId,
      lastInboundAt: conversations.lastInboundAt,
      waitingSince: conversations.waitingSince,
      createdAt: conversations.createdAt,
      timeZone: organizations.timezone,
    })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .innerJoin(organizations, eq(organizations.id, conversations.orgId))
    .where(and(eq(conversations.orgId, orgId), eq(conversations.id, conversationId)));
  if (!row) return null;
  const { timeZone, ...conversation } = row;
  const [tagRows, message, earlier, hours] = await Promise.all([
    db.select({ tagId: conversationTags.tagId }).from(conversationTags).where(eq(conversationTags.conversationId, conversationId)),
    db
      .select({ body: messages.body })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), messageId ? eq(messages.id, messageId) : eq(messages.direction, "in")))
      .orderBy(sql`${messages.id} desc`)
      .limit(1),
    db
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.contactId, row.contactId), lt(conversations.createdAt, row.createdAt)))
      .limit(1),
    hoursFor(db, orgId, row.workgroupId),
  ]);
  return {
    orgId,
    timeZone,
    conversation,
    tagIds: new Set(tagRows.map((t) => t.tagId)),
    messageText: message[0]?.body ?? "",
    returning: earlier.length > 0,
    open: isOpen(hours, timeZone, at),
  };
}

/** Each condition with whether it holds; a CRM field the organization no longer has never holds. */
export async function checkConditions(db: DbOrTx, situation: Situation, conditions: Condition[]): Promise<{ condition: Condition; holds: boolean }[]> {
  const c = situation.conversation;
  const fieldChecks = conditions.filter((x): x is Extract<Condition, { type: "field" }> => x.type === "field");
  const fieldResults = new Map<Condition, boolean>();
  if (fieldChecks.length) {
    const defs = await db
      .select({ key: customFields.key, type: customFields.type })
      .from(customFields)
      .where(and(eq(customFields.orgId, situation.orgId), inArray(customFields.key, fieldChecks.map((f) => f.key))));
    const typeOf = new Map(defs.map((d) => [d.key, d.type]));
    for (const f of fieldChecks) {
      const type = typeOf.get(f.key);
      const test = type ? fieldTest({ key: f.key, type, op: f.op, value: f.value }) : undefined;
      if (!test) {
        fieldResults.set(f, false);
        continue;
      }
      const [hit] = await rows<{ holds: boolean }>(db, sql`select coalesce((select ${test} from (select ${contacts.customFields} as cf from ${contacts} where ${contacts.id} = ${c.contactId}) ct), false) as holds`);
      fieldResults.set(f, hit?.holds === true);
    }
  }
  return conditions.map((condition) => {
    switch (condition.type) {
      case "tag":
        return { condition, holds: situation.tagIds.has(condition.tagId) === condition.present };
      case "field":
        return { condition, holds: fieldResults.get(condition) ?? false };
      case "business_hours":
        return { condition, holds: situation.open === condition.inside };
      case "contact":
        return { condition, holds: situation.returning === condition.returning };
      default:
        return { condition, holds: seenHolds(condition, { ...c, text: situation.messageText }) === true };
    }
  });
}

/** What a glance at the conversation shows: its channel, group and type, and the message's text when one is named. */
export interface Glimpse {
  channelId: number;
  contactId: number;
  channelKind: ChannelKind;
  brandId: number | null;
  workgroupId: number | null;
  type: ConversationType;
  /** Null when no message is named (the condition then looks at the latest one). */
  text: string | null;
}

/**
 * Whether a condition holds on what a glance shows, or undefined when it needs more (tags, CRM
 * fields, business hours, earlier conversations, or a text not at hand). The engine passes over
 * the rules a glance already rules out, and checkConditions decides the others in full.
 */
export function seenHolds(condition: Condition, c: Glimpse): boolean | undefined {
  switch (condition.type) {
    case "channel":
      return condition.channelIds.includes(c.channelId);
    case "channel_kind":
      return condition.kinds.includes(c.channelKind);
    case "brand":
      return c.brandId !== null && condition.brandIds.includes(c.brandId);
    case "workgroup":
      return c.workgroupId !== null && condition.workgroupIds.includes(c.workgroupId);
    case "session_type":
      return condition.types.includes(c.type);
    case "text_contains":
      return c.text === null ? undefined : c.text.toLocaleLowerCase("tr").includes(condition.value.toLocaleLowerCase("tr"));
    case "text_matches":
      return c.text === null ? undefined : new RegExp(condition.pattern, "iu").test(c.text);
    default:
      return undefined;
  }
}

/** Contact details for message variables. */
export async function contactForVariables(db: DbOrTx, contactId: number) {
  const [contact] = await db.select({ name: contacts.name, phone: contacts.phone, email: contacts.email, customFields: contacts.customFields }).from(contacts).where(eq(contacts.id, contactId));
  return contact ?? { name: null, phone: null, email: null, customFields: {} };
}
