// Admin → Bot: each channel's (or each brand's, for all its channels) greeting bot and satisfaction
// survey. A channel's own settings win over its brand's.
import { and, asc, eq, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@db/client";
import { attachments, botMenus, brands, channels, customFields, workgroups, type BotOption } from "@db/schema";
import { keysNoRowUses } from "../media/uploads";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";

export const MAX_OPTIONS = 10;

export type BotMenu = typeof botMenus.$inferSelect;

/** The settings that apply to a channel: its own row, else its brand's. */
export async function menuForChannel(db: DbOrTx, channelId: number): Promise<BotMenu | null> {
  const [row] = await db
    .select({ menu: botMenus })
    .from(channels)
    .innerJoin(botMenus, or(eq(botMenus.channelId, channels.id), and(isNotNull(channels.brandId), eq(botMenus.brandId, channels.brandId))))
    .where(eq(channels.id, channelId))
    .orderBy(sql`${botMenus.channelId} is null`)
    .limit(1);
  return row?.menu ?? null;
}

export type Scope = { channelId: number } | { brandId: number };

export const scopeOf = (menu: { channelId: number | null; brandId: number | null }): Scope => (menu.channelId !== null ? { channelId: menu.channelId } : { brandId: menu.brandId! });

/** Every channel and brand of the organization, with its settings if it has any. */
export async function menuOverview(db: DbOrTx, orgId: number) {
  const [chs, brs, menus] = await Promise.all([
    db.select({ id: channels.id, name: channels.name, kind: channels.kind, brandId: channels.brandId }).from(channels).where(and(eq(channels.orgId, orgId), sql`${channels.kind} <> 'support'`)).orderBy(asc(channels.name)),
    db.select({ id: brands.id, name: brands.name }).from(brands).where(eq(brands.orgId, orgId)).orderBy(asc(brands.name)),
    db.select().from(botMenus).where(eq(botMenus.orgId, orgId)),
  ]);
  return {
    channels: chs.map((c) => ({ ...c, menu: menus.find((m) => m.channelId === c.id) ?? null, brandMenu: menus.find((m) => c.brandId !== null && m.brandId === c.brandId) ?? null })),
    brands: brs.map((b) => ({ ...b, menu: menus.find((m) => m.brandId === b.id) ?? null })),
  };
}

/** The scope's own name (a channel or a brand of this organization), or null when it is not one. */
export async function scopeName(db: DbOrTx, orgId: number, scope: Scope): Promise<string | null> {
  const [row] =
    "channelId" in scope
      ? await db.select({ name: channels.name }).from(channels).where(and(eq(channels.orgId, orgId), eq(channels.id, scope.channelId), sql`${channels.kind} <> 'support'`))
      : await db.select({ name: brands.name }).from(brands).where(and(eq(brands.orgId, orgId), eq(brands.id, scope.brandId)));
  return row?.name ?? null;
}

export async function menuOf(db: DbOrTx, orgId: number, scope: Scope): Promise<BotMenu | null> {
  const [row] = await db
    .select()
    .from(botMenus)
    .where(and(eq(botMenus.orgId, orgId), "channelId" in scope ? eq(botMenus.channelId, scope.channelId) : eq(botMenus.brandId, scope.brandId)));
  return row ?? null;
}

const text = (max: number) => z.string().trim().max(max, "validation.tooLong");

const optionSchema: z.ZodType<BotOption> = z.lazy(() =>
  z
    .object({
      id: z.string().regex(/^[a-z0-9]{1,12}$/),
      title: z.string().trim().min(1, "validation.required").max(24, "validation.tooLong"),
      action: z.enum(["answer", "question", "submenu", "handover"]),
      text: text(1000).optional(),
      fieldKey: z.string().max(64).optional(),
      file: z.object({ attachmentId: z.number().int().positive(), filename: z.string().max(200), mime: z.string().max(200), size: z.number().int().min(0) }).optional(),
      workgroupId: z.number().int().positive().nullable().optional(),
      options: z.array(optionSchema).max(MAX_OPTIONS).optional(),
    })
    .superRefine((o, ctx) => {
      if ((o.action === "answer" || o.action === "question") && !o.text) ctx.addIssue({ code: "custom", path: ["text"], message: "validation.required" });
      if (o.action === "question" && !o.fieldKey) ctx.addIssue({ code: "custom", path: ["fieldKey"], message: "validation.required" });
      if (o.action === "submenu" && !o.options?.length) ctx.addIssue({ code: "custom", path: ["options"], message: "bot.error.emptySubmenu" });
    }),
);

export const menuSchema = z.object({
  enabled: z.boolean(),
  greeting: text(1000),
  options: z.array(optionSchema).max(MAX_OPTIONS),
  handoverKeyword: text(40),
  timeoutMinutes: z.number().int().min(1).max(1440),
  handoverWorkgroupId: z.number().int().positive().nullable(),
  unknownText: text(500),
  surveyEnabled: z.boolean(),
  surveyQuestion: text(500),
  surveyComment: text(500),
});
export type MenuInput = z.infer<typeof menuSchema>;

export class BotMenuRefused extends Error {}

/** Workgroups and CRM fields the options name must be the organization's. */
async function checkReferences(db: DbOrTx, orgId: number, input: MenuInput) {
  const groups = new Set((await db.select({ id: workgroups.id }).from(workgroups).where(eq(workgroups.orgId, orgId))).map((g) => g.id));
  const fields = new Set((await db.select({ key: customFields.key }).from(customFields).where(eq(customFields.orgId, orgId))).map((f) => f.key));
  const walk = (options: BotOption[]): void => {
    for (const o of options) {
      if (o.action === "handover" && o.workgroupId && !groups.has(o.workgroupId)) throw new BotMenuRefused("bot.error.workgroup");
      if (o.action === "question" && !fields.has(o.fieldKey ?? "")) throw new BotMenuRefused("bot.error.field");
      walk(o.options ?? []);
    }
  };
  walk(input.options);
  if (input.handoverWorkgroupId && !groups.has(input.handoverWorkgroupId)) throw new BotMenuRefused("bot.error.workgroup");
  if (input.enabled && (!input.greeting || input.options.length === 0)) throw new BotMenuRefused("bot.error.empty");
  if (input.surveyEnabled && !input.surveyQuestion) throw new BotMenuRefused("bot.error.surveyQuestion");
}

const filesOf = (options: BotOption[]): NonNullable<BotOption["file"]>[] => options.flatMap((o) => [...(o.file ? [o.file] : []), ...filesOf(o.options ?? [])]);

/**
 * The options' files as stored: each must be a bot file of this organization (an attachment of no
 * message and no contact); its name, type and size are read from it, never from the form.
 */
async function withStoredFiles(tx: DbOrTx, orgId: number, options: BotOption[]): Promise<BotOption[]> {
  const ids = filesOf(options).map((f) => f.attachmentId);
  const rows = ids.length
    ? await tx.select().from(attachments).where(and(eq(attachments.orgId, orgId), inArray(attachments.id, ids), isNull(attachments.messageId), isNull(attachments.contactId)))
    : [];
  const byId = new Map(rows.map((r) => [r.id, { attachmentId: r.id, filename: r.filename, mime: r.mime, size: r.size }]));
  const walk = (list: BotOption[]): BotOption[] =>
    list.map((o) => {
      if (o.file && !byId.has(o.file.attachmentId)) throw new BotMenuRefused("bot.error.file");
      return { ...o, ...(o.file ? { file: byId.get(o.file.attachmentId)! } : {}), ...(o.options ? { options: walk(o.options) } : {}) };
    });
  return walk(options);
}

/**
 * Saves a scope's settings (an admin's change, announced to other screens). Files the menu no
 * longer names are forgotten; their storage keys no other row uses are added to `unusedKeys`, for
 * the caller to delete once committed.
 */
export async function saveMenu(db: DbOrTx, actor: Actor, scope: Scope, given: MenuInput, now: Date, unusedKeys: string[] = []): Promise<number> {
  return db.transaction(async (tx) => {
    if ((await scopeName(tx, actor.orgId, scope)) === null) throw new BotMenuRefused("not_found");
    const input = { ...given, options: await withStoredFiles(tx, actor.orgId, given.options) };
    await checkReferences(tx, actor.orgId, input);
    const existing = await menuOf(tx, actor.orgId, scope);
    const kept = new Set(filesOf(input.options).map((f) => f.attachmentId));
    const dropped = filesOf(existing?.options ?? []).filter((f) => !kept.has(f.attachmentId)).map((f) => f.attachmentId);
    if (dropped.length) {
      const gone = await tx
        .delete(attachments)
        .where(and(eq(attachments.orgId, actor.orgId), inArray(attachments.id, dropped), isNull(attachments.messageId), isNull(attachments.contactId)))
        .returning({ key: attachments.storageKey });
      unusedKeys.push(...(await keysNoRowUses(tx, gone.map((g) => g.key))));
    }
    const surveySince = input.surveyEnabled ? (existing?.surveyEnabled ? existing.surveySince : now) : null;
    const values = { ...input, surveySince, updatedAt: now };
    if (existing) await tx.update(botMenus).set(values).where(eq(botMenus.id, existing.id));
    else await tx.insert(botMenus).values({ orgId: actor.orgId, ...scope, ...values });
    return recordEvent(tx, { orgId: actor.orgId, type: "channel_changed", actorId: actor.userId, data: { bot: scope }, createdAt: now });
  });
}

/** Removes a scope's own settings (a channel then follows its brand's, if any). */
export async function removeMenu(db: DbOrTx, actor: Actor, scope: Scope, now: Date): Promise<number | null> {
  return db.transaction(async (tx) => {
    const existing = await menuOf(tx, actor.orgId, scope);
    if (!existing) return null;
    await tx.delete(botMenus).where(eq(botMenus.id, existing.id));
    return recordEvent(tx, { orgId: actor.orgId, type: "channel_changed", actorId: actor.userId, data: { bot: scope }, createdAt: now });
  });
}

/** The options at a path of sub-menu ids (the top menu for an empty path; null if the path no longer exists). */
export function optionsAt(options: BotOption[], path: string[]): BotOption[] | null {
  let current = options;
  for (const id of path) {
    const next = current.find((o) => o.id === id && o.action === "submenu");
    if (!next) return null;
    current = next.options ?? [];
  }
  return current;
}
