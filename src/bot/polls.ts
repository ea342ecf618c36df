// Polls and satisfaction surveys. An agent sends a quick poll (a question and 2–10 choices) in a
// conversation; a channel's survey (Admin → Bot) asks for a 1–5 rating after a conversation closes,
// once, and only inside the reply window. Answers are stored on the poll and drawn in the thread;
// answering a survey does not reopen its conversation, a later free message does.
import { and, desc, eq, gt, gte, inArray, isNotNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import { rows, type Database, type DbOrTx, type Tx } from "@db/client";
import { botMenus, channels, conversations, messages, polls } from "@db/schema";
import type { Actor } from "../context";
import { ConversationRuleBroken, isParticipant, lockConversation, type Change } from "../inbox/changes";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { BY_BOT, botLine, botSend, type Target } from "./lines";
import { listButtonOf, openPollConversation, pollChoices } from "./poll-sends";
import { echoedId, ownChoiceId, pickedChoice, type Choice } from "./prompts";

/** How long after the rating the customer's next text is taken as the survey's comment. */
export const COMMENT_MS = 30 * 60_000;
/** A survey or poll of a closed conversation is answered at most this long after it was sent. */
const ANSWER_MS = 7 * 24 * 3_600_000;
/** Closed conversations get their survey only this soon after closing (a restart does not survey old ones). */
const SURVEY_WITHIN_MS = 60 * 60_000;

export const pollSchema = z.object({
  question: z.string().trim().min(1, "validation.required").max(500, "validation.tooLong"),
  options: z
    .array(z.string().trim().max(24, "validation.tooLong"))
    .transform((list) => list.filter(Boolean))
    .refine((list) => list.length >= 2 && list.length <= 10, "bot.error.pollOptions"),
});

const surveyChoices = (pollId: number): Choice[] => [1, 2, 3, 4, 5].map((n) => ({ id: `survey:${pollId}:${n}`, title: `${n} ${"⭐".repeat(n)}` }));
const choicesOf = (poll: { id: number; kind: string; options: string[] }) => (poll.kind === "survey" ? surveyChoices(poll.id) : pollChoices(poll.id, poll.options));

async function targetOf(tx: DbOrTx, conversationId: number): Promise<Target> {
  const [row] = await tx
    .select({ id: conversations.id, orgId: conversations.orgId, channelId: conversations.channelId, channelKind: channels.kind, lastInboundAt: conversations.lastInboundAt })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(eq(conversations.id, conversationId));
  return row;
}

/** An agent who joined the conversation sends a quick poll. */
export async function sendPoll(db: DbOrTx, actor: Actor, conversationId: number, input: z.infer<typeof pollSchema>, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    if (conv.status !== "open") throw new ConversationRuleBroken("closed");
    if (conv.assigneeId !== actor.userId && !(await isParticipant(tx, conv.id, actor.userId))) throw new ConversationRuleBroken("not_joined");
    const [poll] = await tx
      .insert(polls)
      .values({ orgId: actor.orgId, conversationId: conv.id, contactId: conv.contactId, channelId: conv.channelId, kind: "poll", question: input.question, options: input.options, agentId: actor.userId, createdAt: now })
      .returning({ id: polls.id });
    const sent = await botSend(tx, await targetOf(tx, conv.id), { text: input.question, choices: pollChoices(poll.id, input.options), listButton: await listButtonOf(tx, actor.orgId), metadata: { poll: { id: poll.id } }, authorId: actor.userId }, now);
    if (!sent) throw new ConversationRuleBroken("outside_window");
    await tx.update(polls).set({ messageId: sent.messageId, handledMessageId: sent.messageId }).where(eq(polls.id, poll.id));
    return { conversationId: conv.id, eventIds: [sent.eventId] };
  });
}

/** Records an answer: the poll, its line in the thread and a poll_answered event. */
async function recordAnswer(tx: Tx, conv: Target, poll: { id: number; kind: string; question: string; options: string[]; agentId: string | null }, index: number, now: Date): Promise<number[]> {
  await tx.update(polls).set({ status: "answered", answerIndex: index, answeredAt: now }).where(eq(polls.id, poll.id));
  const line = poll.kind === "survey" ? ({ line: "rated", rating: index + 1 } as const) : ({ line: "poll_answer", question: poll.question, answer: poll.options[index] ?? "" } as const);
  return [
    await botLine(tx, conv, line, now),
    // The subject is the agent a survey rates (the reports count it for them).
    await recordEvent(tx, { orgId: conv.orgId, type: "poll_answered", conversationId: conv.id, subjectUserId: poll.agentId, data: { pollId: poll.id, kind: poll.kind, answer: index, ...BY_BOT }, createdAt: now }),
  ];
}

/** One pass over the open conversations' unanswered polls that got new customer messages. */
export async function answerPolls(database: Database, now: Date): Promise<number> {
  let done = 0;
  for (;;) {
    const step = await commit<{ orgId: number; eventIds: number[] } | null>(database, (d) => d.orgId, (db) => db.transaction(async (tx) => {
      const [poll] = await tx
        .select()
        .from(polls)
        .where(and(eq(polls.status, "sent"), eq(polls.kind, "poll"), sql`exists (select from messages m where m.conversation_id = ${polls.conversationId} and m.direction = 'in' and m.id > ${polls.handledMessageId})`))
        .limit(1)
        .for("update", { skipLocked: true });
      if (!poll) return null;
      const replies = await tx
        .select({ id: messages.id, body: messages.body, metadata: messages.metadata })
        .from(messages)
        .where(and(eq(messages.conversationId, poll.conversationId), eq(messages.direction, "in"), gt(messages.id, poll.handledMessageId)))
        .orderBy(messages.id);
      const choices = choicesOf(poll);
      const hit = replies.find((m) => pickedChoice(choices, m));
      await tx.update(polls).set({ handledMessageId: replies[replies.length - 1].id }).where(eq(polls.id, poll.id));
      if (!hit) return { orgId: poll.orgId, eventIds: [] };
      const index = choices.indexOf(pickedChoice(choices, hit)!);
      return { orgId: poll.orgId, eventIds: await recordAnswer(tx, await targetOf(tx, poll.conversationId), poll, index, now) };
    }));
    if (!step) return done;
    done++;
  }
}

/** Surveys due: conversations closed lately on channels whose survey is on, each asked once. */
export async function sendDueSurveys(database: Database, now: Date): Promise<number> {
  const since = new Date(now.getTime() - SURVEY_WITHIN_MS).toISOString();
  const due = await rows<{ id: number; org_id: number }>(
    database.db,
    sql`select c.id::float8 as id, c.org_id::float8 as org_id from bot_menus m
        join channels ch on ch.org_id = m.org_id and (ch.id = m.channel_id or (m.brand_id is not null and ch.brand_id = m.brand_id))
        join conversations c on c.org_id = ch.org_id and c.channel_id = ch.id and c.status = 'closed' and c.last_message_at >= ${since}::timestamptz
        where m.survey_enabled and c.type = 'chat' and c.closed_at >= greatest(m.survey_since, ${since}::timestamptz)
          and not exists (select from bot_menus own where own.channel_id = ch.id and own.id <> m.id and not own.survey_enabled)
          and not exists (select from polls p where p.conversation_id = c.id and p.kind = 'survey')
        limit 100`,
  );
  let sent = 0;
  for (const row of due) {
    const made = await commit<{ orgId: number; eventIds: number[] } | null>(database, (d) => d.orgId, (db) => db.transaction(async (tx) => sendSurvey(tx, Number(row.id), now)));
    if (made) sent++;
  }
  return sent;
}

async function sendSurvey(tx: Tx, conversationId: number, now: Date) {
  const [conv] = await tx.select().from(conversations).where(eq(conversations.id, conversationId)).for("update");
  if (!conv || conv.status !== "closed") return null;
  const [menu] = await tx
    .select({ question: botMenus.surveyQuestion })
    .from(botMenus)
    .innerJoin(channels, or(eq(botMenus.channelId, channels.id), and(isNotNull(channels.brandId), eq(botMenus.brandId, channels.brandId))))
    .where(and(eq(channels.id, conv.channelId), eq(botMenus.surveyEnabled, true)))
    .orderBy(sql`${botMenus.channelId} is null`)
    .limit(1);
  if (!menu) return null;
  const [poll] = await tx
    .insert(polls)
    .values({ orgId: conv.orgId, conversationId: conv.id, contactId: conv.contactId, channelId: conv.channelId, kind: "survey", question: menu.question, options: ["1", "2", "3", "4", "5"], agentId: conv.assigneeId, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: polls.id });
  if (!poll) return null;
  const target = await targetOf(tx, conv.id);
  const sent = await botSend(tx, target, { text: menu.question, choices: surveyChoices(poll.id), listButton: await listButtonOf(tx, conv.orgId), metadata: { survey: { id: poll.id } } }, now, { touch: false });
  if (!sent) {
    // The reply window has passed: the survey is never sent (and never tried again).
    await tx.update(polls).set({ status: "skipped" }).where(eq(polls.id, poll.id));
    return { orgId: conv.orgId, eventIds: [] };
  }
  await tx.update(polls).set({ messageId: sent.messageId, handledMessageId: sent.messageId }).where(eq(polls.id, poll.id));
  return { orgId: conv.orgId, eventIds: [sent.eventId] };
}

/**
 * A customer's message while the contact has no open conversation: if it answers the latest poll or
 * survey of a closed conversation (or is the survey's comment), it is stored there and answers it,
 * and no conversation opens. Null when it is not an answer (it opens a conversation as usual).
 */
export async function answerAfterClose(
  tx: Tx,
  input: { orgId: number; channelId: number; body: string; kind?: string; metadata?: Record<string, unknown>; providerMessageId: string | null; at: Date },
  contactId: number,
): Promise<(Change & { duplicate: boolean; messageId: number | null }) | null> {
  const [poll] = await tx
    .select({ poll: polls, status: conversations.status, type: conversations.type })
    .from(polls)
    .innerJoin(conversations, eq(conversations.id, polls.conversationId))
    .where(and(eq(polls.contactId, contactId), eq(polls.channelId, input.channelId), gte(polls.createdAt, new Date(input.at.getTime() - ANSWER_MS)), or(eq(polls.status, "sent"), gte(polls.commentUntil, input.at))))
    .orderBy(desc(polls.createdAt))
    .limit(1)
    .for("update", { of: polls });
  if (!poll || poll.status !== "closed") return null;
  const message = { body: input.body, metadata: input.metadata ?? {} };
  const choices = choicesOf(poll.poll);
  const echoed = echoedId(message.metadata);
  // A tap on an older survey's or poll's button is not this one's answer, nor a comment (a
  // template's own buttons echo payloads of their own: their text is read instead).
  if (echoed && ownChoiceId(echoed) && !choices.some((c) => c.id === echoed)) return null;
  const picked = poll.poll.status === "sent" ? pickedChoice(choices, message) : null;
  const comment = !picked && poll.poll.status === "answered" && poll.poll.kind === "survey" && !echoed && input.body.trim() !== "";
  if (!picked && !comment) return null;
  const conv = await targetOf(tx, poll.poll.conversationId);
  const [stored] = await tx
    .insert(messages)
    .values({ orgId: input.orgId, conversationId: conv.id, channelId: conv.channelId, direction: "in", kind: (input.kind ?? "text") as "text", body: input.body, providerMessageId: input.providerMessageId, metadata: message.metadata, createdAt: input.at })
    .onConflictDoNothing()
    .returning({ id: messages.id });
  if (!stored) return { conversationId: conv.id, eventIds: [], duplicate: true, messageId: null };
  await tx.update(conversations).set({ lastInboundAt: sql`greatest(${conversations.lastInboundAt}, ${input.at.toISOString()}::timestamptz)` }).where(eq(conversations.id, conv.id));
  const eventIds = [await recordEvent(tx, { orgId: input.orgId, type: "message_created", conversationId: conv.id, data: { messageId: stored.id, direction: "in", pollAnswer: true }, createdAt: input.at })];
  const now = input.at;
  if (comment) {
    await tx.update(polls).set({ comment: input.body.trim().slice(0, 2000), commentUntil: null }).where(eq(polls.id, poll.poll.id));
    eventIds.push(await botLine(tx, conv, { line: "comment" }, now));
    return { conversationId: conv.id, eventIds, duplicate: false, messageId: stored.id };
  }
  // A poll sent outside a conversation (its own closed one of type poll): the answer opens it.
  if (poll.type === "poll" && poll.poll.kind === "poll") eventIds.unshift(await openPollConversation(tx, { ...conv, contactId }, input.body, now));
  eventIds.push(...(await recordAnswer(tx, { ...conv, lastInboundAt: input.at }, poll.poll, choices.indexOf(picked!), now)));
  if (poll.poll.kind === "survey") {
    const [menu] = await tx
      .select({ comment: botMenus.surveyComment })
      .from(botMenus)
      .innerJoin(channels, or(eq(botMenus.channelId, channels.id), and(isNotNull(channels.brandId), eq(botMenus.brandId, channels.brandId))))
      .where(eq(channels.id, conv.channelId))
      .orderBy(sql`${botMenus.channelId} is null`)
      .limit(1);
    if (menu?.comment) {
      const asked = await botSend(tx, { ...conv, lastInboundAt: input.at }, { text: menu.comment, metadata: { survey: { id: poll.poll.id, comment: true } } }, now, { touch: false });
      if (asked) {
        await tx.update(polls).set({ commentUntil: new Date(now.getTime() + COMMENT_MS) }).where(eq(polls.id, poll.poll.id));
        eventIds.push(asked.eventId);
      }
    }
  }
  return { conversationId: conv.id, eventIds, duplicate: false, messageId: stored.id };
}

/** Today's satisfaction per agent (the cockpit's column): average rating and number of answers. */
export async function satisfactionByAgent(db: DbOrTx, orgId: number, from: Date, to: Date, channelIds: number[] | null = null): Promise<Map<string, { average: number; answers: number }>> {
  const found = await db
    .select({ agentId: polls.agentId, average: sql<number>`avg(${polls.answerIndex} + 1)::float8`, answers: sql<number>`count(*)::int` })
    .from(polls)
    .where(and(eq(polls.orgId, orgId), eq(polls.kind, "survey"), isNotNull(polls.answeredAt), gte(polls.answeredAt, from), sql`${polls.answeredAt} < ${to.toISOString()}::timestamptz`, isNotNull(polls.agentId), channelIds ? inArray(polls.channelId, channelIds.length ? channelIds : [-1]) : undefined))
    .groupBy(polls.agentId);
  return new Map(found.map((r) => [r.agentId!, { average: Number(r.average), answers: Number(r.answers) }]));
}

/** A contact's survey answers, newest first (its page and profile show them). */
export async function contactRatings(db: DbOrTx, orgId: number, contactId: number) {
  return db
    .select({ rating: sql<number>`${polls.answerIndex} + 1`, comment: polls.comment, answeredAt: polls.answeredAt, conversationId: polls.conversationId })
    .from(polls)
    .where(and(eq(polls.orgId, orgId), eq(polls.contactId, contactId), eq(polls.kind, "survey"), isNotNull(polls.answeredAt)))
    .orderBy(desc(polls.answeredAt))
    .limit(10);
}
