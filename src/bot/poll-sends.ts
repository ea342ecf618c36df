// Polls an automation sends to a contact (a workflow's "send a poll"). With the contact's
// conversation on the channel open, the poll goes in it. Without one, it travels in a closed
// conversation of type `poll` (as a bulk message does in one of type bulk): a customer answering it
// opens that conversation, still of type `poll`, for the channel's queue. Outside the reply window
// (always for a first contact on WhatsApp) only a template may open it; elsewhere nothing is sent.
import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { Tx } from "@db/client";
import { channels, contacts, conversations, messages, organizations, outbox, polls } from "@db/schema";
import { channelTemplates } from "../inbox/replies";
import { preview } from "../inbox/changes";
import { replyWindow } from "../channels/windows";
import { catalogs } from "../i18n/catalog";
import { recordEvent } from "../realtime/events";
import { botSend, type Target } from "./lines";
import type { Choice } from "./prompts";

export interface OutsidePoll {
  contactId: number;
  channelId: number;
  question: string;
  options: string[];
  /** A WhatsApp template (at most one variable: the question) for when the reply window is closed. */
  template?: { name: string; language: string };
}

export type PollSent =
  | { outcome: "sent"; conversationId: number; pollId: number; inside: boolean; eventIds: number[] }
  | { outcome: "skipped"; detail: "outside_window" | "already_open" | "no_contact" | "no_channel" | "no_template" };

export const pollChoices = (pollId: number, options: string[]): Choice[] => options.map((title, i) => ({ id: `poll:${pollId}:${i}`, title }));

/** Sends the poll; `metadata` marks what the automation wrote (the rule acting). */
export async function sendPollToContact(tx: Tx, orgId: number, input: OutsidePoll, metadata: Record<string, unknown>, now: Date): Promise<PollSent> {
  const [contact] = await tx.select({ id: contacts.id, blockedAt: contacts.blockedAt }).from(contacts).where(and(eq(contacts.orgId, orgId), eq(contacts.id, input.contactId)));
  if (!contact || contact.blockedAt) return { outcome: "skipped", detail: "no_contact" };
  const [channel] = await tx.select({ id: channels.id, kind: channels.kind, config: channels.config }).from(channels).where(and(eq(channels.orgId, orgId), eq(channels.id, input.channelId), eq(channels.active, true)));
  if (!channel || channel.kind === "support") return { outcome: "skipped", detail: "no_channel" };
  const [open] = await tx
    .select({ id: conversations.id, channelId: conversations.channelId, lastInboundAt: conversations.lastInboundAt })
    .from(conversations)
    .where(and(eq(conversations.contactId, contact.id), eq(conversations.status, "open"), ne(conversations.type, "comment")))
    .for("update");
  if (open && open.channelId !== channel.id) return { outcome: "skipped", detail: "already_open" };
  const listButton = await listButtonOf(tx, orgId);
  if (open) {
    const target: Target = { id: open.id, orgId, channelId: channel.id, channelKind: channel.kind, lastInboundAt: open.lastInboundAt };
    if (!automatedWindowOpen(target, now)) return { outcome: "skipped", detail: "outside_window" };
    const pollId = await insertPoll(tx, orgId, open.id, input, now);
    const sent = await botSend(tx, target, { text: input.question, choices: pollChoices(pollId, input.options), listButton, metadata: { ...metadata, poll: { id: pollId } } }, now);
    if (!sent) throw new Error("a poll inside the reply window was not sent");
    await tx.update(polls).set({ messageId: sent.messageId, handledMessageId: sent.messageId }).where(eq(polls.id, pollId));
    return { outcome: "sent", conversationId: open.id, pollId, inside: true, eventIds: [sent.eventId] };
  }
  // The customer's last message on this channel decides the reply window.
  const [last] = await tx
    .select({ at: conversations.lastInboundAt })
    .from(conversations)
    .where(and(eq(conversations.contactId, contact.id), eq(conversations.channelId, channel.id), sql`${conversations.lastInboundAt} is not null`))
    .orderBy(desc(conversations.lastInboundAt))
    .limit(1);
  const lastInboundAt = last?.at ?? null;
  const freeForm = automatedWindowOpen({ channelKind: channel.kind, lastInboundAt }, now);
  const template = !freeForm && input.template ? channelTemplates(channel.config).find((t) => t.name === input.template!.name && t.language === input.template!.language) : undefined;
  if (!freeForm && !input.template) return { outcome: "skipped", detail: "outside_window" };
  if (!freeForm && (!template || template.params > 1 || replyWindow(channel.kind, lastInboundAt, now).state !== "closed")) return { outcome: "skipped", detail: "no_template" };
  const [carrier] = await tx
    .insert(conversations)
    .values({ orgId, contactId: contact.id, channelId: channel.id, status: "closed", type: "poll", startedBy: "automation", createdAt: now, lastMessageAt: now, lastMessagePreview: preview(input.question), closedAt: now, lastInboundAt })
    .returning({ id: conversations.id });
  const pollId = await insertPoll(tx, orgId, carrier.id, input, now);
  const target: Target = { id: carrier.id, orgId, channelId: channel.id, channelKind: channel.kind, lastInboundAt };
  let sent: { messageId: number; eventId: number };
  if (freeForm) {
    const done = await botSend(tx, target, { text: input.question, choices: pollChoices(pollId, input.options), listButton, metadata: { ...metadata, poll: { id: pollId } } }, now);
    if (!done) throw new Error("a poll inside the reply window was not sent");
    sent = done;
  } else {
    // The template's one variable, if it has one, carries the question; its buttons are the template's own.
    const parameters = template!.params === 1 ? [input.question] : [];
    const body = template!.body.replace(/\{\{1\}\}/g, input.question);
    const [message] = await tx
      .insert(messages)
      .values({ orgId, conversationId: carrier.id, channelId: channel.id, direction: "out", kind: "template", body, metadata: { ...metadata, poll: { id: pollId }, template: { name: template!.name, language: template!.language, parameters } }, delivery: "pending", createdAt: now })
      .returning({ id: messages.id });
    await tx.insert(outbox).values({ orgId, messageId: message.id, nextAttemptAt: now, createdAt: now });
    const eventId = await recordEvent(tx, { orgId, type: "message_created", conversationId: carrier.id, data: { messageId: message.id, direction: "out" }, createdAt: now });
    sent = { messageId: message.id, eventId };
  }
  await tx.update(polls).set({ messageId: sent.messageId, handledMessageId: sent.messageId }).where(eq(polls.id, pollId));
  return { outcome: "sent", conversationId: carrier.id, pollId, inside: false, eventIds: [sent.eventId] };
}

/**
 * An automation speaks only inside the standard window: Messenger's and Instagram's HUMAN_AGENT tag
 * after 24 hours is for people, not for rules.
 */
function automatedWindowOpen(conv: Pick<Target, "channelKind" | "lastInboundAt">, now: Date): boolean {
  const window = replyWindow(conv.channelKind, conv.lastInboundAt, now);
  return window.state === "open" || window.state === "always";
}

async function insertPoll(tx: Tx, orgId: number, conversationId: number, input: OutsidePoll, now: Date): Promise<number> {
  const [poll] = await tx
    .insert(polls)
    .values({ orgId, conversationId, contactId: input.contactId, channelId: input.channelId, kind: "poll", question: input.question, options: input.options, createdAt: now })
    .returning({ id: polls.id });
  return poll.id;
}

export async function listButtonOf(tx: Tx, orgId: number): Promise<string> {
  const [org] = await tx.select({ locale: organizations.locale }).from(organizations).where(eq(organizations.id, orgId));
  return catalogs[org?.locale ?? "en"]["bot.wire.options"];
}

/**
 * A customer answering a poll that came in a closed conversation of type `poll`: that conversation
 * opens (for the channel's workgroup queue, else the contact's owner), still of type `poll`. Returns
 * its `conversation_created` event, which routing hears.
 */
export async function openPollConversation(tx: Tx, conv: { id: number; orgId: number; channelId: number; contactId: number }, body: string, at: Date): Promise<number> {
  const [channel] = await tx.select({ workgroupId: channels.workgroupId }).from(channels).where(eq(channels.id, conv.channelId));
  const [contact] = await tx.select({ ownerId: contacts.ownerId }).from(contacts).where(eq(contacts.id, conv.contactId));
  const workgroupId = channel?.workgroupId ?? null;
  const assigneeId = workgroupId ? null : (contact?.ownerId ?? null);
  await tx
    .update(conversations)
    .set({ status: "open", closedAt: null, closedBy: null, closingMessageId: null, startedBy: "contact", workgroupId, assigneeId, assignedAt: assigneeId ? at : null, waitingSince: at, lastMessageAt: at, lastMessagePreview: preview(body) })
    .where(eq(conversations.id, conv.id));
  return recordEvent(tx, { orgId: conv.orgId, type: "conversation_created", conversationId: conv.id, subjectUserId: assigneeId, data: { startedBy: "contact", type: "poll", ...(workgroupId ? { workgroupId } : {}) }, createdAt: at });
}
