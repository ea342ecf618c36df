// What a workflow rule is made of: one trigger, conditions that must all hold, and actions applied in
// order. Stored as jsonb on the rule and parsed with these schemas wherever they are read or written.
import { Cron } from "croner";
import { z } from "zod";
import { channelKinds, conversationTypes, type workflows } from "@db/schema";
import { operatorsByType } from "../inbox/filters";

const id = z.coerce.number().int().positive();
const minutes = z.coerce.number().int().min(1).max(60 * 24 * 30);

/** A croner expression (five or six fields) that has a next time. */
export const cronExpression = z
  .string()
  .trim()
  .min(9)
  .max(100)
  .refine((expr) => {
    try {
      return new Cron(expr, { paused: true }).nextRun() !== null;
    } catch {
      return false;
    }
  }, "invalid schedule");

export const triggerSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("conversation_opened") }),
  z.object({ type: z.literal("message_received") }),
  z.object({ type: z.literal("assigned") }),
  z.object({ type: z.literal("closed") }),
  z.object({ type: z.literal("tag_added"), tagId: id.optional() }),
  z.object({ type: z.literal("tag_removed"), tagId: id.optional() }),
  z.object({ type: z.literal("contact_field_changed") }),
  z.object({ type: z.literal("no_agent_reply"), minutes }),
  z.object({ type: z.literal("no_customer_reply"), minutes }),
  /**
   * At the times of a croner expression in the organization's time zone, for every contact whose
   * latest conversation meets the rule's conditions (and, with `quietDays`, whose last message is
   * at least that many days old): the contact filter the rule runs over.
   */
  z.object({ type: z.literal("schedule"), cron: cronExpression, quietDays: z.coerce.number().int().min(1).max(3650).optional() }),
]);
export type Trigger = z.infer<typeof triggerSchema>;
export const triggerTypes = triggerSchema.options.map((o) => o.shape.type.value);

const allFieldOperators = [...new Set(Object.values(operatorsByType).flat())] as [string, ...string[]];

export const conditionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("channel"), channelIds: z.array(id).min(1) }),
  z.object({ type: z.literal("channel_kind"), kinds: z.array(z.enum(channelKinds)).min(1) }),
  z.object({ type: z.literal("brand"), brandIds: z.array(id).min(1) }),
  z.object({ type: z.literal("workgroup"), workgroupIds: z.array(id).min(1) }),
  z.object({ type: z.literal("tag"), tagId: id, present: z.boolean() }),
  z.object({ type: z.literal("field"), key: z.string().min(1).max(60), op: z.enum(allFieldOperators), value: z.string().max(200).default("") }),
  z.object({ type: z.literal("text_contains"), value: z.string().trim().min(1).max(200) }),
  z.object({
    type: z.literal("text_matches"),
    pattern: z
      .string()
      .min(1)
      .max(200)
      .refine((p) => {
        try {
          new RegExp(p, "iu");
          return true;
        } catch {
          return false;
        }
      }, "invalid pattern"),
  }),
  z.object({ type: z.literal("business_hours"), inside: z.boolean() }),
  z.object({ type: z.literal("contact"), returning: z.boolean() }),
  z.object({ type: z.literal("session_type"), types: z.array(z.enum(conversationTypes)).min(1) }),
]);
export type Condition = z.infer<typeof conditionSchema>;
export const conditionTypes = conditionSchema.options.map((o) => o.shape.type.value);

const text = z.string().trim().min(1).max(4096);

export const actionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("assign_workgroup"), workgroupId: id }),
  z.object({ type: z.literal("assign_user"), userId: z.string().min(1).max(100) }),
  z.object({ type: z.literal("add_tag"), tagId: id }),
  z.object({ type: z.literal("remove_tag"), tagId: id }),
  z.object({ type: z.literal("set_field"), key: z.string().min(1).max(60), value: z.string().max(500) }),
  z.object({ type: z.literal("send_message"), body: text }),
  z.object({ type: z.literal("send_quick_reply"), quickReplyId: id }),
  z.object({ type: z.literal("send_template"), name: z.string().min(1).max(200), language: z.string().min(1).max(20), parameters: z.array(z.string().max(500)).max(20).default([]) }),
  z.object({ type: z.literal("note"), body: text }),
  z.object({ type: z.literal("close"), closingMessageId: id }),
  z.object({ type: z.literal("mark_spam") }),
  z.object({
    type: z.literal("start_conversation"),
    channelId: id,
    body: z.string().trim().max(4096).default(""),
    template: z.object({ name: z.string().min(1), language: z.string().min(1), parameters: z.array(z.string().max(500)).default([]) }).optional(),
  }),
  /**
   * A poll (a question and 2–10 choices) to the contact on a channel: in their open conversation
   * there, else outside one (src/bot/poll-sends.ts), with a WhatsApp template when the window is closed.
   */
  z.object({
    type: z.literal("send_poll"),
    channelId: id,
    question: z.string().trim().min(1).max(500),
    options: z.array(z.string().trim().min(1).max(24)).min(2).max(10),
    template: z.object({ name: z.string().min(1).max(200), language: z.string().min(1).max(20) }).optional(),
  }),
  /** A channel's out-of-office reply or welcome message (made by the engine, not chosen in a rule). */
  z.object({ type: z.literal("automated_reply"), replyId: id }),
]);
export type Action = z.infer<typeof actionSchema>;
export const actionTypes = actionSchema.options.map((o) => o.shape.type.value).filter((t) => t !== "automated_reply");

export const ruleSchema = z.object({
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean().default(true),
  stopAfter: z.boolean().default(false),
  trigger: triggerSchema,
  conditions: z.array(conditionSchema).max(20).default([]),
  actions: z.array(actionSchema).min(1).max(20),
});
export type RuleInput = z.infer<typeof ruleSchema>;

/** Fills {{contact.name}}, {{contact.phone}}, {{contact.email}} and {{field.<key>}} from the contact. */
export function fillVariables(text: string, contact: { name: string | null; phone: string | null; email: string | null; customFields: Record<string, unknown> }): string {
  return text.replace(/\{\{\s*(contact\.(name|phone|email)|field\.([a-z0-9_]+))\s*\}\}/gi, (_, __, own: string | undefined, key: string | undefined) => {
    if (own) return String(contact[own.toLowerCase() as "name"] ?? "");
    const value = contact.customFields[key!];
    return value === undefined || value === null ? "" : String(value);
  });
}

export interface Rule {
  id: number;
  name: string;
  stopAfter: boolean;
  trigger: Trigger;
  conditions: Condition[];
  actions: Action[];
}

/** A stored rule, or null when it no longer parses (it is skipped, never breaks a pass). */
export function parseRule(row: typeof workflows.$inferSelect): Rule | null {
  const trigger = triggerSchema.safeParse(row.trigger);
  const conditions = conditionSchema.array().safeParse(row.conditions);
  const actions = actionSchema.array().safeParse(row.actions);
  if (!trigger.success || !conditions.success || !actions.success) return null;
  return { id: row.id, name: row.name, stopAfter: row.stopAfter, trigger: trigger.data, conditions: conditions.data, actions: actions.data };
}
