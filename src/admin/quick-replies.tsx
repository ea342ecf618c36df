// Quick replies: shared ones for the whole organization (admins manage them) and personal ones
// (any agent, for themselves). The composer lists the shared ones and the agent's own.
import { and, asc, eq, ilike, isNull, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@db/client";
import { quickReplies } from "@db/schema";
import type { Actor } from "../context";
import { field } from "../forms";
import { recordEvent } from "../realtime/events";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";
import { FieldRuleBroken, type Section } from "./section-routes";
import { escapeLike } from "./users";

const quickReplyInput = z.object({
  title: field.text(60),
  body: z.string().trim().min(1, "validation.required").max(4096, "validation.tooLong"),
  scope: z.enum(["shared", "personal"]).default("shared"),
});
type QuickReplyInput = z.infer<typeof quickReplyInput>;
type QuickReplyRow = { id: number; title: string; body: string; userId: string | null; sortKey: string };

export type QuickReplyScope = "all" | "shared" | "personal";

/** What the actor may see: shared replies and their own personal ones. */
function visibleTo(actor: Actor, scope: QuickReplyScope = "all"): SQL | undefined {
  const shared = isNull(quickReplies.userId);
  const mine = eq(quickReplies.userId, actor.userId);
  return and(eq(quickReplies.orgId, actor.orgId), scope === "shared" ? shared : scope === "personal" ? mine : or(shared, mine));
}

const sortKey = sql<string>`lower(${quickReplies.title})`;

export async function listQuickReplies(db: DbOrTx, actor: Actor, options: { scope?: QuickReplyScope; search?: string; cursor?: Cursor | null; limit?: number } = {}) {
  const limit = options.limit ?? PAGE_SIZE;
  const like = options.search ? `%${escapeLike(options.search)}%` : null;
  const rows = await db
    .select({ id: quickReplies.id, title: quickReplies.title, body: quickReplies.body, userId: quickReplies.userId, sortKey })
    .from(quickReplies)
    .where(and(visibleTo(actor, options.scope), like ? or(ilike(quickReplies.title, like), ilike(quickReplies.body, like)) : undefined, after(sortKey, quickReplies.id, options.cursor ?? null)))
    .orderBy(asc(sortKey), asc(quickReplies.id))
    .limit(limit + 1);
  return page(rows, limit, (r) => ({ key: r.sortKey, id: r.id }));
}

/** Any agent may keep personal replies; only admins write shared ones. */
export async function createQuickReply(db: DbOrTx, actor: Actor, input: { title: string; body: string; personal: boolean }, now: Date) {
  if (!input.personal && actor.role !== "admin") throw new FieldRuleBroken("scope", "error.forbiddenText");
  return db.transaction(async (tx) => {
    const [reply] = await tx
      .insert(quickReplies)
      .values({ orgId: actor.orgId, userId: input.personal ? actor.userId : null, title: input.title, body: input.body, createdAt: now })
      .returning();
    await recordEvent(tx, { orgId: actor.orgId, type: "quick_reply_changed", actorId: actor.userId, data: { quickReplyId: reply.id, change: "created" }, createdAt: now });
    return reply;
  });
}

/** Editing: admins edit shared ones; everyone edits only their own personal ones. */
function editable(actor: Actor): SQL | undefined {
  return and(eq(quickReplies.orgId, actor.orgId), actor.role === "admin" ? or(isNull(quickReplies.userId), eq(quickReplies.userId, actor.userId)) : eq(quickReplies.userId, actor.userId));
}

export async function updateQuickReply(db: DbOrTx, actor: Actor, id: number, input: { title: string; body: string }, now: Date) {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(quickReplies).set({ title: input.title, body: input.body }).where(and(editable(actor), eq(quickReplies.id, id))).returning({ id: quickReplies.id });
    if (!row) return false;
    await recordEvent(tx, { orgId: actor.orgId, type: "quick_reply_changed", actorId: actor.userId, data: { quickReplyId: id, change: "updated" }, createdAt: now });
    return true;
  });
}

export async function deleteQuickReply(db: DbOrTx, actor: Actor, id: number, now: Date) {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(quickReplies).where(and(editable(actor), eq(quickReplies.id, id))).returning({ id: quickReplies.id });
    if (!row) return false;
    await recordEvent(tx, { orgId: actor.orgId, type: "quick_reply_changed", actorId: actor.userId, data: { quickReplyId: id, change: "deleted" }, createdAt: now });
    return true;
  });
}

const scopes = ["all", "shared", "personal"] as const;

export const quickRepliesSection: Section<QuickReplyRow, QuickReplyInput, QuickReplyInput> = {
  view: { base: "/admin/quick-replies", title: "quickReplies.title", createTitle: "quickReplies.create", editTitle: "quickReplies.edit", empty: "quickReplies.empty", columns: ["quickReplies.replyTitle", "quickReplies.body", "quickReplies.scope"] },
  fields: async (_c, editing) => [
    { name: "title", label: "quickReplies.replyTitle", kind: "text", max: 60, required: true },
    { name: "body", label: "quickReplies.body", kind: "textarea", max: 4096, required: true, rows: 4 },
    ...(editing
      ? []
      : [{ name: "scope", label: "quickReplies.scope" as const, kind: "select" as const, options: [{ value: "shared", label: "quickReplies.shared" as const }, { value: "personal", label: "quickReplies.personal" as const }] }]),
  ],
  createSchema: quickReplyInput,
  updateSchema: quickReplyInput.omit({ scope: true }) as unknown as z.ZodType<QuickReplyInput>,
  uniqueField: "title",
  defaults: { scope: "shared" },
  query: (c) => {
    const scope = c.req.query("scope");
    return { scope: (scopes as readonly string[]).includes(scope ?? "") && scope !== "all" ? scope : undefined };
  },
  filters: (ui, query) => (
    <nav class="filters" aria-label={ui.t("quickReplies.filter")}>
      {scopes.map((s) => (
        <a href={s === "all" ? "/admin/quick-replies" : `/admin/quick-replies?scope=${s}`} aria-current={(query.scope ?? "all") === s ? "page" : undefined}>
          {ui.t(s === "all" ? "quickReplies.all" : s === "shared" ? "quickReplies.sharedShort" : "quickReplies.personalShort")}
        </a>
      ))}
    </nav>
  ),
  list: (db, actor, cursor, query) => listQuickReplies(db, actor, { scope: (query.scope as QuickReplyScope) ?? "all", cursor }),
  row: (ui, r) => ({
    id: r.id,
    cells: [r.title, <span class="clip">{r.body}</span>, ui.t(r.userId ? "quickReplies.personalShort" : "quickReplies.sharedShort")],
  }),
  get: async (db, actor, id) => {
    const [row] = await db.select().from(quickReplies).where(and(editable(actor), eq(quickReplies.id, id)));
    return row ? { name: row.title, form: { title: row.title, body: row.body } } : null;
  },
  create: (db, actor, input, now) => createQuickReply(db, actor, { title: input.title, body: input.body, personal: input.scope === "personal" }, now),
  update: updateQuickReply,
  remove: deleteQuickReply,
};
