// WebChat visitors: who they are (a signed visitor id), what they may read (their own messages on
// this channel, never notes), and what they send (text and files become inbound messages).
import { and, asc, desc, eq, inArray, lte } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { attachments, channels, contactIdentities, contacts, conversations, messages, users, type MessageKind } from "@db/schema";
import type { Config } from "../../config";
import type { LiveEvent } from "../../realtime/bus";
import { recordEvent } from "../../realtime/events";
import { contactFor, ingestInbound, type AtOpening } from "../../inbox/customer-messages";
import { openAtOpening } from "../../routing/at-opening";
import { widgetChoices, type WidgetChoices } from "./choices";
import type { Change } from "../../inbox/changes";
import type { Storage } from "../../media/storage";
import { sniffMime } from "../../media/sniff";
import { capabilitiesOf, type MediaKind } from "../capabilities";
import { storeBytes } from "../../media/storage";

export interface WidgetSettings {
  /** Sites allowed to embed the widget; empty means any. */
  allowedOrigins: string[];
  preChatForm: boolean;
  greeting: string;
  maxUploadMb: number | null;
  color: string;
}

export interface WebchatChannel {
  id: number;
  orgId: number;
  name: string;
  config: Record<string, unknown>;
  settings: WidgetSettings;
}

export class WidgetRefusal extends Error {
  constructor(public reason: "too_large" | "bad_type" | "empty" | "too_long") {
    super(reason);
  }
}

const DEFAULT_COLOR = "#2563eb";

/** The channel's widget settings, with sane defaults for anything missing or malformed. */
export function widgetSettings(config: Record<string, unknown>): WidgetSettings {
  const origins = Array.isArray(config.allowedOrigins) ? config.allowedOrigins.filter((o): o is string => typeof o === "string" && o.trim() !== "") : [];
  const limit = Number(config.maxUploadMb);
  return {
    allowedOrigins: origins.map((o) => o.trim().replace(/\/+$/, "").toLowerCase()),
    preChatForm: config.preChatForm === true,
    greeting: typeof config.greeting === "string" ? config.greeting.slice(0, 500) : "",
    maxUploadMb: Number.isFinite(limit) && limit > 0 ? limit : null,
    color: typeof config.color === "string" && /^#[0-9a-f]{6}$/i.test(config.color) ? config.color.toLowerCase() : DEFAULT_COLOR,
  };
}

export async function findWebchatChannel(db: DbOrTx, key: string): Promise<WebchatChannel | null> {
  const [row] = await db
    .select({ id: channels.id, orgId: channels.orgId, name: channels.name, config: channels.config })
    .from(channels)
    .where(and(eq(channels.webhookKey, key), eq(channels.kind, "webchat"), eq(channels.active, true)));
  return row ? { ...row, settings: widgetSettings(row.config) } : null;
}

/** An embedding page may talk to the widget API when the channel allows its origin (or allows all). */
export function originAllowed(settings: WidgetSettings, origin: string | null, ownOrigins: string[]): boolean {
  if (!origin) return false;
  const o = origin.toLowerCase();
  return ownOrigins.includes(o) || settings.allowedOrigins.length === 0 || settings.allowedOrigins.includes(o);
}

/** Upload rules for the widget: the capability table with the channel's own byte limit. */
export function uploadRules(channel: WebchatChannel) {
  const caps = capabilitiesOf("webchat", channel.config);
  return { textMaxLength: caps.textMaxLength, voiceNotes: caps.voiceNotes, media: caps.media };
}

// ---- identity

async function contactOf(db: DbOrTx, channel: WebchatChannel, visitorId: string) {
  const [row] = await db
    .select({ id: contacts.id, name: contacts.name, email: contacts.email })
    .from(contactIdentities)
    .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
    .where(and(eq(contactIdentities.channelId, channel.id), eq(contactIdentities.externalId, visitorId)));
  return row ?? null;
}

export function visitorName(visitorId: string) {
  return `Visitor ${visitorId.slice(0, 6)}`;
}

/** A returning visitor: their contact (if they ever wrote or filled the pre-chat form). */
export async function visitorContact(db: DbOrTx, channel: WebchatChannel, visitorId: string) {
  return contactOf(db, channel, visitorId);
}

/**
 * The pre-chat form: creates the visitor's contact (with its channel identity) or updates its name
 * and email. Returns the event ids to publish.
 */
export async function introduceVisitor(db: DbOrTx, channel: WebchatChannel, visitorId: string, form: { name: string; email: string }, now: Date): Promise<{ contactId: number; eventIds: number[] }> {
  return db.transaction(async (tx) => {
    // The visitor's contact, made now unless a message of theirs made it first; then the form's name and email.
    const contact = await contactFor(tx, { orgId: channel.orgId, channelId: channel.id, externalId: visitorId, contactName: form.name, at: now });
    await tx.update(contacts).set({ name: form.name, email: form.email, updatedAt: now }).where(eq(contacts.id, contact.id));
    const eventId = await recordEvent(tx, { orgId: channel.orgId, type: "contact_updated", data: { contactId: contact.id, via: "webchat" }, createdAt: now });
    return { contactId: contact.id, eventIds: [eventId] };
  });
}

// ---- reading

export interface WidgetAttachment {
  id: number;
  mime: string;
  filename: string;
  size: number;
  durationMs: number | null;
}

export interface WidgetMessage {
  id: number;
  conversationId: number;
  direction: "in" | "out";
  kind: MessageKind;
  body: string;
  author: string | null;
  createdAt: string;
  attachments: WidgetAttachment[];
  choices?: WidgetChoices["choices"];
  rating?: true;
}

const HISTORY = 100;

function messageColumns() {
  return {
    id: messages.id,
    conversationId: messages.conversationId,
    direction: messages.direction,
    kind: messages.kind,
    body: messages.body,
    metadata: messages.metadata,
    author: users.name,
    createdAt: messages.createdAt,
  };
}

async function withAttachments(db: DbOrTx, rows: Awaited<ReturnType<typeof selectVisitorMessages>>): Promise<WidgetMessage[]> {
  const ids = rows.map((r) => r.id);
  const files = ids.length
    ? await db
        .select({ id: attachments.id, messageId: attachments.messageId, mime: attachments.mime, filename: attachments.filename, size: attachments.size, durationMs: attachments.durationMs })
        .from(attachments)
        .where(inArray(attachments.messageId, ids))
        .orderBy(asc(attachments.id))
    : [];
  return rows.map((r) => ({
    id: r.id,
    conversationId: r.conversationId,
    direction: r.direction as "in" | "out",
    kind: r.kind,
    ...widgetChoices(r.body, r.direction === "out" ? r.metadata : null),
    // Visitors see an agent's first name only.
    author: r.author ? r.author.split(/\s+/)[0] : null,
    createdAt: r.createdAt.toISOString(),
    attachments: files.filter((f) => f.messageId === r.id).map(({ messageId: _, ...f }) => f),
  }));
}

function selectVisitorMessages(db: DbOrTx, channel: WebchatChannel, visitorId: string, upTo?: number) {
  return db
    .select(messageColumns())
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contactIdentities, and(eq(contactIdentities.contactId, conversations.contactId), eq(contactIdentities.channelId, channel.id), eq(contactIdentities.externalId, visitorId)))
    .leftJoin(users, eq(users.id, messages.authorId))
    .where(
      and(
        eq(messages.orgId, channel.orgId),
        eq(messages.channelId, channel.id),
        // Notes and events are for agents only.
        inArray(messages.direction, ["in", "out"]),
        upTo ? lte(messages.id, upTo) : undefined,
      ),
    )
    .orderBy(desc(messages.id))
    .limit(HISTORY);
}

/** The visitor's latest messages on this channel, oldest first, and which conversations are closed. */
export async function visitorMessages(db: DbOrTx, channel: WebchatChannel, visitorId: string) {
  const rows = (await selectVisitorMessages(db, channel, visitorId)).reverse();
  const conversationIds = [...new Set(rows.map((r) => r.conversationId))];
  const closed = conversationIds.length
    ? await db
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(inArray(conversations.id, conversationIds), eq(conversations.status, "closed")))
    : [];
  return { messages: await withAttachments(db, rows), closedConversations: closed.map((c) => c.id) };
}

/**
 * What one event means to widgets, read once per event: the message (or the closing) and the
 * visitor it belongs to. Null for anything a visitor never sees.
 */
export async function widgetUpdate(db: DbOrTx, event: LiveEvent): Promise<{ channelId: number; visitorId: string; message?: WidgetMessage; closed?: number } | null> {
  if (!event.conversationId) return null;
  const direction = (event.data as { direction?: string }).direction;
  if (event.type === "message_created" && (direction === "in" || direction === "out")) {
    const messageId = Number((event.data as { messageId?: number }).messageId);
    const [row] = await db
      .select({ ...messageColumns(), channelId: messages.channelId, visitorId: contactIdentities.externalId })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(channels, and(eq(channels.id, messages.channelId), eq(channels.kind, "webchat")))
      .innerJoin(contactIdentities, and(eq(contactIdentities.contactId, conversations.contactId), eq(contactIdentities.channelId, messages.channelId)))
      .leftJoin(users, eq(users.id, messages.authorId))
      .where(and(eq(messages.orgId, event.orgId), eq(messages.id, messageId), inArray(messages.direction, ["in", "out"])));
    if (!row) return null;
    const [message] = await withAttachments(db, [row]);
    return { channelId: row.channelId, visitorId: row.visitorId, message };
  }
  if (event.type === "closed") {
    const [row] = await db
      .select({ channelId: conversations.channelId, visitorId: contactIdentities.externalId })
      .from(conversations)
      .innerJoin(channels, and(eq(channels.id, conversations.channelId), eq(channels.kind, "webchat")))
      .innerJoin(contactIdentities, and(eq(contactIdentities.contactId, conversations.contactId), eq(contactIdentities.channelId, conversations.channelId)))
      .where(and(eq(conversations.orgId, event.orgId), eq(conversations.id, event.conversationId)));
    return row ? { ...row, closed: event.conversationId } : null;
  }
  return null;
}

/** A file the visitor may fetch: attached to one of their own messages (or an agent's reply to them). */
export async function visitorFile(db: DbOrTx, channel: WebchatChannel, visitorId: string, attachmentId: number) {
  const [row] = await db
    .select({ storageKey: attachments.storageKey, mime: attachments.mime, filename: attachments.filename })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.messageId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contactIdentities, and(eq(contactIdentities.contactId, conversations.contactId), eq(contactIdentities.channelId, channel.id), eq(contactIdentities.externalId, visitorId)))
    .where(and(eq(attachments.orgId, channel.orgId), eq(attachments.id, attachmentId), eq(messages.channelId, channel.id), inArray(messages.direction, ["in", "out"])));
  return row ?? null;
}

// ---- writing

/** A visitor's first message is routed in the transaction that opens its conversation. */
const routedAt = (now: Date): AtOpening => (tx, opening) => openAtOpening(tx, opening, () => now);

/** The visitor writes: an inbound message like any channel's, so a conversation opens for agents. */
export async function visitorSays(db: DbOrTx, channel: WebchatChannel, visitorId: string, input: { body: string; clientId: string; replyId?: string }, now: Date): Promise<Change & { message: WidgetMessage | null }> {
  const body = input.body.trim();
  if (!body) throw new WidgetRefusal("empty");
  if (body.length > uploadRules(channel).textMaxLength) throw new WidgetRefusal("too_long");
  const result = await ingestInbound(db, {
    orgId: channel.orgId,
    channelId: channel.id,
    externalId: visitorId,
    contactName: visitorName(visitorId),
    body,
    providerMessageId: `wc:${visitorId}:${input.clientId}`,
    at: now,
    // A tap on a button the widget drew: answered like any channel's interactive reply.
    ...(input.replyId ? { metadata: { replyId: input.replyId } } : {}),
  }, routedAt(now));
  return { ...result, message: result.messageId ? await oneMessage(db, result.messageId) : null };
}

async function oneMessage(db: DbOrTx, id: number) {
  const rows = await db.select(messageColumns()).from(messages).leftJoin(users, eq(users.id, messages.authorId)).where(eq(messages.id, id));
  return (await withAttachments(db, rows))[0] ?? null;
}

const messageKindOf: Record<MediaKind, MessageKind> = { image: "image", video: "video", audio: "audio", voice: "voice", document: "file", sticker: "sticker" };

export interface Upload {
  bytes: Uint8Array;
  claimedMime: string;
  filename: string;
  voice: boolean;
  durationMs?: number;
  caption?: string;
  clientId: string;
}

/** Which media kind a sniffed type travels as on this channel, and its rule; null if none takes it. */
export function mediaRuleFor(channel: WebchatChannel, mime: string, voice: boolean) {
  const media = uploadRules(channel).media;
  const order: MediaKind[] = voice ? ["voice"] : ["image", "video", "audio", "document"];
  for (const kind of order) {
    const rule = media[kind];
    if (rule?.mimes.includes(mime)) return { kind, rule };
  }
  return null;
}

/**
 * The visitor sends a file or a voice note: typed by its bytes, checked against the channel's
 * limits, stored, and attached to a new inbound message in one transaction.
 */
export async function visitorSendsFile(db: DbOrTx, storage: Storage, channel: WebchatChannel, visitorId: string, upload: Upload, now: Date): Promise<Change & { message: WidgetMessage | null }> {
  if (upload.bytes.length === 0) throw new WidgetRefusal("empty");
  // A recorded voice note is audio whatever its container says (WebM and MP4 also carry video).
  const sniffed = sniffMime(upload.bytes.subarray(0, 4096), upload.filename ?? "");
  const mime = sniffed && upload.voice ? sniffed.replace(/^video\//, "audio/") : sniffed;
  const match = mime ? mediaRuleFor(channel, mime, upload.voice) : null;
  if (!mime || !match) throw new WidgetRefusal("bad_type");
  if (upload.bytes.length > match.rule.maxBytes) throw new WidgetRefusal("too_large");
  const filename = cleanFilename(upload.filename) || (upload.voice ? "voice-note" : "file");
  const caption = match.rule.caption ? (upload.caption ?? "").trim().slice(0, uploadRules(channel).textMaxLength) : "";
  const stored = await storeBytes(storage, channel.orgId, upload.bytes, mime, now);
  try {
    return await db.transaction(async (tx) => {
      const result = await ingestInbound(tx, {
        orgId: channel.orgId,
        channelId: channel.id,
        externalId: visitorId,
        contactName: visitorName(visitorId),
        kind: messageKindOf[match.kind],
        // Until the inbox draws attachments, agents read the caption or the file's name.
        body: caption || filename,
        providerMessageId: `wc:${visitorId}:${upload.clientId}`,
        metadata: { filename },
        at: now,
      }, routedAt(now));
      if (!result.messageId) {
        await storage.delete(stored.storageKey);
        return { ...result, message: null };
      }
      const [conv] = await tx.select({ contactId: conversations.contactId }).from(conversations).where(eq(conversations.id, result.conversationId));
      await tx.insert(attachments).values({
        orgId: channel.orgId,
        messageId: result.messageId,
        contactId: conv.contactId,
        ...stored,
        filename,
        mime,
        durationMs: upload.voice && upload.durationMs ? Math.round(upload.durationMs) : null,
        createdAt: now,
      });
      return { ...result, message: await oneMessage(tx, result.messageId) };
    });
  } catch (e) {
    await storage.delete(stored.storageKey).catch(() => {});
    throw e;
  }
}

function cleanFilename(name: string) {
  return name.replace(/[\\/\x00-\x1f\x7f]/g, "_").trim().slice(-200);
}

/**
 * The widget showed the agent's replies: they are read. Only messages already handed over (sent or
 * delivered) move, so the outbox never sees a state it did not expect.
 */
export async function visitorSaw(db: DbOrTx, channel: WebchatChannel, visitorId: string, upTo: number, now: Date): Promise<number[]> {
  return db.transaction(async (tx) => {
    const mine = tx
      .select({ id: messages.id })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(contactIdentities, and(eq(contactIdentities.contactId, conversations.contactId), eq(contactIdentities.channelId, channel.id), eq(contactIdentities.externalId, visitorId)))
      .where(and(eq(messages.channelId, channel.id), eq(messages.direction, "out"), inArray(messages.delivery, ["sent", "delivered"]), lte(messages.id, upTo)));
    const read = await tx
      .update(messages)
      .set({ delivery: "read", readAt: now })
      .where(and(eq(messages.orgId, channel.orgId), inArray(messages.id, mine)))
      .returning({ id: messages.id, conversationId: messages.conversationId });
    const eventIds: number[] = [];
    for (const m of read) {
      eventIds.push(await recordEvent(tx, { orgId: channel.orgId, type: "delivery_changed", conversationId: m.conversationId, data: { messageId: m.id, delivery: "read" }, createdAt: now }));
    }
    return eventIds;
  });
}
