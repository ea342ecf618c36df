// A rule's actions, each applied inside the run's transaction. Every change they make is an event
// whose actor is the rule (actor_id null, data.by = "rule" with its id, name and depth, the way
// routing marks its own), and a system line in the thread says which rule did what.
import { and, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { Tx } from "@db/client";
import { automatedReplies, channels, closingMessages, contacts, conversations, customFields, events, messages, organizations, outbox, quickReplies, workgroups, type MessageKind } from "@db/schema";
import type { Actor } from "../context";
import { catalogs } from "../i18n/catalog";
import { assignConversation } from "../inbox/assignment";
import { markAsSpam } from "../inbox/spam";
import { routeBatch, type Instant, type RouteOutcome, type RouteRequest } from "../routing/assign";
import { preview } from "../inbox/changes";
import { startByAutomation } from "../inbox/opening";
import { channelTemplates } from "../inbox/replies";
import { tagConversation, untagConversation } from "../inbox/tagging";
import { mayGoOut } from "../channels/windows";
import { sendPollToContact } from "../bot/poll-sends";
import { recordEvent } from "../realtime/events";
import { contactForVariables } from "./situation";
import { fillVariables, type Action } from "./rules";

/** Who is acting: a run of a rule (or of a channel's automated reply, `ruleId` null). */
export interface RunContext {
  orgId: number;
  runId: number;
  ruleId: number | null;
  ruleName: string;
  /** The depth of the events this run writes: one more than the event that made it. */
  depth: number;
  conversationId: number | null;
  contactId: number | null;
}

export interface ActionOutcome {
  outcome: "done" | "skipped";
  detail?: string;
  eventIds: number[];
}

/** A rule's action that cannot be applied (a deleted tag, a closed conversation): logged, the run goes on. */
export class ActionRefused extends Error {}

export const byRule = (run: RunContext) => ({ by: "rule", ruleId: run.ruleId, ruleName: run.ruleName, depth: run.depth });

/**
 * The inbox's own assignment and tagging functions speak for a person; a rule calls them as an
 * actor no person is, then marks the events they wrote as the rule's.
 */
function ruleActor(run: RunContext): Actor {
  return { userId: `rule:${run.ruleId ?? 0}`, name: run.ruleName, orgId: run.orgId, orgName: "", timezone: "UTC", rosterVersion: 0, readsVersion: 0, agentsSeeOnlyOwn: false, role: "admin", status: "online", preferences: {} } as Actor;
}

/** The events an action wrote through the inbox's own functions, marked as the rule's (byRule). */
async function markAsRule(tx: Tx, run: RunContext, eventIds: number[]) {
  if (eventIds.length === 0) return;
  await tx
    .update(events)
    .set({ actorId: null, data: sql`${events.data} || ${JSON.stringify(byRule(run))}::jsonb` })
    .where(inArray(events.id, eventIds));
}

async function lockedConversation(tx: Tx, run: RunContext, conversationId: number | null = run.conversationId) {
  if (conversationId === null) throw new ActionRefused("no_conversation");
  const [conv] = await tx
    .select({ id: conversations.id, status: conversations.status, channelId: conversations.channelId, contactId: conversations.contactId, assigneeId: conversations.assigneeId, assignedAt: conversations.assignedAt, lastInboundAt: conversations.lastInboundAt, channelKind: channels.kind, channelConfig: channels.config })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(eq(conversations.orgId, run.orgId), eq(conversations.id, conversationId)))
    .for("no key update", { of: conversations });
  if (!conv) throw new ActionRefused("no_conversation");
  return conv;
}
type Locked = Awaited<ReturnType<typeof lockedConversation>>;

/** The thread's system line: "<what> by rule '<name>'", drawn from the metadata in the reader's language. */
async function systemLine(tx: Tx, run: RunContext, conversationId: number, action: string, details: Record<string, unknown>, now: Date): Promise<number> {
  const [conv] = await tx.select({ channelId: conversations.channelId }).from(conversations).where(eq(conversations.id, conversationId));
  const [line] = await tx
    .insert(messages)
    .values({ orgId: run.orgId, conversationId, channelId: conv.channelId, direction: "event", body: "", metadata: { automation: { action, rule: run.ruleId === null ? null : run.ruleName, ...details } }, createdAt: now })
    .returning({ id: messages.id });
  return recordEvent(tx, { orgId: run.orgId, type: "message_created", conversationId, data: { messageId: line.id, direction: "event", ...byRule(run) }, createdAt: now });
}

/** An outbound message written by a rule (no author), sent by the outbox, only where the reply window allows its kind. */
async function sendAs(tx: Tx, run: RunContext, conv: Locked, body: string, now: Date, kind: MessageKind = "text", metadata: Record<string, unknown> = {}): Promise<number[] | null> {
  if (conv.status !== "open") throw new ActionRefused("closed");
  if (!body.trim()) throw new ActionRefused("empty");
  if (!mayGoOut(conv.channelKind, conv.lastInboundAt, kind, now)) return null;
  const [message] = await tx
    .insert(messages)
    .values({ orgId: run.orgId, conversationId: conv.id, channelId: conv.channelId, direction: "out", kind, body, metadata: { ...metadata, automation: byRule(run) }, delivery: "pending", createdAt: now })
    .returning({ id: messages.id });
  await tx.insert(outbox).values({ orgId: run.orgId, messageId: message.id, nextAttemptAt: now, createdAt: now });
  await tx.update(conversations).set({ lastMessageAt: now, lastMessagePreview: preview(body) }).where(eq(conversations.id, conv.id));
  return [await recordEvent(tx, { orgId: run.orgId, type: "message_created", conversationId: conv.id, data: { messageId: message.id, direction: "out", ...byRule(run) }, createdAt: now })];
}

const outsideWindow: ActionOutcome = { outcome: "skipped", detail: "outside_window", eventIds: [] };

async function templateMessage(tx: Tx, conv: Locked, template: { name: string; language: string; parameters: string[] }) {
  const found = channelTemplates(conv.channelConfig).find((t) => t.name === template.name && t.language === template.language);
  if (!found || template.parameters.length !== found.params) throw new ActionRefused("no_template");
  const vars = await contactForVariables(tx, conv.contactId);
  const parameters = template.parameters.map((p) => fillVariables(p, vars));
  const body = found.body.replace(/\{\{(\d+)\}\}/g, (_, n) => parameters[Number(n) - 1] ?? "");
  return { body, metadata: { template: { name: found.name, language: found.language, parameters } } };
}

/**
 * Rules' "assign to workgroup", routed as the group routes (method, Online members, capacity,
 * sticky owner), the rule as actor: for many runs at once, one routing batch in their order, as if
 * each were applied alone, with routing's own requests (`alongside`) after them in the same batch.
 * Each run gets its outcome, or the refusal it would have thrown alone.
 */
export async function assignToWorkgroups(tx: Tx, orgId: number, items: { run: RunContext; action: Extract<Action, { type: "assign_workgroup" }> }[], now: Date, alongside: Omit<RouteRequest, "orgId">[] = [], routedAt: Instant = now): Promise<{ outcomes: (ActionOutcome | ActionRefused)[]; alongside: RouteOutcome[] }> {
  if (items.some((i) => i.run.orgId !== orgId)) throw new Error("one organization's runs at a time");
  // Routing reads (and locks) the conversations and groups: what it cannot route, it says why.
  const routable = items.filter((i) => i.run.conversationId !== null);
  const all = await routeBatch(
    tx,
    orgId,
    // Its events say the rule made them, as markAsRule would (byRule).
    [...routable.map(({ run, action }) => ({ conversationId: run.conversationId!, workgroupId: action.workgroupId, by: { kind: "rule" as const, ruleId: run.ruleId, ruleName: run.ruleName, depth: run.depth } })), ...alongside],
    routedAt,
  );
  const routed = new Map(routable.map((item, k) => [item, all[k]]));
  const outcomes: (ActionOutcome | ActionRefused)[] = [];
  for (const item of items) {
    const done = routed.get(item);
    if (!done) outcomes.push(new ActionRefused("no_conversation"));
    else if (done.outcome === "unchanged" && done.refused) outcomes.push(new ActionRefused(done.refused));
    else if (done.outcome === "unchanged" || done.eventIds.length === 0) outcomes.push({ outcome: "skipped", detail: "already", eventIds: [] });
    // Assigned: routing's own line names the agent and the rule. Waiting: the rule's line names the queue.
    else if (done.outcome === "assigned") outcomes.push({ outcome: "done", detail: "assigned", eventIds: done.eventIds });
    else outcomes.push({ outcome: "done", detail: "queued", eventIds: [...done.eventIds, await systemLine(tx, item.run, item.run.conversationId!, item.action.type, { workgroupId: done.workgroupId, workgroupName: done.workgroupName, queued: true }, now)] });
  }
  return { outcomes, alongside: all.slice(routable.length) };
}

/** Applies one action; throws ActionRefused (or a database error) when it cannot. */
export async function applyAction(tx: Tx, run: RunContext, action: Action, now: Date): Promise<ActionOutcome> {
  switch (action.type) {
    case "assign_workgroup": {
      const {
        outcomes: [outcome],
      } = await assignToWorkgroups(tx, run.orgId, [{ run, action }], now);
      if (outcome instanceof ActionRefused) throw outcome;
      return outcome;
    }
    case "assign_user": {
      const conv = await lockedConversation(tx, run);
      if (conv.status !== "open") throw new ActionRefused("closed");
      const target = { userId: action.userId };
      const change = await assignConversation(tx, ruleActor(run), conv.id, target, now, "rule").catch((e: Error) => {
        throw new ActionRefused(e.message);
      });
      if (change.eventIds.length === 0) return { outcome: "skipped", detail: "already", eventIds: [] };
      await markAsRule(tx, run, change.eventIds);
      return { outcome: "done", eventIds: [...change.eventIds, await systemLine(tx, run, conv.id, action.type, target, now)] };
    }
    case "mark_spam": {
      const conv = await lockedConversation(tx, run);
      if (run.ruleId === null) throw new ActionRefused("no_rule");
      const change = await markAsSpam(tx, { orgId: run.orgId, ruleId: run.ruleId }, conv.id, now).catch((e: Error) => {
        throw new ActionRefused(e.message);
      });
      await markAsRule(tx, run, change.eventIds);
      return { outcome: "done", eventIds: [...change.eventIds, await systemLine(tx, run, conv.id, action.type, {}, now)] };
    }
    case "add_tag":
    case "remove_tag": {
      const conv = await lockedConversation(tx, run);
      const eventId =
        action.type === "add_tag"
          ? await tagConversation(tx, ruleActor(run), conv.id, { id: action.tagId }, now).catch((e: Error) => {
              throw new ActionRefused(e.message === "not_found" ? "no_tag" : e.message);
            })
          : await untagConversation(tx, ruleActor(run), conv.id, action.tagId, now);
      if (eventId === null) return { outcome: "skipped", detail: "already", eventIds: [] };
      await markAsRule(tx, run, [eventId]);
      return { outcome: "done", eventIds: [eventId, await systemLine(tx, run, conv.id, action.type, { tagId: action.tagId }, now)] };
    }
    case "set_field": {
      const conv = await lockedConversation(tx, run);
      const [def] = await tx.select({ type: customFields.type }).from(customFields).where(and(eq(customFields.orgId, run.orgId), eq(customFields.key, action.key)));
      if (!def) throw new ActionRefused("no_field");
      const value = def.type === "number" ? Number(action.value) : def.type === "boolean" ? action.value === "true" : action.value;
      if (typeof value === "number" && !Number.isFinite(value)) throw new ActionRefused("bad_value");
      await tx
        .update(contacts)
        .set({ customFields: sql`${contacts.customFields} || ${JSON.stringify({ [action.key]: value })}::jsonb` })
        .where(eq(contacts.id, conv.contactId));
      const eventId = await recordEvent(tx, { orgId: run.orgId, type: "contact_updated", data: { contactId: conv.contactId, field: action.key, ...byRule(run) }, createdAt: now });
      return { outcome: "done", eventIds: [eventId, await systemLine(tx, run, conv.id, action.type, { key: action.key }, now)] };
    }
    case "send_message":
    case "send_quick_reply": {
      const conv = await lockedConversation(tx, run);
      let text = action.type === "send_message" ? action.body : "";
      if (action.type === "send_quick_reply") {
        const [reply] = await tx.select({ body: quickReplies.body }).from(quickReplies).where(and(eq(quickReplies.orgId, run.orgId), eq(quickReplies.id, action.quickReplyId), isNull(quickReplies.userId)));
        if (!reply) throw new ActionRefused("no_quick_reply");
        text = reply.body;
      }
      const sent = await sendAs(tx, run, conv, fillVariables(text, await contactForVariables(tx, conv.contactId)), now);
      return sent ? { outcome: "done", eventIds: sent } : outsideWindow;
    }
    case "send_template": {
      const conv = await lockedConversation(tx, run);
      const { body, metadata } = await templateMessage(tx, conv, action);
      const sent = await sendAs(tx, run, conv, body, now, "template", metadata);
      return sent ? { outcome: "done", eventIds: sent } : outsideWindow;
    }
    case "note": {
      const conv = await lockedConversation(tx, run);
      const body = fillVariables(action.body, await contactForVariables(tx, conv.contactId));
      const [note] = await tx.insert(messages).values({ orgId: run.orgId, conversationId: conv.id, channelId: conv.channelId, direction: "note", body, metadata: { automation: byRule(run) }, createdAt: now }).returning({ id: messages.id });
      return { outcome: "done", eventIds: [await recordEvent(tx, { orgId: run.orgId, type: "message_created", conversationId: conv.id, data: { messageId: note.id, direction: "note", ...byRule(run) }, createdAt: now })] };
    }
    case "close": {
      const conv = await lockedConversation(tx, run);
      if (conv.status !== "open") throw new ActionRefused("closed");
      const [closing] = await tx.select().from(closingMessages).where(and(eq(closingMessages.orgId, run.orgId), eq(closingMessages.id, action.closingMessageId)));
      if (!closing) throw new ActionRefused("no_closing_message");
      const [org] = await tx.select({ locale: organizations.locale }).from(organizations).where(eq(organizations.id, run.orgId));
      const text = closing.builtinKey ? ((catalogs[org.locale] as Record<string, string>)[closing.builtinKey] ?? closing.body) : closing.body;
      // The closing message goes where the window allows; the conversation closes either way.
      const sent = (await sendAs(tx, run, conv, text, now)) ?? [];
      await tx.update(conversations).set({ status: "closed", closedAt: now, closedBy: null, closingMessageId: closing.id, waitingSince: null, lastMessageAt: now }).where(eq(conversations.id, conv.id));
      if (conv.assigneeId) await tx.update(contacts).set({ ownerId: conv.assigneeId }).where(eq(contacts.id, conv.contactId));
      const line = await systemLine(tx, run, conv.id, "close", {}, now);
      const closed = await recordEvent(tx, { orgId: run.orgId, type: "closed", conversationId: conv.id, subjectUserId: conv.assigneeId, data: { ms: conv.assignedAt ? now.getTime() - conv.assignedAt.getTime() : null, ...byRule(run) }, createdAt: now });
      return { outcome: "done", eventIds: [...sent, line, closed] };
    }
    case "start_conversation": {
      const contactId = run.contactId;
      if (contactId === null) throw new ActionRefused("no_contact");
      const [channel] = await tx.select({ id: channels.id }).from(channels).where(and(eq(channels.orgId, run.orgId), eq(channels.id, action.channelId)));
      if (!channel) throw new ActionRefused("no_channel");
      const started = await startByAutomation(tx, run.orgId, { contactId, channelId: channel.id, type: "flow" }, now);
      // The contact is in a conversation already: nothing is started, and nothing is sent twice.
      if (!started.created) return { outcome: "skipped", detail: "already_open", eventIds: [] };
      await markAsRule(tx, run, started.eventIds);
      const conv = await lockedConversation(tx, run, started.conversationId);
      const eventIds = [...started.eventIds, await systemLine(tx, run, conv.id, "start_conversation", {}, now)];
      const content = action.template ? await templateMessage(tx, conv, action.template) : { body: fillVariables(action.body, await contactForVariables(tx, contactId)), metadata: {} };
      const sent = await sendAs(tx, run, conv, content.body, now, action.template ? "template" : "text", content.metadata);
      return { outcome: sent ? "done" : "skipped", detail: sent ? undefined : "outside_window", eventIds: [...eventIds, ...(sent ?? [])] };
    }
    case "send_poll": {
      const [conv] = run.contactId === null && run.conversationId !== null ? await tx.select({ contactId: conversations.contactId }).from(conversations).where(eq(conversations.id, run.conversationId)) : [];
      const contactId = run.contactId ?? conv?.contactId ?? null;
      if (contactId === null) throw new ActionRefused("no_contact");
      const vars = await contactForVariables(tx, contactId);
      const poll = { contactId, channelId: action.channelId, question: fillVariables(action.question, vars), options: action.options, template: action.template };
      const sent = await sendPollToContact(tx, run.orgId, poll, { automation: byRule(run) }, now);
      if (sent.outcome === "skipped") return { outcome: "skipped", detail: sent.detail, eventIds: [] };
      await markAsRule(tx, run, sent.eventIds);
      return { outcome: "done", detail: sent.inside ? undefined : "outside_conversation", eventIds: [...sent.eventIds, await systemLine(tx, run, sent.conversationId, "send_poll", {}, now)] };
    }
    case "automated_reply": {
      const conv = await lockedConversation(tx, run);
      const [reply] = await tx.select().from(automatedReplies).where(and(eq(automatedReplies.orgId, run.orgId), eq(automatedReplies.id, action.replyId), eq(automatedReplies.enabled, true)));
      if (!reply) throw new ActionRefused("no_reply");
      // The conversation's row lock (taken above) orders two runs of one conversation: the second sees the first's message.
      const since = new Date(now.getTime() - reply.gapMinutes * 60_000);
      const [recent] = await tx
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.conversationId, conv.id), sql`${messages.metadata}->>'automatedReply' = ${reply.kind}`, gt(messages.createdAt, since)))
        .limit(1);
      if (recent) return { outcome: "skipped", detail: "sent_recently", eventIds: [] };
      const body = fillVariables(reply.body, await contactForVariables(tx, conv.contactId));
      const sent = await sendAs(tx, run, conv, body, now, "text", { automatedReply: reply.kind });
      if (!sent) return outsideWindow;
      return { outcome: "done", eventIds: [...sent, await systemLine(tx, run, conv.id, `automated_reply.${reply.kind}`, {}, now)] };
    }
  }
}
