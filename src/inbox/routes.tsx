// Inbox routes: the list by tab with search and "Load more", a conversation's thread, and the
// thread's actions (join, reply or note, assign, close). htmx posts get the thread back; plain
// form posts are redirected to the conversation, so everything works without JavaScript.
import { z } from "zod";
import type { Actor } from "../context";
import { signedInRoutes } from "../auth/middleware";
import { field, idParam, validForm, validQuery } from "../forms";
import { FilesRefused, replyWithFiles } from "../media/outgoing";
import { refusalText } from "../media/refusals";
import { pendingUploads, UploadRefused } from "../media/uploads";
import { shareFromFileBox } from "../media/file-box";
import type { MessageKey } from "../i18n";
import { commit } from "../realtime/changes";
import { isHtmx, redirect, render, ui, type SignedInCtx } from "../web";
import { inboxHref } from "../../views/inbox/links";
import { ConversationRows } from "../../views/inbox/list";
import { MessageItem } from "../../views/inbox/message";
import { InboxPage, type InboxProps } from "../../views/inbox/page";
import { QuickReplies } from "../../views/inbox/quick-replies";
import { Thread } from "../../views/inbox/thread";
import { createQuickReply } from "../admin/quick-replies";
import { composerOptions, visibleQuickReply } from "./composer";
import { decodeInboxCursor, type InboxCursor, type Tab, tabs } from "./list";
import { earlierConversations, getThread, visibleMessageItem, type Draft } from "./thread";
import { markRead } from "./reads";
import { filterChoices, parseFilters, type InboxFilters } from "./filters";
import { KeptInboxPages, readListPage, type ListPage } from "./kept-pages";
import { widgetRoutes } from "./widget-routes";
import { cardRoutes } from "./card-routes";
import { widgetData } from "./widgets";
import { bulkChoices } from "./bulk-actions";
import { addInternalNote, reply, retryMessage, sendTemplate } from "./replies";
import { retryMediaDownload } from "../channels/media-downloads";
import { assignConversation, type AssignTarget } from "./assignment";
import { closeConversation, closingChoices } from "./closing";
import { markAsSpam, unmarkSpam } from "./spam";
import { ConversationRuleBroken, type Change } from "./changes";
import { joinConversation } from "./joining";
import { reactivateConversation } from "./opening";
import { assertMaySee } from "./visibility";
import { readMentions } from "./mentions";
import { VariablesMissing } from "./reply-variables";

const listQuery = z.object({
  tab: z.enum(tabs).default("open"),
  q: z.string().max(200).optional().default(""),
  after: z.string().max(200).optional(),
});

const replySchema = z.object({
  body: z.string().max(4096, "validation.tooLong"),
  as: z.enum(["reply", "note"]).default("reply"),
  /** Files uploaded beforehand (POST …/uploads); voice notes among them are listed again in voiceIds. */
  attachmentIds: field.idList(),
  voiceIds: field.idList(),
});
const assignSchema = z.object({
  target: z.union([z.literal("none"), z.string().regex(/^user:[\w-]{1,64}$/), z.string().regex(/^group:\d{1,12}$/)]),
});
/** A closing message, or "none": close without a message. */
const closeSchema = z.object({ closingMessageId: z.union([z.literal("none"), field.id()]) });

export const ruleMessages: Record<ConversationRuleBroken["reason"], MessageKey> = {
  not_found: "error.notFound",
  already_open: "inbox.error.alreadyOpen",
  closed: "inbox.error.closed",
  not_joined: "inbox.error.notJoined",
  bad_target: "inbox.error.badTarget",
  not_failed: "inbox.error.notFailed",
  window_passed: "inbox.error.windowPassed",
  outside_window: "inbox.error.outsideWindow",
  too_long: "inbox.error.tooLong",
  no_template: "inbox.error.noTemplate",
  empty: "inbox.error.empty",
  spam: "inbox.error.spam",
  not_spam: "inbox.error.notSpam",
  comment_gone: "comments.error.gone",
  already_replied: "comments.error.alreadyReplied",
  reply_too_late: "comments.error.tooLate",
  open_elsewhere: "comments.error.openElsewhere",
};

function listState(c: SignedInCtx) {
  const parsed = listQuery.safeParse(c.req.query());
  const q = parsed.success ? parsed.data : { tab: "open" as const, q: "", after: undefined };
  return { tab: q.tab, search: q.q.trim(), after: q.after };
}

async function inbox(c: SignedInCtx, conversationId: number | null, draft?: Draft, status: 200 | 422 = 200) {
  const actor = c.get("actor");
  const db = c.get("deps").database.db;
  const { tab, search, after } = listState(c);
  const cursor = decodeInboxCursor(after);
  const choices = await filterChoices(db, actor.orgId, actor.rosterVersion);
  const parsed = parseFilters(new URL(c.req.url).searchParams, new Map(choices.fields.map((f) => [f.key, f.type])));
  if (!parsed.ok) return c.text(`${c.get("t")("error.badRequest")} ${parsed.error}`, 400);
  const filters = parsed.filters;
  // Events heard from here on reach the page live, replayed from `since`, even if its data missed them.
  const heard = c.get("runtime").bus.latestEventId(actor.orgId);
  const [list, counts, thread, options, widgets, earlier, bulk] = await Promise.all([
    listPage(c, actor, { tab, search, cursor, filters }, heard),
    c.get("runtime").tabCounts.counts(db, actor),
    conversationId ? getThread(db, actor, conversationId) : Promise.resolve(null),
    conversationId ? threadOptions(c) : Promise.resolve(null),
    conversationId ? widgetData(db, actor, conversationId, c.get("deps").clock.now()) : Promise.resolve(null),
    conversationId ? earlierConversations(db, actor, conversationId) : Promise.resolve(null),
    bulkChoices(db, actor, choices),
  ]);
  if (conversationId && !thread) return c.notFound();
  // Read only once the thread is known to be theirs to see (markRead checks it again); opening it
  // reads the viewer's mentions in it too.
  if (conversationId) {
    await markRead(db, actor, conversationId, c.get("deps").clock.now());
    const { read } = actor.unreadMentions ? await commit(c.get("deps").database, actor.orgId, (db) => readMentions(db, actor, conversationId, c.get("deps").clock.now())) : { read: 0 };
    if (read) c.set("actor", { ...actor, unreadMentions: Math.max(0, (actor.unreadMentions ?? 0) - read) });
  }
  const props: InboxProps = {
    ui: ui(c, list.since),
    tab,
    search,
    counts,
    pinned: list.pinned,
    rows: list.rows,
    next: list.next,
    now: c.get("deps").clock.now(),
    thread,
    options,
    widgets,
    earlier,
    draft,
    filters,
    filterChoices: choices,
    bulk,
  };
  if (isHtmx(c) && cursor) return render(c, <ConversationRows {...props} />);
  return render(c, <InboxPage {...props} />, status);
}

/** The list's rows: a first page as kept between changes, any other read now. */
async function listPage(c: SignedInCtx, actor: Actor, query: { tab: Tab; search: string; cursor: InboxCursor | null; filters: InboxFilters }, heard: number | undefined): Promise<ListPage> {
  const db = c.get("deps").database.db;
  if (KeptInboxPages.keeps(query)) return c.get("runtime").inboxPages.page(db, actor, query.tab, query.filters);
  return readListPage(db, actor, query, heard);
}

async function threadOptions(c: SignedInCtx) {
  return composerOptions(c.get("deps").database.db, c.get("actor"), c.req.param("id") === undefined ? undefined : conversationIdOf(c));
}

/** After an action: htmx gets the fresh thread; a plain form post goes back to the conversation. */
export async function afterAction(c: SignedInCtx, conversationId: number, draft?: Draft, status: 200 | 422 = 200) {
  if (!isHtmx(c)) {
    if (draft) return inbox(c, conversationId, draft, status);
    const { tab, search } = listState(c);
    return redirect(c, inboxHref(tab, search, {}, `/inbox/${conversationId}`));
  }
  const actor = c.get("actor");
  const [thread, options] = await Promise.all([getThread(c.get("deps").database.db, actor, conversationId), threadOptions(c)]);
  if (!thread) return c.notFound();
  const { tab, search } = listState(c);
  return render(c, <Thread ui={ui(c)} thread={thread} options={options} draft={draft} back={inboxHref(tab, search)} now={c.get("deps").clock.now()} />, status);
}

/** Runs a lifecycle change, publishes its events after commit, and answers with the thread. */
export async function act(c: SignedInCtx, conversationId: number, change: () => Promise<Change>, draftOnError?: string) {
  try {
    await commit(c.get("deps").database, c.get("actor").orgId, change);
    return afterAction(c, conversationId);
  } catch (e) {
    if (e instanceof VariablesMissing) return afterAction(c, conversationId, { body: draftOnError ?? "", error: c.get("t")("inbox.variables.missing", { names: e.names.map((n) => `{{${n}}}`).join(", ") }) }, 422);
    if (!(e instanceof ConversationRuleBroken)) throw e;
    if (e.reason === "not_found") return c.notFound();
    return afterAction(c, conversationId, { body: draftOnError ?? "", error: c.get("t")(ruleMessages[e.reason]) }, 422);
  }
}

const templateSchema = z.object({
  name: z.string().trim().min(1).max(512),
  language: z.string().trim().min(2).max(15),
  param: z.union([z.string().trim().min(1).max(1024), z.array(z.string().trim().min(1).max(1024)).max(20)]).optional(),
});
/**
 * A reply with files. When a file cannot go, nothing goes: the draft comes back as typed, with
 * its files, and the reason for each refused one.
 */
async function replyWithAttachments(c: SignedInCtx, input: { body: string; as: "reply" | "note"; attachmentIds: number[]; voiceIds: number[] }) {
  const { database, clock } = c.get("deps");
  const actor = c.get("actor");
  const t = c.get("t");
  const draftWith = async (error: string) => {
    const files = await pendingUploads(database.db, actor, input.attachmentIds);
    return afterAction(c, conversationIdOf(c), { body: input.body, error, files: files.map((file) => ({ file, voice: input.voiceIds.includes(file.id) })) }, 422);
  };
  if (input.as === "note") return draftWith(t("media.error.notesNoFiles"));
  try {
    await commit(database, actor.orgId, (db) => replyWithFiles(db, actor, conversationIdOf(c), { body: input.body, attachmentIds: input.attachmentIds, voiceIds: input.voiceIds }, clock.now()));
    return afterAction(c, conversationIdOf(c));
  } catch (e) {
    if (e instanceof FilesRefused) return draftWith(e.refused.map((r) => refusalText(t, c.get("locale"), r.refusal, r.filename, r.size)).join(" "));
    if (!(e instanceof ConversationRuleBroken)) throw e;
    if (e.reason === "not_found") return c.notFound();
    return draftWith(t(ruleMessages[e.reason]));
  }
}

const quickReplySchema = z.object({
  title: z.string().trim().min(1, "validation.required").max(60, "validation.tooLong"),
  body: z.string().trim().min(1, "validation.required").max(4096, "validation.tooLong"),
  shared: z.literal("1").optional(),
});

async function quickRepliesFragment(c: SignedInCtx, error: string | null, status: 200 | 422) {
  const options = await threadOptions(c);
  return render(c, <QuickReplies ui={ui(c)} base={`/inbox/${conversationIdOf(c)}`} options={options} error={error} />, status);
}

export function conversationIdOf(c: SignedInCtx) {
  return idParam(c);
}

export function inboxRoutes() {
  const app = signedInRoutes();
  app.get("/", validQuery(listQuery), (c) => inbox(c, null));
  app.route("/", widgetRoutes());
  app.route("/", cardRoutes());
  app.get("/:id{[0-9]+}", validQuery(listQuery), (c) => inbox(c, conversationIdOf(c)));

  app.post("/:id{[0-9]+}/join", (c) => {
    const { database, clock } = c.get("deps");
    return act(c, conversationIdOf(c), () => joinConversation(database.db, c.get("actor"), conversationIdOf(c), clock.now()));
  });

  app.post(
    "/:id{[0-9]+}/reply",
    validForm(replySchema, (c: SignedInCtx, errors, values) => afterAction(c, conversationIdOf(c), { body: String(values.body ?? ""), error: errors.body ?? errors._form ?? null }, 422)),
    (c) => {
      const { database, clock } = c.get("deps");
      const { body, as, attachmentIds, voiceIds } = c.req.valid("form");
      if (attachmentIds.length) return replyWithAttachments(c, { body, as, attachmentIds, voiceIds });
      const write = as === "note" ? addInternalNote : reply;
      return act(c, conversationIdOf(c), () => write(database.db, c.get("actor"), conversationIdOf(c), body, clock.now()), body);
    },
  );

  // Outside WhatsApp's 24-hour window: one of the channel's approved templates, parameters filled in.
  app.post(
    "/:id{[0-9]+}/template",
    validForm(templateSchema, (c: SignedInCtx) => afterAction(c, conversationIdOf(c), { body: "", error: c.get("t")("inbox.error.noTemplate") }, 422)),
    (c) => {
      const { database, clock } = c.get("deps");
      const { name, language, param } = c.req.valid("form");
      const parameters = param === undefined ? [] : Array.isArray(param) ? param : [param];
      return act(c, conversationIdOf(c), () => sendTemplate(database.db, c.get("actor"), conversationIdOf(c), { name, language, parameters }, clock.now()));
    },
  );
  // A file from the contact's file box goes out at once, as a message of its own.
  app.post("/:id{[0-9]+}/files/:fileId{[0-9]+}/share", async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    try {
      const shared = await shareFromFileBox(database.db, actor, conversationIdOf(c), idParam(c, "fileId"), clock.now());
      return replyWithAttachments(c, { body: "", as: "reply", attachmentIds: [shared.id], voiceIds: [] });
    } catch (e) {
      if (!(e instanceof UploadRefused)) throw e;
      if (e.problem.reason === "not_found") return c.notFound();
      return afterAction(c, conversationIdOf(c), { body: "", error: refusalText(c.get("t"), c.get("locale"), e.problem, e.filename) }, 422);
    }
  });

  app.post(
    "/:id{[0-9]+}/assign",
    validForm(assignSchema, (c: SignedInCtx) => afterAction(c, conversationIdOf(c), { body: "", error: c.get("t")("inbox.error.badTarget") }, 422)),
    (c) => {
      const { database, clock } = c.get("deps");
      const raw = c.req.valid("form").target;
      const target: AssignTarget = raw === "none" ? { unassign: true } : raw.startsWith("user:") ? { userId: raw.slice(5) } : { workgroupId: Number(raw.slice(6)) };
      return act(c, conversationIdOf(c), () => assignConversation(database.db, c.get("actor"), conversationIdOf(c), target, clock.now()));
    },
  );

  app.post("/:id{[0-9]+}/quick-reply", validForm(z.object({ quickReplyId: field.id() }), (c: SignedInCtx) => afterAction(c, conversationIdOf(c), { body: "", error: c.get("t")("inbox.error.badTarget") }, 422)), async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    const chosen = await visibleQuickReply(database.db, actor, c.req.valid("form").quickReplyId);
    if (!chosen) return afterAction(c, conversationIdOf(c), { body: "", error: c.get("t")("inbox.error.badTarget") }, 422);
    // A variable with no value keeps the quick reply's text in the draft, to finish by hand.
    return act(c, conversationIdOf(c), () => reply(database.db, actor, conversationIdOf(c), chosen.body, clock.now()), chosen.body);
  });

  app.post(
    "/:id{[0-9]+}/quick-replies",
    validForm(quickReplySchema, (c: SignedInCtx, errors) => quickRepliesFragment(c, Object.values(errors)[0] ?? null, 422)),
    async (c) => {
      const { database, clock } = c.get("deps");
      const actor = c.get("actor");
      const input = c.req.valid("form");
      // Saved from a conversation's composer: only from one the agent may see.
      await assertMaySee(database.db, actor, conversationIdOf(c));
      await createQuickReply(database.db, actor, { title: input.title, body: input.body, personal: !(input.shared && actor.role === "admin") }, clock.now());
      if (!isHtmx(c)) return afterAction(c, conversationIdOf(c));
      return quickRepliesFragment(c, null, 200);
    },
  );

  // From the archive: a new open conversation linked to this closed one, assigned to the agent.
  app.post("/:id{[0-9]+}/reactivate", async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    try {
      const done = await commit(database, actor.orgId, (db) => reactivateConversation(db, actor, conversationIdOf(c), clock.now()));
      const to = `/inbox/${done.conversationId}?tab=assigned`;
      return isHtmx(c) ? c.body(null, 200, { "HX-Redirect": to }) : redirect(c, to);
    } catch (e) {
      if (!(e instanceof ConversationRuleBroken)) throw e;
      if (e.reason === "not_found") return c.notFound();
      return afterAction(c, conversationIdOf(c), { body: "", error: c.get("t")(ruleMessages[e.reason]) }, 422);
    }
  });

  app.post("/:id{[0-9]+}/messages/:messageId{[0-9]+}/retry", async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    const messageId = idParam(c, "messageId");
    try {
      await commit(database, actor.orgId, (db) => retryMessage(db, actor, conversationIdOf(c), messageId, clock.now()));
    } catch (e) {
      if (!(e instanceof ConversationRuleBroken)) throw e;
      if (e.reason === "not_found") return c.notFound();
      if (!isHtmx(c)) return afterAction(c, conversationIdOf(c), { body: "", error: c.get("t")(ruleMessages[e.reason]) }, 422);
    }
    if (!isHtmx(c)) return afterAction(c, conversationIdOf(c));
    const message = await visibleMessageItem(database.db, actor, conversationIdOf(c), messageId);
    if (!message) return c.notFound();
    return render(c, <MessageItem ui={ui(c)} m={message} conversationId={conversationIdOf(c)} />);
  });

  // A customer's file that could not be fetched: its download is due again (channels/media-downloads.ts).
  app.post("/:id{[0-9]+}/messages/:messageId{[0-9]+}/media-retry", async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    const messageId = idParam(c, "messageId");
    await retryMediaDownload(database, actor, conversationIdOf(c), messageId, clock.now());
    if (!isHtmx(c)) return afterAction(c, conversationIdOf(c));
    const message = await visibleMessageItem(database.db, actor, conversationIdOf(c), messageId);
    if (!message) return c.notFound();
    return render(c, <MessageItem ui={ui(c)} m={message} conversationId={conversationIdOf(c)} />);
  });

  // Spam: closes without a closing message and blocks the contact; "not spam" undoes both.
  app.post("/:id{[0-9]+}/spam", (c) => {
    const { database, clock } = c.get("deps");
    return act(c, conversationIdOf(c), () => markAsSpam(database.db, c.get("actor"), conversationIdOf(c), clock.now()));
  });
  app.post("/:id{[0-9]+}/not-spam", (c) => {
    const { database, clock } = c.get("deps");
    return act(c, conversationIdOf(c), () => unmarkSpam(database.db, c.get("actor"), conversationIdOf(c), clock.now()));
  });

  app.post(
    "/:id{[0-9]+}/close",
    validForm(closeSchema, (c: SignedInCtx) => afterAction(c, conversationIdOf(c), { body: "", error: c.get("t")("inbox.error.badTarget") }, 422)),
    (c) => {
      const { database, clock } = c.get("deps");
      const { closingMessageId } = c.req.valid("form");
      const chosen = closingMessageId === "none" ? null : closingMessageId;
      return act(c, conversationIdOf(c), () => closeConversation(database.db, c.get("actor"), conversationIdOf(c), chosen, c.get("locale"), clock.now()));
    },
  );

  return app;
}
