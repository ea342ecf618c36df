// Which committed events set which rules going, and how far: read by the engine when it makes runs,
// and by routing, which leaves a new conversation to the rules that may move it on before any agent
// of the channel's group gets it (so nobody is handed a conversation that a rule then takes away).
import type { Glimpse } from "./situation";
import { seenHolds } from "./situation";
import type { Action, Rule, Trigger } from "./rules";

/** A chain of rules firing on each other's changes stops here. */
export const MAX_DEPTH = 3;

/** What a trigger looks at in a committed event. */
export interface TriggerEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Whether an event is what a trigger waits for (delayed triggers start waiting on it). */
export function triggeredBy(trigger: Trigger, e: TriggerEvent): boolean {
  const direction = e.data.direction;
  switch (trigger.type) {
    case "conversation_opened":
      return e.type === "conversation_created";
    case "message_received":
    case "no_agent_reply":
      return e.type === "message_created" && direction === "in";
    case "no_customer_reply":
      return e.type === "message_created" && direction === "out";
    case "assigned":
      return e.type === "assigned" && e.data.unassigned !== true;
    case "closed":
      return e.type === "closed";
    case "tag_added":
      return e.type === "tagged" && (trigger.tagId === undefined || e.data.tagId === trigger.tagId);
    case "tag_removed":
      return e.type === "untagged" && (trigger.tagId === undefined || e.data.tagId === trigger.tagId);
    case "contact_field_changed":
      return e.type === "contact_updated";
    case "schedule":
      // Its times make its runs (schedule.ts), not events.
      return false;
  }
}

export const delayOf = (trigger: Trigger) => (trigger.type === "no_agent_reply" || trigger.type === "no_customer_reply" ? trigger.minutes * 60_000 : 0);

export const depthOf = (e: TriggerEvent) => (typeof e.data.depth === "number" ? e.data.depth : 0);

/** The rules an event sets going: never a rule on its own changes, and nothing past the chain's depth. */
export const rulesFiredBy = (rules: Rule[], e: TriggerEvent) => (depthOf(e) >= MAX_DEPTH ? [] : rules.filter((r) => triggeredBy(r.trigger, e) && e.data.ruleId !== r.id));

/** The rules a glance does not rule out: one whose conditions all hold or need more to tell. */
export function worthChecking(rules: Rule[], glimpse: Glimpse | undefined): Rule[] {
  if (!glimpse) return rules;
  return rules.filter((rule) => rule.conditions.every((c) => seenHolds(c, glimpse) !== false));
}

/** Whether the glance decides every condition of the rule (no tags, fields, hours or history to read). */
export const decidedAtAGlance = (rule: Rule, glimpse: Glimpse | undefined) => glimpse !== undefined && rule.conditions.every((c) => seenHolds(c, glimpse) !== undefined);

/** An action that assigns the conversation, to a group or a person. */
export const assigns = (action: { type?: unknown }) => action.type === "assign_workgroup" || action.type === "assign_user";

/** A rule that assigns the conversation as soon as its trigger fires. */
const assignsAtOnce = (rule: Rule) => delayOf(rule.trigger) === 0 && rule.actions.some(assigns);

/** An event a new conversation's opening writes: its creation, or the customer's first message. */
export const opensConversation = (e: TriggerEvent) => e.type === "conversation_created" || e.type === "message_created";

/** A new conversation waiting in a group's queue with nobody assigned: what routing routes. */
export const waitsInQueue = (e: TriggerEvent & { conversation_id: number | null; subject_user_id: string | null }) =>
  e.type === "conversation_created" && e.conversation_id !== null && typeof e.data.workgroupId === "number" && !e.subject_user_id;

/**
 * Whether a rule may assign a new conversation as soon as it sees one of the events its opening
 * wrote (the conversation's creation, the customer's first message): routing then leaves it
 * waiting for the rules, and the engine routes it if none does assign it.
 */
export function rulesMayAssign(rules: Rule[], opening: { event: TriggerEvent; glimpse: Glimpse | undefined }[]): boolean {
  const assigning = rules.filter(assignsAtOnce);
  if (assigning.length === 0) return false;
  return opening.some(({ event, glimpse }) => worthChecking(rulesFiredBy(assigning, event), glimpse).length > 0);
}

/**
 * Who takes a new conversation first, judged on its opening events (in their order) at a glance:
 * - `routing`: no rule may assign it at once;
 * - `rule`: exactly one rule fires on the opening, a glance decides its conditions hold, and its
 *   first action routes to a workgroup: that rule's run is made and its first step taken as routing
 *   routes it, with the same outcome as the engine's (no other rule's run to order it against);
 * - `rules`: anything else that may assign it: the engine looks, and routes it if none does.
 */
export type Opening<E extends TriggerEvent> =
  | { by: "routing" }
  | { by: "rules" }
  | { by: "rule"; rule: Rule; event: E; action: Extract<Action, { type: "assign_workgroup" }>; matched: string[] };

export function judgeOpening<E extends TriggerEvent>(rules: Rule[], opening: { event: E; glimpse: Glimpse | undefined }[]): Opening<E> {
  if (!rulesMayAssign(rules, opening)) return { by: "routing" };
  const firing = opening.flatMap(({ event, glimpse }) =>
    worthChecking(
      rulesFiredBy(rules, event).filter((r) => delayOf(r.trigger) === 0),
      glimpse,
    ).map((rule) => ({ rule, event, glimpse })),
  );
  if (firing.length !== 1) return { by: "rules" };
  const [{ rule, event, glimpse }] = firing;
  const [first] = rule.actions;
  if (!decidedAtAGlance(rule, glimpse) || first?.type !== "assign_workgroup") return { by: "rules" };
  return { by: "rule", rule, event, action: first, matched: [rule.trigger.type, ...rule.conditions.map((c) => c.type)] };
}

/** A run's key: one run per rule and event, whichever process makes it first. */
export const runKey = (ruleId: number, eventId: number) => `${ruleId}:${eventId}`;

/**
 * A rule's run of the event that fired it, as its row is made, whoever makes it first (the same key):
 * due when the event happened, one step deeper in the chain than the event.
 */
export function ruleRun<ContactId>(orgId: number, fired: { rule: Rule; event: TriggerEvent & { id: number; created_at: Date }; matched: string[] }, target: { conversationId: number; contactId: ContactId }, createdAt: Date) {
  const { rule, event, matched } = fired;
  return { orgId, key: runKey(rule.id, event.id), workflowId: rule.id, ruleName: rule.name, ...target, eventId: event.id, depth: depthOf(event) + 1, actions: rule.actions, matched, dueAt: new Date(event.created_at), createdAt };
}
