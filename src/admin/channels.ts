// Channels: the organization's provider connections, each under a brand, with public settings in
// `config` and the provider's tokens sealed in `secrets`. The built-in support channel is not edited here.
import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { brands, channels, conversations, workgroups, type ChannelKind } from "@db/schema";
import type { Actor } from "../context";
import type { MessageKey } from "../i18n";
import { maskSecret, type SecretBox } from "../channels/secrets";
import { recordEvent } from "../realtime/events";
import { newWebhookKey } from "./organizations";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";

export const editableKinds = ["whatsapp", "messenger", "instagram", "webchat"] as const;
export type EditableKind = (typeof editableKinds)[number];
export const isEditableKind = (kind: ChannelKind): kind is EditableKind => (editableKinds as readonly string[]).includes(kind);

export const CHANNEL_NAME_MAX = 80;

export const secretNames = ["accessToken", "appSecret", "verifyToken"] as const;
export type SecretName = (typeof secretNames)[number];

/** The secrets each kind needs; WebChat is Kanal's own widget and has none. */
export const secretsOf: Record<EditableKind, readonly SecretName[]> = {
  whatsapp: secretNames,
  messenger: secretNames,
  instagram: secretNames,
  webchat: [],
};

/** The config key the provider names the channel by in its webhooks: two channels must not share it. */
export const providerIdKey: Partial<Record<EditableKind, string>> = { whatsapp: "phoneNumberId", messenger: "pageId", instagram: "accountId" };

export interface WhatsappConfig {
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber?: string;
}
export interface MessengerConfig {
  pageId: string;
}
export interface InstagramConfig {
  accountId: string;
}
export interface WebchatConfig {
  /** Origins (scheme://host[:port]) that may embed the widget; empty = any. */
  allowedOrigins: string[];
  /** Ask the visitor's name and email before the chat starts. */
  preChatForm: boolean;
  greeting: string;
  maxUploadMb: number;
  color: string;
}

export const UPLOAD_MB = { min: 1, max: 100 } as const;
export const WIDGET_COLOR = /^#[0-9a-f]{6}$/i;
export const webchatDefaults: WebchatConfig = { allowedOrigins: [], preChatForm: false, greeting: "", maxUploadMb: 25, color: "#0f766e" };

/** A stored WebChat config with defaults for the keys it lacks (the demo seed stores only allowedOrigins). */
export function webchatConfig(config: Record<string, unknown>): WebchatConfig {
  const c = { ...webchatDefaults, ...config };
  return {
    allowedOrigins: Array.isArray(c.allowedOrigins) ? c.allowedOrigins.filter((o): o is string => typeof o === "string") : [],
    preChatForm: c.preChatForm === true,
    greeting: typeof c.greeting === "string" ? c.greeting : "",
    maxUploadMb: Number.isInteger(c.maxUploadMb) ? Number(c.maxUploadMb) : webchatDefaults.maxUploadMb,
    color: typeof c.color === "string" && WIDGET_COLOR.test(c.color) ? c.color : webchatDefaults.color,
  };
}

/** An origin as `scheme://host[:port]` (http or https, nothing after the host), normalised; null when it is not one. */
export function parseOrigin(text: string): string | null {
  if (!/^https?:\/\/[^/?#\s]+\/?$/i.test(text)) return null;
  try {
    const url = new URL(text);
    if (url.username || url.password) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** A rule only the database can check broke (a brand not ours, a provider id in use, a secret never set). */
export class ChannelRuleBroken extends Error {
  constructor(public errors: Record<string, MessageKey>) {
    super(Object.values(errors)[0]);
  }
}

export interface ChannelInput {
  kind: EditableKind;
  name: string;
  brandId: number;
  /** New conversations go to this workgroup's queue; null: unassigned (or to the contact's owner). */
  workgroupId: number | null;
  config: Record<string, unknown>;
  /** Blank secrets are absent: on an edit they keep the stored value. */
  secrets: Partial<Record<SecretName, string>>;
}

export interface ChannelRow {
  id: number;
  kind: ChannelKind;
  name: string;
  brandId: number | null;
  brandName: string | null;
  workgroupId: number | null;
  webhookKey: string;
  active: boolean;
}

export interface ChannelDetail extends ChannelRow {
  config: Record<string, unknown>;
  /** Stored secrets as an admin may see them (••••1234); missing names were never set. */
  masks: Partial<Record<SecretName, string>>;
  /** Conversations on the channel: one or more, and it can only be deactivated, not deleted. */
  conversations: number;
}

const sortKey = sql<string>`lower(${channels.name})`;
const own = (actor: Actor, id: number) => and(eq(channels.orgId, actor.orgId), eq(channels.id, id));

const columns = {
  id: channels.id,
  kind: channels.kind,
  name: channels.name,
  brandId: channels.brandId,
  brandName: brands.name,
  workgroupId: channels.workgroupId,
  webhookKey: channels.webhookKey,
  active: channels.active,
};

export async function listChannels(db: DbOrTx, actor: Actor, cursor: Cursor | null = null, limit = PAGE_SIZE) {
  const found = await db
    .select({ ...columns, sortKey })
    .from(channels)
    .leftJoin(brands, eq(brands.id, channels.brandId))
    .where(and(eq(channels.orgId, actor.orgId), after(sortKey, channels.id, cursor)))
    .orderBy(asc(sortKey), asc(channels.id))
    .limit(limit + 1);
  return page(found, limit, (r) => ({ key: r.sortKey, id: r.id }));
}

/** An editable channel of the organization with its secrets masked; null for another's or the support channel. */
export async function getChannel(db: DbOrTx, box: SecretBox, actor: Actor, id: number): Promise<ChannelDetail | null> {
  const [found] = await db
    .select({
      ...columns,
      config: channels.config,
      secrets: channels.secrets,
      conversations: sql<number>`(select count(*) from ${conversations} where ${conversations.channelId} = ${channels.id})`.mapWith(Number),
    })
    .from(channels)
    .leftJoin(brands, eq(brands.id, channels.brandId))
    .where(own(actor, id));
  if (!found || !isEditableKind(found.kind)) return null;
  const { secrets, ...rest } = found;
  const stored = box.open(secrets);
  const masks: Partial<Record<SecretName, string>> = {};
  for (const name of secretsOf[found.kind]) if (stored[name]) masks[name] = maskSecret(stored[name]);
  return { ...rest, masks };
}

/** The organization's workgroups, for the "new conversations go to" picker. */
export async function workgroupChoices(db: DbOrTx, actor: Actor): Promise<{ id: number; name: string }[]> {
  return db.select({ id: workgroups.id, name: workgroups.name }).from(workgroups).where(eq(workgroups.orgId, actor.orgId)).orderBy(asc(sql`lower(${workgroups.name})`), asc(workgroups.id));
}

/** The organization's brands, for the brand picker. */
export async function brandChoices(db: DbOrTx, actor: Actor): Promise<{ id: number; name: string }[]> {
  return db.select({ id: brands.id, name: brands.name }).from(brands).where(eq(brands.orgId, actor.orgId)).orderBy(asc(sql`lower(${brands.name})`), asc(brands.id));
}

async function changed(tx: DbOrTx, actor: Actor, channelId: number, data: Record<string, unknown>, now: Date) {
  await recordEvent(tx, { orgId: actor.orgId, type: "channel_changed", actorId: actor.userId, data: { channelId, ...data }, createdAt: now });
}

/** Checks what zod cannot: the brand is the organization's, the provider id is free, every secret is set. */
async function checkInput(tx: DbOrTx, actor: Actor, input: ChannelInput, merged: Record<string, string>, exceptId: number | null) {
  const errors: Record<string, MessageKey> = {};
  const [brand] = await tx.select({ id: brands.id }).from(brands).where(and(eq(brands.orgId, actor.orgId), eq(brands.id, input.brandId)));
  if (!brand) errors.brandId = "validation.required";
  if (input.workgroupId !== null) {
    const [group] = await tx.select({ id: workgroups.id }).from(workgroups).where(and(eq(workgroups.orgId, actor.orgId), eq(workgroups.id, input.workgroupId)));
    if (!group) errors.workgroupId = "validation.invalid";
  }
  const idKey = providerIdKey[input.kind];
  if (idKey) {
    const [clash] = await tx
      .select({ id: channels.id })
      .from(channels)
      .where(
        and(
          eq(channels.orgId, actor.orgId),
          eq(channels.kind, input.kind),
          sql`${channels.config}->>${idKey} = ${String(input.config[idKey])}`,
          exceptId === null ? undefined : ne(channels.id, exceptId),
        ),
      )
      .limit(1);
    if (clash) errors[idKey] = "channels.idTaken";
  }
  for (const name of secretsOf[input.kind]) if (!merged[name]) errors[name] = "validation.required";
  if (Object.keys(errors).length) throw new ChannelRuleBroken(errors);
}

function present(secrets: ChannelInput["secrets"]): Record<string, string> {
  return Object.fromEntries(Object.entries(secrets).filter((e): e is [string, string] => Boolean(e[1])));
}

/** Adds a channel with a fresh webhook key; throws ChannelRuleBroken. */
export async function createChannel(db: DbOrTx, box: SecretBox, actor: Actor, input: ChannelInput, now: Date): Promise<{ id: number; webhookKey: string }> {
  return db.transaction(async (tx) => {
    const secrets = present(input.secrets);
    await checkInput(tx, actor, input, secrets, null);
    const [channel] = await tx
      .insert(channels)
      .values({
        orgId: actor.orgId,
        brandId: input.brandId,
        workgroupId: input.workgroupId,
        kind: input.kind,
        name: input.name,
        config: input.config,
        secrets: secretsOf[input.kind].length ? box.seal(secrets) : null,
        webhookKey: newWebhookKey(),
        createdAt: now,
      })
      .returning({ id: channels.id, webhookKey: channels.webhookKey });
    await changed(tx, actor, channel.id, { change: "created", kind: input.kind, name: input.name }, now);
    return channel;
  });
}

/**
 * Saves name, brand, config and the secrets typed (blank ones keep the stored value). False when the
 * channel is not this organization's, is the support channel, or is of another kind than the form.
 */
function synced(config: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(config).filter(([key]) => key === "templates" || key === "templatesSyncedAt"));
}

export async function updateChannel(db: DbOrTx, box: SecretBox, actor: Actor, id: number, input: ChannelInput, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ kind: channels.kind, secrets: channels.secrets, config: channels.config }).from(channels).where(own(actor, id)).for("update");
    if (!before || before.kind !== input.kind) return false;
    const typed = present(input.secrets);
    const merged = { ...box.open(before.secrets), ...typed };
    await checkInput(tx, actor, input, merged, id);
    const kept = Object.fromEntries(secretsOf[input.kind].filter((n) => merged[n]).map((n) => [n, merged[n]]));
    await tx
      .update(channels)
      // What Kanal keeps in the config itself (WhatsApp templates synced from the WABA) survives an edit.
      .set({ name: input.name, brandId: input.brandId, workgroupId: input.workgroupId, config: { ...synced(before.config), ...input.config }, secrets: secretsOf[input.kind].length ? box.seal(kept) : null })
      .where(own(actor, id));
    // Names of the secrets replaced, never their values.
    await changed(tx, actor, id, { change: "updated", kind: input.kind, name: input.name, secretsReplaced: Object.keys(typed) }, now);
    return true;
  });
}

/** Deactivated channels refuse webhooks and sends; false when the channel is not an editable one of ours. */
export async function setChannelActive(db: DbOrTx, actor: Actor, id: number, active: boolean, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [channel] = await tx
      .update(channels)
      .set({ active })
      .where(and(own(actor, id), ne(channels.kind, "support")))
      .returning({ name: channels.name, kind: channels.kind });
    if (!channel) return false;
    await changed(tx, actor, id, { change: active ? "activated" : "deactivated", kind: channel.kind, name: channel.name }, now);
    return true;
  });
}

/**
 * Deletes a channel nobody has talked on; one with conversations keeps its history and can only be
 * deactivated ("in_use"). "missing" when it is not an editable channel of the organization.
 */
export async function deleteChannel(db: DbOrTx, actor: Actor, id: number, now: Date): Promise<"deleted" | "in_use" | "missing"> {
  return db.transaction(async (tx) => {
    const [channel] = await tx
      .select({ name: channels.name, kind: channels.kind })
      .from(channels)
      .where(and(own(actor, id), ne(channels.kind, "support")))
      .for("update");
    if (!channel) return "missing";
    const [used] = await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.channelId, id)).limit(1);
    if (used) return "in_use";
    await tx.delete(channels).where(own(actor, id));
    await changed(tx, actor, id, { change: "deleted", kind: channel.kind, name: channel.name }, now);
    return "deleted";
  });
}
