// The bot's steps. A step is one transaction: it takes a running session (FOR UPDATE SKIP LOCKED, so
// processes share the work), reads the next inbound message after the one last handled, answers it
// (through the outbox), and moves `handled_message_id` on in the same commit, so a crash resumes at
// the next message and never answers one twice. Each step's events are published after its commit.
import { and, asc, eq, gt, isNull, lte, or, sql } from "drizzle-orm";
import type { Database, Db, Tx } from "@db/client";
import { botSessions, channels, contacts, conversations, customFields, messages, organizations, type BotOption } from "@db/schema";
import type { Deps } from "../context";
import { valueSchema } from "../contacts/profile";
import { catalogs } from "../i18n/catalog";
import { PassWorker } from "../jobs/pass-worker";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { botSendFile } from "./files";
import { BY_BOT, botLine, botSend, type Target } from "./lines";
import { optionsAt } from "./menus";
import { answerPolls, sendDueSurveys } from "./polls";
import { pickedChoice } from "./prompts";
import { handOver } from "./sessions";

type Session = typeof botSessions.$inferSelect;
type Step = { orgId: number; eventIds: number[] } | null;

/** Bad answers to a question before the bot hands over instead of asking again. */
export const MAX_ATTEMPTS = 3;
const BACK = "back";

async function orgTexts(tx: Tx, orgId: number) {
  const [org] = await tx.select({ locale: organizations.locale }).from(organizations).where(eq(organizations.id, orgId));
  const texts = catalogs[org?.locale ?? "en"];
  return { back: texts["bot.wire.back"], options: texts["bot.wire.options"], invalid: texts["bot.wire.invalid"], unknown: texts["bot.wire.unknown"] };
}

/** The menu at the session's place, sent with its choices (a sub-menu gets a Back choice). */
async function sendMenu(tx: Tx, conv: Target, session: Session, path: string[], now: Date, prefix?: string): Promise<number[]> {
  const texts = await orgTexts(tx, conv.orgId);
  const options = optionsAt(session.menu.options, path) ?? session.menu.options;
  const parent = path.length ? findOption(session.menu.options, path[path.length - 1]) : null;
  const choices = options.map((o) => ({ id: `bot:${o.id}`, title: o.title }));
  if (path.length) choices.push({ id: `bot:${BACK}`, title: texts.back });
  const text = [prefix, parent ? (parent.text || parent.title) : session.menu.greeting].filter(Boolean).join("\n\n");
  const sent = await botSend(tx, conv, { text, choices, listButton: texts.options }, now);
  return sent ? [sent.eventId] : [];
}

function findOption(options: BotOption[], id: string): BotOption | null {
  for (const o of options) {
    if (o.id === id) return o;
    const inner = findOption(o.options ?? [], id);
    if (inner) return inner;
  }
  return null;
}

/** One step of one session that has something to do; null when none has. */
export async function botStep(db: Db, now: Date): Promise<Step> {
  return db.transaction(async (tx) => {
    const [session] = await tx
      .select()
      .from(botSessions)
      .where(
        and(
          isNull(botSessions.endedAt),
          or(
            eq(botSessions.greeted, false),
            lte(botSessions.timeoutAt, now),
            sql`exists (select from messages m where m.conversation_id = ${botSessions.conversationId} and m.direction = 'in' and m.id > ${botSessions.handledMessageId})`,
          ),
        ),
      )
      .orderBy(asc(botSessions.timeoutAt))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!session) return null;
    const [conv] = await tx
      .select({ id: conversations.id, orgId: conversations.orgId, channelId: conversations.channelId, contactId: conversations.contactId, status: conversations.status, type: conversations.type, lastInboundAt: conversations.lastInboundAt, channelKind: channels.kind })
      .from(conversations)
      .innerJoin(channels, eq(channels.id, conversations.channelId))
      .where(eq(conversations.id, session.conversationId))
      .for("update", { of: conversations });
    // Closed, or taken over meanwhile: the bot has nothing more to say.
    if (!conv || conv.status !== "open" || conv.type !== "bot") {
      await tx.update(botSessions).set({ endedAt: now, outcome: conv?.type === "bot" || !conv ? "closed" : "joined" }).where(eq(botSessions.conversationId, session.conversationId));
      return conv ? { orgId: conv.orgId, eventIds: [] } : null;
    }
    const timeoutAt = new Date(now.getTime() + session.menu.timeoutMinutes * 60_000);
    const [latest] = await tx
      .select({ id: messages.id, body: messages.body, metadata: messages.metadata })
      .from(messages)
      .where(and(eq(messages.conversationId, conv.id), eq(messages.direction, "in"), gt(messages.id, session.handledMessageId)))
      .orderBy(asc(messages.id))
      .limit(1);
    if (!session.greeted) {
      // The customer's first messages are what opened the conversation: the greeting answers them all.
      const [last] = await tx.select({ id: sql<number>`coalesce(max(${messages.id}), 0)`.mapWith(Number) }).from(messages).where(and(eq(messages.conversationId, conv.id), eq(messages.direction, "in")));
      await tx.update(botSessions).set({ greeted: true, handledMessageId: last.id, timeoutAt }).where(eq(botSessions.conversationId, conv.id));
      const eventIds = [await botLine(tx, conv, { line: "started" }, now), ...(await sendMenu(tx, conv, session, [], now))];
      return { orgId: conv.orgId, eventIds };
    }
    if (!latest) {
      // Nobody answered in time: a person takes it from here.
      return { orgId: conv.orgId, eventIds: await handOver(tx, conv, "timeout", session.menu.handoverWorkgroupId, now) };
    }
    await tx.update(botSessions).set({ handledMessageId: latest.id, timeoutAt }).where(eq(botSessions.conversationId, conv.id));
    return { orgId: conv.orgId, eventIds: await answer(tx, conv, session, latest, now) };
  });
}

/** What the bot does with one customer message. */
async function answer(tx: Tx, conv: Target & { contactId: number }, session: Session, message: { body: string; metadata: Record<string, unknown> }, now: Date): Promise<number[]> {
  const keyword = session.menu.keyword.trim().toLocaleLowerCase();
  if (keyword && message.body.trim().toLocaleLowerCase() === keyword) return handOver(tx, conv, "keyword", session.menu.handoverWorkgroupId, now);
  if (session.awaiting) return storeAnswer(tx, conv, session, message.body, now);
  const options = optionsAt(session.menu.options, session.path) ?? session.menu.options;
  const choices = options.map((o) => ({ id: `bot:${o.id}`, title: o.title }));
  const texts = await orgTexts(tx, conv.orgId);
  if (session.path.length) choices.push({ id: `bot:${BACK}`, title: texts.back });
  const picked = pickedChoice(choices, message);
  if (!picked) {
    const line = await botLine(tx, conv, { line: "unknown" }, now);
    return [line, ...(await sendMenu(tx, conv, session, session.path, now, session.menu.unknownText || texts.unknown))];
  }
  const chose = await botLine(tx, conv, { line: "chose", title: picked.title }, now);
  if (picked.id === `bot:${BACK}`) {
    const path = session.path.slice(0, -1);
    await tx.update(botSessions).set({ path }).where(eq(botSessions.conversationId, conv.id));
    return [chose, ...(await sendMenu(tx, conv, session, path, now))];
  }
  const option = options.find((o) => `bot:${o.id}` === picked.id)!;
  switch (option.action) {
    case "handover":
      return [chose, ...(await handOver(tx, conv, "option", option.workgroupId ?? null, now))];
    case "submenu": {
      const path = [...session.path, option.id];
      await tx.update(botSessions).set({ path }).where(eq(botSessions.conversationId, conv.id));
      return [chose, ...(await sendMenu(tx, conv, session, path, now))];
    }
    case "question": {
      await tx.update(botSessions).set({ awaiting: { optionId: option.id, attempts: 0 } }).where(eq(botSessions.conversationId, conv.id));
      const sent = await botSend(tx, conv, { text: option.text ?? "" }, now);
      return [chose, ...(sent ? [sent.eventId] : [])];
    }
    case "answer": {
      const sent = await botSend(tx, conv, { text: option.text ?? "" }, now);
      const file = option.file ? await botSendFile(tx, conv, option.file, now) : null;
      return [chose, ...(sent ? [sent.eventId] : []), ...(file ? [file] : []), ...(await sendMenu(tx, conv, session, session.path, now))];
    }
  }
}

/** The answer to a question, checked as the CRM field's form checks it: stored, or asked again. */
async function storeAnswer(tx: Tx, conv: Target & { contactId: number }, session: Session, body: string, now: Date): Promise<number[]> {
  const option = findOption(session.menu.options, session.awaiting!.optionId);
  const [def] = option?.fieldKey ? await tx.select().from(customFields).where(and(eq(customFields.orgId, conv.orgId), eq(customFields.key, option.fieldKey))) : [];
  if (!option || !def) {
    // The field was deleted since: the question is dropped and the menu shown again.
    await tx.update(botSessions).set({ awaiting: null }).where(eq(botSessions.conversationId, conv.id));
    return sendMenu(tx, conv, session, session.path, now);
  }
  const parsed = valueSchema(def).safeParse(body.trim());
  if (!parsed.success || parsed.data === undefined) {
    const attempts = session.awaiting!.attempts + 1;
    const line = await botLine(tx, conv, { line: "invalid", field: def.label }, now);
    if (attempts >= MAX_ATTEMPTS) return [line, ...(await handOver(tx, conv, "option", session.menu.handoverWorkgroupId, now))];
    await tx.update(botSessions).set({ awaiting: { optionId: option.id, attempts } }).where(eq(botSessions.conversationId, conv.id));
    const texts = await orgTexts(tx, conv.orgId);
    const sent = await botSend(tx, conv, { text: `${texts.invalid}\n\n${option.text ?? ""}` }, now);
    return [line, ...(sent ? [sent.eventId] : [])];
  }
  await tx
    .update(contacts)
    .set({ customFields: sql`${contacts.customFields} || ${JSON.stringify({ [def.key]: parsed.data })}::jsonb`, updatedAt: now })
    .where(eq(contacts.id, conv.contactId));
  await tx.update(botSessions).set({ awaiting: null }).where(eq(botSessions.conversationId, conv.id));
  const eventIds = [
    await recordEvent(tx, { orgId: conv.orgId, type: "contact_updated", data: { contactId: conv.contactId, field: def.key, ...BY_BOT }, createdAt: now }),
    await botLine(tx, conv, { line: "saved", field: def.label, value: String(parsed.data) }, now),
  ];
  return [...eventIds, ...(await sendMenu(tx, conv, session, session.path, now))];
}

/** Everything due: bot steps, poll answers, surveys after closing; each commit publishes its events. */
export async function runBot(database: Database, now: () => Date, limit = 200): Promise<number> {
  let steps = 0;
  while (steps < limit) {
    const done = await commit<Step>(database, (d) => d.orgId, (db) => botStep(db as Db, now()));
    if (!done) break;
    steps++;
  }
  steps += await answerPolls(database, now());
  steps += await sendDueSurveys(database, now());
  return steps;
}

/** Runs the bot every interval and when any process commits events (told through the bus). */
export class BotWorker extends PassWorker {
  constructor(deps: Deps) {
    super(deps, "bot", (d) => runBot(d.database, () => d.clock.now()));
  }
}
