// A local stand-in for Meta's Graph API (WhatsApp Cloud API, Messenger, Instagram Direct): Kanal
// calls it exactly as it calls graph.facebook.com (META_GRAPH_URL), and it pushes signed webhooks
// to Kanal. Tests drive it in-process (startFakeMeta); the demo runs it from cli.ts.
import { Hono, type Context } from "hono";
import { z } from "zod";
import { systemClock, type Clock } from "../../src/clock";
import {
  droppedConnection,
  failureError,
  failures,
  templateSendError,
  graphErrorResponse,
  invalidParameter,
  invalidToken,
  missingParameter,
  unknownObject,
  waGraphError,
  type Failure,
  type GraphError,
} from "./errors";
import {
  fb,
  messagingPayload,
  newAttachmentId,
  newInstagramMid,
  newMediaId,
  newMessengerMid,
  newWamid,
  wa,
  waError,
  whatsappPayload,
  type AttachmentType,
  type MessagingEvent,
  type MetaKind,
  type WaMedia,
  type WaMessage,
  type WaStatusName,
  type WaValueParts,
} from "./payloads";
import { legacySignatureOf, metaJson, signatureOf, type MetaJsonOptions } from "./sign";
import { fakeComments, type CommentInput } from "./comments";

// ---------------------------------------------------------------- types

export interface FakeChannel {
  kind: MetaKind;
  /** Phone number id (WhatsApp), page id (Messenger) or Instagram account id. */
  id: string;
  accessToken: string;
  appSecret: string;
  verifyToken?: string;
  /** Where webhooks go: Kanal's `{kanalUrl}/webhooks/{webhookKey}`. Without it nothing is pushed. */
  webhookUrl?: string;
  /** A label to pick the channel by (e.g. the webhook key, "demo-whatsapp"). */
  name?: string;
  /** WhatsApp Business Account id: the webhook entry's id. */
  wabaId?: string;
  displayPhoneNumber?: string;
  /** The app id echoes carry (Messenger/Instagram). */
  appId?: string;
}

export const channelSchema = z.object({
  kind: z.enum(["whatsapp", "messenger", "instagram"]),
  id: z.string().regex(/^\d+$/),
  accessToken: z.string().min(1),
  appSecret: z.string().min(1),
  verifyToken: z.string().optional(),
  webhookUrl: z.string().url().optional(),
  name: z.string().optional(),
  wabaId: z.string().optional(),
  displayPhoneNumber: z.string().optional(),
  appId: z.string().optional(),
});

export interface FailureRule {
  failure: Failure;
  /** How many matching sends fail (default 1), or every one until the rules are cleared. */
  times?: number | "always";
  /** Only sends to this recipient (wa_id, PSID or IGSID). */
  to?: string;
  /** Only sends through this channel (id or name). */
  channel?: string;
  /** WhatsApp's window error: 400 at once ("sync"), or 200 then a `failed` status webhook ("async", the default). */
  mode?: "sync" | "async";
}

export const ruleSchema = z.object({
  failure: z.enum(failures),
  times: z.union([z.number().int().positive(), z.literal("always")]).optional(),
  to: z.string().optional(),
  channel: z.string().optional(),
  mode: z.enum(["sync", "async"]).optional(),
});

export type ReceiptStep = "sent" | "delivered" | "read";

/** What the fake pushes after a message it accepted. */
export interface ReceiptOptions {
  enabled: boolean;
  /** In push order: ["sent","read","delivered"] reorders, ["read"] skips steps. Messenger has no "sent"; Instagram only "read". */
  sequence: ReceiptStep[];
  /** Before each push. */
  delayMs: number;
  /** Push every receipt twice. */
  duplicate: boolean;
  /** Messenger/Instagram: echo our own sends back (`is_echo: true`) before the receipts. */
  echo: boolean;
}

export const receiptSchema = z.object({
  enabled: z.boolean().optional(),
  sequence: z.array(z.enum(["sent", "delivered", "read"])).optional(),
  delayMs: z.number().int().min(0).optional(),
  duplicate: z.boolean().optional(),
  echo: z.boolean().optional(),
});

export type Operation =
  | "templates"
  | "profile"
  | "send"
  | "mark-read"
  | "typing"
  | "sender-action"
  | "upload"
  | "attachment-upload"
  | "media-url"
  | "download"
  | "delete-media"
  | "attachment-url"
  // Comments (comments.ts): public replies, private replies, hide/unhide, delete, a post's fields.
  | "comment-reply"
  | "private-reply"
  | "comment-hide"
  | "comment-delete"
  | "post"
  | "unknown";

/** Every request the fake answered, in order. */
export interface FakeRequest {
  at: Date;
  method: string;
  path: string;
  version?: string;
  operation: Operation;
  kind?: MetaKind;
  channel?: string;
  /** Parsed JSON, or the multipart fields with files summarised. */
  body?: unknown;
  /** 0 when the fake dropped the connection. */
  status: number;
  /** `null` when the fake dropped the connection. */
  response?: unknown;
}

export interface SentMedia {
  id?: string;
  link?: string;
  mimeType?: string;
  filename?: string;
  bytes?: Uint8Array;
}

/** A message the fake accepted (answered with a message id). */
export interface SentMessage {
  at: Date;
  kind: MetaKind;
  channel: string;
  to: string;
  /** WhatsApp `type`, or Messenger's `text` / attachment type. */
  type: string;
  text?: string;
  caption?: string;
  voice?: boolean;
  replyTo?: string;
  tag?: string;
  messageId: string;
  body: any;
  media?: SentMedia;
  /** `failed` when the fake reported a failure by webhook after accepting it. */
  outcome: "accepted" | "failed";
  failure?: { code: number; details: string };
}

export interface StoredMedia {
  id: string;
  channel: string;
  mimeType: string;
  bytes: Uint8Array<ArrayBuffer>;
  sha256Hex: string;
  filename?: string;
  createdAt: Date;
}

/** What `GET /{v}/{psid or igsid}` answers for a Messenger or Instagram user. */
export interface UserProfile {
  name: string;
  first_name?: string;
  last_name?: string;
  username?: string;
  profile_pic?: string;
}

export const profileSchema = z.object({
  id: z.string().regex(/^\d+$/),
  name: z.string().min(1),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  profile_pic: z.string().optional(),
});

export interface PushRecord {
  at: Date;
  channel: string;
  url: string;
  body: string;
  signature: string;
  /** Kanal's HTTP status, or null when the connection failed. */
  status: number | null;
  error?: string;
}

export interface PushOptions extends MetaJsonOptions {
  /** Send the same bytes twice (Meta's retries and duplicates). `push` returns the second status. */
  duplicate?: boolean;
  /** Sign with the wrong secret. */
  badSignature?: boolean;
  /** Leave the signature header out. */
  unsigned?: boolean;
}

export interface FakeMetaOptions {
  port?: number;
  hostname?: string;
  /** Origin written into media URLs; defaults to http://{publicHost}:{port}. */
  publicUrl?: string;
  /** The host name Kanal reaches this fake by, when publicUrl is not given (default localhost). */
  publicHost?: string;
  clock?: Clock;
  channels?: FakeChannel[];
  receipts?: Partial<ReceiptOptions>;
  /** WhatsApp media URLs from GET /{media-id} (Meta: 5 minutes). */
  mediaUrlTtlMs?: number;
  /** Messenger/Instagram attachment URLs in webhooks. */
  attachmentUrlTtlMs?: number;
  /** Fetch media given by link/URL in sends, as Meta does (fails the send when unreachable). */
  fetchLinks?: boolean;
  /** The WABA's message templates (defaults: a few approved ones and one pending). */
  templates?: { name: string; language: string; status: string; category: string; components: { type: string; text?: string; format?: string }[] }[];
  /** Called with each push's outcome (the CLI prints them). */
  onPush?: (push: PushRecord) => void;
}

const MB = 1024 * 1024;

/** What WhatsApp's /media accepts, by MIME type (channels.md §3). */
const whatsappUploads: Record<string, number> = {
  "image/jpeg": 5 * MB,
  "image/png": 5 * MB,
  "audio/aac": 16 * MB,
  "audio/amr": 16 * MB,
  "audio/mpeg": 16 * MB,
  "audio/mp4": 16 * MB,
  "audio/ogg": 16 * MB,
  "video/mp4": 16 * MB,
  "video/3gpp": 16 * MB,
  "image/webp": 500 * 1024,
  "text/plain": 100 * MB,
  "application/pdf": 100 * MB,
  "application/msword": 100 * MB,
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": 100 * MB,
  "application/vnd.ms-excel": 100 * MB,
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": 100 * MB,
  "application/vnd.ms-powerpoint": 100 * MB,
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": 100 * MB,
};

const textLimit: Record<MetaKind, number> = { whatsapp: 4096, messenger: 2000, instagram: 1000 };
/**
 * What WhatsApp refuses in an interactive message (reply buttons: 1–3, titles up to 20 characters,
 * unique ids up to 256; lists: a button label up to 20, 1–10 rows in all, row titles up to 24;
 * the body up to 1024 characters). Null when it would be accepted.
 */
function interactiveProblem(content: any): string | null {
  const body = content.body?.text;
  if (typeof body !== "string" || !body) return "Parameter 'interactive['body']['text']' is required.";
  if (Array.from(body).length > 1024) return "Param interactive['body']['text'] must be at most 1024 characters long.";
  const choices: any[] = [];
  if (content.type === "button") {
    const buttons = content.action?.buttons;
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) return "Param interactive['action']['buttons'] must have between 1 and 3 elements.";
    for (const b of buttons) {
      if (b?.type !== "reply") return "Param interactive['action']['buttons'][]['type'] must be one of {reply}.";
      if (typeof b.reply?.title !== "string" || !b.reply.title || Array.from(b.reply.title).length > 20) return "Param interactive['action']['buttons'][]['reply']['title'] must be between 1 and 20 characters long.";
      choices.push(b.reply);
    }
  } else if (content.type === "list") {
    const button = content.action?.button;
    if (typeof button !== "string" || !button || Array.from(button).length > 20) return "Param interactive['action']['button'] must be between 1 and 20 characters long.";
    const sections = content.action?.sections;
    if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10) return "Param interactive['action']['sections'] must have between 1 and 10 elements.";
    for (const s of sections) for (const r of Array.isArray(s?.rows) ? s.rows : []) {
      if (typeof r?.title !== "string" || !r.title || Array.from(r.title).length > 24) return "Param interactive['action']['sections'][]['rows'][]['title'] must be between 1 and 24 characters long.";
      choices.push(r);
    }
    if (choices.length < 1 || choices.length > 10) return "Total row count exceed max allowed count: 10";
  } else return "Param interactive['type'] must be one of {button, list, product, product_list, cta_url, flow, location_request_message}.";
  const ids = choices.map((c) => c.id);
  if (ids.some((id) => typeof id !== "string" || !id || id.length > 256)) return "Param interactive choice ids must be between 1 and 256 characters long.";
  if (new Set(ids).size !== ids.length) return "Button or row ids must be unique.";
  return null;
}

/** Messenger and Instagram: up to 13 quick replies, each `content_type: "text"` with a title up to 20 characters and a payload up to 1000. */
function quickRepliesProblem(replies: any): string | null {
  if (!Array.isArray(replies) || replies.length < 1 || replies.length > 13) return "param message[quick_replies] must have between 1 and 13 elements";
  for (const r of replies) {
    if (!["text", "user_phone_number", "user_email"].includes(r?.content_type)) return "param message[quick_replies][content_type] must be one of {text, user_phone_number, user_email}";
    if (r.content_type === "text" && (typeof r.title !== "string" || !r.title || Array.from(r.title).length > 20)) return "param message[quick_replies][title] must be at most 20 characters";
    if (r.content_type === "text" && (typeof r.payload !== "string" || !r.payload || r.payload.length > 1000)) return "param message[quick_replies][payload] is required";
  }
  return null;
}

const whatsappTypes = ["text", "image", "video", "audio", "document", "sticker", "location", "contacts", "interactive", "template", "reaction"];
const captioned = ["image", "video", "document"];
const mediaTypes = ["image", "video", "audio", "document", "sticker"];
const attachmentTypes = ["image", "audio", "video", "file", "template"];

const bareMime = (mime: string) => mime.split(";")[0].trim().toLowerCase();
const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest();
const token = () => Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
const codePoints = (text: string) => [...text].length;

/** POSTs webhook bytes the way Meta does: signed (sha256 and the legacy sha1), as facebookexternalua. */
export async function postWebhook(url: string, body: string, appSecret: string, opts: Pick<PushOptions, "badSignature" | "unsigned"> = {}) {
  const signature = signatureOf(body, opts.badSignature ? appSecret + "-wrong" : appSecret);
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "facebookexternalua" };
  if (!opts.unsigned) {
    headers["x-hub-signature-256"] = signature;
    headers["x-hub-signature"] = legacySignatureOf(body, appSecret);
  }
  // Meta gives a webhook 20 s before it counts as failed.
  const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(20_000) });
  return { response, signature: opts.unsigned ? "" : signature };
}

// ---------------------------------------------------------------- the fake

export type FakeMeta = Awaited<ReturnType<typeof startFakeMeta>>;

export async function startFakeMeta(options: FakeMetaOptions = {}) {
  const clock = options.clock ?? systemClock;
  const mediaUrlTtlMs = options.mediaUrlTtlMs ?? 5 * 60_000;
  const attachmentUrlTtlMs = options.attachmentUrlTtlMs ?? 60 * 60_000;
  const fetchLinks = options.fetchLinks ?? true;

  const channels = new Map<string, FakeChannel>();
  const media = new Map<string, StoredMedia>();
  const profiles = new Map<string, UserProfile>();
  /** Download tokens: WhatsApp (bearer needed) and Messenger/Instagram CDN (signed URL only). */
  const links = new Map<string, { mediaId: string; expiresAt: number; bearer: boolean }>();
  const rules: (FailureRule & { left: number })[] = [];
  const receipts: ReceiptOptions = { enabled: true, sequence: ["sent", "delivered", "read"], delayMs: 20, duplicate: false, echo: false, ...options.receipts };
  const requests: FakeRequest[] = [];
  const sent: SentMessage[] = [];
  const pushes: PushRecord[] = [];
  const pending = new Set<Promise<unknown>>();
  /** Templates every WABA has (approved unless said otherwise), for the composer after the 24-hour window. */
  const templates: { name: string; language: string; status: string; category: string; components: { type: string; text?: string; format?: string }[] }[] = options.templates ?? [
    { name: "order_update", language: "tr", status: "APPROVED", category: "UTILITY", components: [{ type: "BODY", text: "Merhaba {{1}}, {{2}} numaralı siparişiniz kargoya verildi." }] },
    { name: "order_update", language: "en", status: "APPROVED", category: "UTILITY", components: [{ type: "BODY", text: "Hello {{1}}, your order {{2}} has shipped." }] },
    { name: "follow_up", language: "en", status: "APPROVED", category: "MARKETING", components: [{ type: "BODY", text: "Hi! We are following up on your last conversation with us. Reply to continue." }] },
    { name: "promo_draft", language: "en", status: "PENDING", category: "MARKETING", components: [{ type: "BODY", text: "Not yet approved." }] },
  ];
  let baseUrl = "";

  // ---------------- registry

  function register(input: FakeChannel): FakeChannel {
    const channel = { ...channelSchema.parse(input) } as FakeChannel;
    if (channel.kind === "whatsapp") {
      channel.wabaId ??= "310000000000001";
      channel.displayPhoneNumber ??= "15550001111";
    } else {
      channel.appId ??= "1234567890123456";
    }
    channels.set(channel.id, channel);
    return channel;
  }

  /** A channel by id or name; without one, the only channel of that kind. */
  function channelOf(kind: MetaKind, ref?: string | FakeChannel): FakeChannel {
    if (ref && typeof ref === "object") return ref;
    const candidates = [...channels.values()].filter((c) => c.kind === kind && (!ref || c.id === ref || c.name === ref));
    if (candidates.length !== 1) throw new Error(`fake-meta: ${candidates.length} ${kind} channels match ${ref ?? "(none given)"}; register one or name it`);
    return candidates[0];
  }

  /** Gives a Messenger/Instagram user a name (and optional fields) that profile lookups answer with. */
  function setProfile(id: string, profile: UserProfile | string) {
    const p = typeof profile === "string" ? { name: profile } : profile;
    const [first, ...rest] = p.name.split(" ");
    profiles.set(id, { first_name: first, last_name: rest.join(" ") || undefined, ...p });
  }

  // ---------------- media

  /** Files whose downloads fail a number of times first (the CLI's --media-fails): a CDN having a bad day. */
  const failingMedia = new Map<string, number>();
  /** Whether this download of the file fails (503), counting down its failures. */
  const failsNow = (id: string) => {
    const left = failingMedia.get(id) ?? 0;
    if (left <= 0) return false;
    failingMedia.set(id, left - 1);
    return true;
  };

  const mediaStore = {
    put(bytes: Uint8Array, mimeType: string, owner: { channel: string; filename?: string; id?: string }): StoredMedia {
      const item: StoredMedia = {
        id: owner.id ?? newMediaId(),
        channel: owner.channel,
        mimeType,
        bytes: new Uint8Array(bytes),
        sha256Hex: sha256(bytes).toString("hex"),
        filename: owner.filename,
        createdAt: clock.now(),
      };
      media.set(item.id, item);
      return item;
    },
    get: (id: string) => media.get(id),
    all: () => [...media.values()],
    /** The shape a WhatsApp webhook names media by (sha256 as base64, as Meta writes it there). */
    asWebhookMedia: (item: StoredMedia): WaMedia => ({ id: item.id, mime_type: item.mimeType, sha256: sha256(item.bytes).toString("base64") }),
    /** A WhatsApp download URL, valid mediaUrlTtlMs from now, downloadable with the owner's bearer token. */
    downloadUrl(id: string): string {
      const hash = token();
      const expiresAt = clock.now().getTime() + mediaUrlTtlMs;
      links.set(hash, { mediaId: id, expiresAt, bearer: true });
      return `${baseUrl}/whatsapp_business/attachments/?mid=${id}&ext=${Math.floor(expiresAt / 1000)}&hash=${hash}`;
    },
    /** A Messenger/Instagram CDN-style signed URL (no token needed), valid attachmentUrlTtlMs from now. */
    attachmentUrl(id: string, ttlMs = attachmentUrlTtlMs): string {
      const key = token();
      const expiresAt = clock.now().getTime() + ttlMs;
      links.set(key, { mediaId: id, expiresAt, bearer: false });
      const ext = media.get(id)?.mimeType.split("/")[1]?.split(";")[0] ?? "bin";
      return `${baseUrl}/cdn/${key}/${id}_n.${ext}?_nc_cat=1&oh=${key.slice(0, 12)}&oe=${Math.floor(expiresAt / 1000).toString(16).toUpperCase()}`;
    },
  };

  // ---------------- pushing webhooks

  function track<T>(work: Promise<T>): Promise<T> {
    pending.add(work);
    work.finally(() => pending.delete(work)).catch(() => {});
    return work;
  }

  async function deliver(channel: FakeChannel, body: string, opts: PushOptions): Promise<number> {
    if (!channel.webhookUrl) throw new Error(`fake-meta: channel ${channel.id} has no webhookUrl`);
    const record: PushRecord = { at: clock.now(), channel: channel.id, url: channel.webhookUrl, body, signature: "", status: null };
    pushes.push(record);
    try {
      const res = await postWebhook(channel.webhookUrl, body, channel.appSecret, opts);
      record.signature = res.signature;
      await res.response.arrayBuffer();
      record.status = res.response.status;
      return res.response.status;
    } catch (error) {
      record.error = (error as Error).message;
      throw new Error(`fake-meta: webhook ${channel.webhookUrl} unreachable: ${record.error}`);
    } finally {
      options.onPush?.(record);
    }
  }

  /** Signs and POSTs a payload (object or exact text) to the channel's webhook; resolves to Kanal's status. */
  function push(payload: unknown, ref: string | FakeChannel, opts: PushOptions = {}): Promise<number> {
    const channel = typeof ref === "object" ? ref : channels.get(ref) ?? [...channels.values()].find((c) => c.name === ref);
    if (!channel) throw new Error(`fake-meta: no channel ${String(ref)}`);
    const body = typeof payload === "string" ? payload : metaJson(payload, opts);
    return track(
      (async () => {
        const first = await deliver(channel, body, opts);
        return opts.duplicate ? deliver(channel, body, opts) : first;
      })(),
    );
  }

  /** Pushes in the background (receipts): failures are recorded, never thrown. */
  function later(delayMs: number, work: () => Promise<unknown>) {
    track(Bun.sleep(delayMs).then(work).catch(() => {}));
  }

  async function verify(ref?: string, kind: MetaKind = "whatsapp") {
    const channel = channelOf(kind, ref);
    const challenge = String(Math.floor(Math.random() * 1e9));
    const url = new URL(channel.webhookUrl!);
    url.searchParams.set("hub.mode", "subscribe");
    url.searchParams.set("hub.challenge", challenge);
    url.searchParams.set("hub.verify_token", channel.verifyToken ?? "");
    const res = await fetch(url);
    const body = await res.text();
    return { status: res.status, body, ok: res.status === 200 && body === challenge };
  }

  // ---------------- inbound helpers

  interface To {
    channel?: string;
  }

  async function pushWhatsApp(parts: WaValueParts | WaValueParts[], opts: PushOptions & To = {}) {
    const channel = channelOf("whatsapp", opts.channel);
    const payload = whatsappPayload(channel as Required<FakeChannel>, ...(Array.isArray(parts) ? parts : [parts]));
    return { status: await push(payload, channel, opts), payload };
  }

  async function pushWhatsAppMessage(message: WaMessage, name: string | undefined, opts: PushOptions & To) {
    const { status, payload } = await pushWhatsApp({ contacts: [{ name: name ?? "Customer", waId: message.from }], messages: [message] }, opts);
    return { status, payload, message };
  }

  type WaMediaKind = "image" | "video" | "audio" | "voice" | "document" | "sticker";

  function messagingPush(kind: "messenger" | "instagram") {
    const events = async (list: MessagingEvent[], opts: PushOptions & To = {}) => {
      const channel = channelOf(kind, opts.channel);
      const payload = messagingPayload(kind, channel.id, list, clock.now());
      return { status: await push(payload, channel, opts), payload };
    };
    const newMid = kind === "messenger" ? newMessengerMid : newInstagramMid;
    return {
      events,
      text: async (m: { from: string; name?: string; text: string; replyTo?: string } & PushOptions & To) => {
        const channel = channelOf(kind, m.channel);
        if (m.name) setProfile(m.from, m.name);
        const event = fb.text({ from: m.from, to: channel.id, text: m.text, mid: newMid(), replyTo: m.replyTo, at: clock.now() });
        return { ...(await events([event], m)), event, mid: (event.message as { mid: string }).mid };
      },
      /** Stores the bytes and pushes a message whose attachment URL the fake serves. */
      attachment: async (m: { from: string; name?: string; type: AttachmentType; bytes: Uint8Array; mimeType: string; text?: string } & PushOptions & To) => {
        const channel = channelOf(kind, m.channel);
        if (m.name) setProfile(m.from, m.name);
        const item = mediaStore.put(m.bytes, m.mimeType, { channel: channel.id });
        const url = mediaStore.attachmentUrl(item.id);
        const event = fb.attachments({ from: m.from, to: channel.id, mid: newMid(), attachments: [{ type: m.type, url }], text: m.text, at: clock.now() });
        return { ...(await events([event], m)), event, url, media: item, mid: (event.message as { mid: string }).mid };
      },
      reaction: async (m: { from: string; mid: string; emoji: string; action?: "react" | "unreact" } & PushOptions & To) => {
        const channel = channelOf(kind, m.channel);
        return events([fb.reaction({ from: m.from, to: channel.id, mid: m.mid, emoji: m.emoji, action: m.action, reaction: "love", at: clock.now() })], m);
      },
      read: async (m: { from: string; mid?: string } & PushOptions & To) => {
        const channel = channelOf(kind, m.channel);
        const base = { from: m.from, to: channel.id, at: clock.now() };
        return events([kind === "instagram" && m.mid ? fb.read({ ...base, mid: m.mid }) : fb.read({ ...base, watermark: clock.now().getTime() })], m);
      },
      /** A tap on a quick reply Kanal sent: the title as text, the payload in `quick_reply`. */
      quickReply: async (m: { from: string; name?: string; title: string; payload: string } & PushOptions & To) => {
        const channel = channelOf(kind, m.channel);
        if (m.name) setProfile(m.from, m.name);
        const event = fb.text({ from: m.from, to: channel.id, text: m.title, mid: newMid(), quickReplyPayload: m.payload, at: clock.now() });
        return { ...(await events([event], m)), event };
      },
      /** A tap on a postback button (Messenger's persistent menu, button templates). */
      postback: async (m: { from: string; name?: string; title: string; payload: string } & PushOptions & To) => {
        const channel = channelOf(kind, m.channel);
        if (m.name) setProfile(m.from, m.name);
        const event = fb.postback({ from: m.from, to: channel.id, title: m.title, payload: m.payload, mid: newMid(), at: clock.now() });
        return { ...(await events([event], m)), event };
      },
      echo: async (m: { to: string; text: string; appId?: string } & PushOptions & To) => {
        const channel = channelOf(kind, m.channel);
        return events([fb.echo({ page: channel.id, to: m.to, text: m.text, mid: newMid(), appId: m.appId ?? channel.appId!, at: clock.now() })], m);
      },
    };
  }
  const messenger = messagingPush("messenger");
  const instagram = messagingPush("instagram");

  // ---------------- receipts and failures after a send

  function matchRule(channel: FakeChannel, to: string): FailureRule | undefined {
    const digits = (id: string) => id.replace(/\D/g, "");
    const index = rules.findIndex((r) => (!r.to || digits(r.to) === digits(to)) && (!r.channel || r.channel === channel.id || r.channel === channel.name));
    if (index < 0) return undefined;
    const rule = rules[index];
    if (rule.times !== "always" && --rule.left <= 0) rules.splice(index, 1);
    return rule;
  }

  function pushWhatsAppFailure(channel: FakeChannel, message: SentMessage, code: number, details?: string) {
    const error = waError(code, details);
    message.outcome = "failed";
    message.failure = { code, details: error.error_data.details };
    later(receipts.delayMs, () =>
      push(whatsappPayload(channel as Required<FakeChannel>, { statuses: [wa.status({ id: message.messageId, status: "failed", recipient: message.to, at: clock.now(), errors: [error], callbackData: message.body?.biz_opaque_callback_data })] }), channel),
    );
  }

  function scheduleReceipts(channel: FakeChannel, message: SentMessage) {
    const steps: (() => unknown)[] = [];
    if (channel.kind !== "whatsapp" && receipts.echo) {
      steps.push(() =>
        messagingPayload(channel.kind as "messenger", channel.id, [fb.echo({ page: channel.id, to: message.to, mid: message.messageId, appId: channel.appId!, text: message.text, metadata: message.body?.message?.metadata, at: clock.now() })], clock.now()),
      );
    }
    if (receipts.enabled) {
      for (const step of receipts.sequence) {
        if (channel.kind === "whatsapp") {
          steps.push(() =>
            whatsappPayload(channel as Required<FakeChannel>, { statuses: [wa.status({ id: message.messageId, status: step as WaStatusName, recipient: message.to, at: clock.now(), callbackData: message.body?.biz_opaque_callback_data })] }),
          );
        } else if (step === "delivered" && channel.kind === "messenger") {
          steps.push(() => messagingPayload("messenger", channel.id, [fb.delivery({ from: message.to, to: channel.id, mids: [message.messageId], at: clock.now() })], clock.now()));
        } else if (step === "read") {
          const read = () =>
            channel.kind === "instagram"
              ? fb.read({ from: message.to, to: channel.id, mid: message.messageId, at: clock.now() })
              : fb.read({ from: message.to, to: channel.id, watermark: clock.now().getTime(), at: clock.now() });
          steps.push(() => messagingPayload(channel.kind as "messenger", channel.id, [read()], clock.now()));
        }
      }
    }
    if (steps.length === 0 || !channel.webhookUrl) return;
    const { delayMs, duplicate } = receipts;
    // One chain, so the order asked for is the order Kanal sees.
    later(delayMs, async () => {
      for (const [i, step] of steps.entries()) {
        if (i > 0) await Bun.sleep(delayMs);
        await push(step(), channel, { duplicate }).catch(() => {});
      }
    });
  }

  // ---------------- HTTP

  const app = new Hono();

  function record(c: Context, rec: Partial<FakeRequest>): FakeRequest {
    const url = new URL(c.req.url);
    const entry: FakeRequest = { at: clock.now(), method: c.req.method, path: url.pathname + url.search, operation: "unknown", status: 0, ...rec };
    requests.push(entry);
    return entry;
  }

  async function answer(rec: FakeRequest, res: Response | { status: number; error: GraphError } | { json: unknown; status?: number }): Promise<Response> {
    let response: Response;
    if (res instanceof Response) response = res;
    else if ("error" in res) response = graphErrorResponse(res.status, res.error);
    else response = Response.json(res.json, { status: res.status ?? 200 });
    rec.status = response.status;
    const type = response.headers.get("content-type") ?? "";
    if (type.includes("json")) rec.response = await response.clone().json();
    return response;
  }

  const bearerOf = (c: Context) => c.req.header("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1] ?? c.req.query("access_token");

  /** Graph answers 190 for a token that belongs to no channel, or not to this one. */
  const authorized = (c: Context, channel: FakeChannel | undefined) => {
    const bearer = bearerOf(c);
    return bearer !== undefined && (channel ? channel.accessToken === bearer : [...channels.values()].some((ch) => ch.accessToken === bearer));
  };

  async function readJson(c: Context): Promise<any> {
    const type = c.req.header("content-type") ?? "";
    if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
      const form = await c.req.parseBody();
      return Object.fromEntries(
        Object.entries(form).map(([k, v]) => {
          if (typeof v !== "string") return [k, v];
          try {
            return [k, JSON.parse(v)];
          } catch {
            return [k, v];
          }
        }),
      );
    }
    try {
      return await c.req.json();
    } catch {
      return undefined;
    }
  }

  const summariseForm = (form: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v instanceof File ? { file: v.name, type: v.type, size: v.size } : v]));

  async function fetchBytes(url: string): Promise<{ bytes: Uint8Array; mimeType: string } | null> {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) return null;
      return { bytes: new Uint8Array(await res.arrayBuffer()), mimeType: bareMime(res.headers.get("content-type") ?? "application/octet-stream") };
    } catch {
      return null;
    }
  }

  const versionOk = (v: string) => /^v\d+\.\d+$/.test(v);

  const comments = fakeComments({
    app,
    clock,
    channels,
    channelOf,
    record,
    answer,
    authorized,
    readJson,
    push,
    putMedia: (bytes, mimeType, channel) => mediaStore.put(bytes, mimeType, { channel }),
    mediaUrl: (id) => mediaStore.attachmentUrl(id),
  });

  // Control API for tests and the CLI.
  /** A comment (or a change to one) pushed to Kanal: `bun run fake-meta comment`. */
  app.post("/_fake/comments", async (c) => {
    const body = (await c.req.json().catch(() => null)) as CommentInput | null;
    if (!body || typeof body !== "object") return c.json({ error: "a JSON comment is required" }, 400);
    try {
      const { status, comment, post } = await comments.pushComment(body);
      return c.json({ status, commentId: comment.id, postId: post.id, permalink: post.permalink });
    } catch (e) {
      return c.json({ error: (e as Error).message }, 400);
    }
  });
  app.get("/_fake", (c) => c.json({ channels: [...channels.values()], rules, receipts }));
  app.get("/_fake/channels", (c) => c.json([...channels.values()]));
  app.post("/_fake/channels", async (c) => {
    const body = await c.req.json().catch(() => null);
    const parsed = z.union([channelSchema, z.array(channelSchema)]).safeParse(body);
    if (!parsed.success) return c.json({ error: parsed.error.issues }, 400);
    const list = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
    return c.json(list.map((ch) => register(ch as FakeChannel)), 201);
  });
  app.get("/_fake/rules", (c) => c.json(rules));
  app.post("/_fake/rules", async (c) => {
    const parsed = z.union([ruleSchema, z.array(ruleSchema)]).safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.issues }, 400);
    for (const rule of Array.isArray(parsed.data) ? parsed.data : [parsed.data]) failNext(rule.failure, rule);
    return c.json(rules, 201);
  });
  app.delete("/_fake/rules", (c) => {
    rules.length = 0;
    return c.json(rules);
  });
  app.get("/_fake/receipts", (c) => c.json(receipts));
  app.post("/_fake/receipts", async (c) => {
    const parsed = receiptSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.issues }, 400);
    Object.assign(receipts, parsed.data);
    return c.json(receipts);
  });
  app.get("/_fake/requests", (c) => c.json(requests));
  app.get("/_fake/sent", (c) => c.json(sent.map((s) => ({ ...s, media: s.media && { ...s.media, bytes: s.media.bytes?.length } }))));
  app.get("/_fake/pushes", (c) => c.json(pushes));
  app.post("/_fake/reset", (c) => {
    reset();
    return c.json({ ok: true });
  });
  app.post("/_fake/profiles", async (c) => {
    const parsed = profileSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.issues }, 400);
    const { id, ...profile } = parsed.data;
    setProfile(id, profile);
    return c.json({ id, ...profiles.get(id) }, 201);
  });
  /** Stores a file for a channel (the CLI's --image/--voice): the id and URL a webhook can name. */
  app.post("/_fake/media", async (c) => {
    const form = await c.req.parseBody();
    const file = form.file;
    const channel = typeof form.channel === "string" ? [...channels.values()].find((ch) => ch.id === form.channel || ch.name === form.channel) : undefined;
    if (!(file instanceof File) || !channel) return c.json({ error: "file and a registered channel are required" }, 400);
    const mimeType = typeof form.type === "string" && form.type ? form.type : bareMime(file.type || "application/octet-stream");
    const item = mediaStore.put(new Uint8Array(await file.arrayBuffer()), mimeType, { channel: channel.id, filename: file.name });
    // `fail`: how many downloads of it fail before one works ("always": every one).
    if (typeof form.fail === "string" && form.fail) failingMedia.set(item.id, form.fail === "always" ? Number.POSITIVE_INFINITY : Math.max(0, Number(form.fail) || 0));
    // A story's link (`story=1`) works as long as the story lives: 24 hours.
    const ttl = form.story === "1" ? 24 * 60 * 60_000 : undefined;
    return c.json({ ...mediaStore.asWebhookMedia(item), url: channel.kind === "whatsapp" ? undefined : mediaStore.attachmentUrl(item.id, ttl) }, 201);
  });

  // Downloads.
  app.get("/whatsapp_business/attachments/", (c) => {
    const rec = record(c, { operation: "download", kind: "whatsapp" });
    const link = links.get(c.req.query("hash") ?? "");
    const item = link?.bearer ? media.get(link.mediaId) : undefined;
    if (!link || !item) return answer(rec, new Response("Not Found", { status: 404 }));
    rec.channel = item.channel;
    if (!authorized(c, channels.get(item.channel))) return answer(rec, { status: 401, error: invalidToken });
    // [U] What lookaside answers for an expired URL; a refusal either way.
    if (clock.now().getTime() > link.expiresAt) return answer(rec, new Response("URL signature expired", { status: 404 }));
    if (failsNow(item.id)) return answer(rec, new Response("Service Unavailable", { status: 503 }));
    return answer(rec, new Response(item.bytes, { headers: { "content-type": item.mimeType, "content-length": String(item.bytes.length) } }));
  });
  app.get("/cdn/:key/:name", (c) => {
    const rec = record(c, { operation: "attachment-url" });
    const link = links.get(c.req.param("key"));
    const item = link && !link.bearer ? media.get(link.mediaId) : undefined;
    if (!link || !item) return answer(rec, new Response("Not Found", { status: 404 }));
    rec.channel = item.channel;
    rec.kind = channels.get(item.channel)?.kind;
    if (clock.now().getTime() > link.expiresAt) return answer(rec, new Response("URL signature expired", { status: 403 }));
    if (failsNow(item.id)) return answer(rec, new Response("Service Unavailable", { status: 503 }));
    return answer(rec, new Response(item.bytes, { headers: { "content-type": item.mimeType, "content-length": String(item.bytes.length) } }));
  });

  // Graph API.
  app.post("/:version/:id/messages", async (c) => {
    const { version, id } = c.req.param();
    const channel = channels.get(id);
    const body = await readJson(c);
    const rec = record(c, { operation: "send", version, channel: id, kind: channel?.kind, body });
    if (!versionOk(version)) return answer(rec, { status: 400, error: { message: `Unknown path components: /${version}/${id}/messages`, code: 2500 } });
    if (!authorized(c, undefined)) return answer(rec, { status: 401, error: invalidToken });
    if (!channel) return answer(rec, { status: 400, error: unknownObject(id) });
    if (!authorized(c, channel)) return answer(rec, { status: 401, error: invalidToken });
    if (body === undefined || typeof body !== "object") return answer(rec, { status: 400, error: invalidParameter(channel.kind, "Invalid parameter") });
    if (channel.kind !== "whatsapp" && body.recipient?.comment_id !== undefined) return comments.privateReply(channel, body, rec);
    return channel.kind === "whatsapp" ? sendWhatsApp(channel, body, rec) : sendMessaging(channel, body, rec);
  });

  async function sendWhatsApp(channel: FakeChannel, body: any, rec: FakeRequest): Promise<Response> {
    const bad = (details: string) => answer(rec, { status: 400, error: invalidParameter("whatsapp", details) });
    const missing = (details: string) => answer(rec, { status: 400, error: missingParameter(details) });
    if (body.messaging_product !== "whatsapp") return bad("The parameter messaging_product is required.");
    if (body.status === "read") {
      rec.operation = "mark-read";
      if (typeof body.message_id !== "string") return missing("Parameter 'message_id' is required.");
      // Cloud API: a read receipt may carry a typing indicator; "text" is the only type.
      if (body.typing_indicator !== undefined) {
        rec.operation = "typing";
        if (body.typing_indicator?.type !== "text") return bad("Param typing_indicator['type'] must be one of {text}.");
      }
      return answer(rec, { json: { success: true } });
    }
    if (typeof body.to !== "string" || !body.to) return missing("Parameter 'to' is required.");
    const type: string = body.type ?? "text";
    if (!whatsappTypes.includes(type)) return bad(`Param type must be one of {${whatsappTypes.join(", ")}} - got "${type}".`);
    const content = body[type];
    if (!content || typeof content !== "object") return missing(`Parameter '${type}' is required.`);
    if (body.recipient_type !== undefined && body.recipient_type !== "individual") return bad("Param recipient_type must be one of {individual}.");

    const sentMedia: SentMedia | undefined = mediaTypes.includes(type) ? { id: content.id, link: content.link, filename: content.filename } : undefined;
    if (type === "text") {
      if (typeof content.body !== "string" || !content.body) return missing("Parameter 'body' is required.");
      if (codePoints(content.body) > textLimit.whatsapp) return bad(`Param text['body'] must be at most ${textLimit.whatsapp} characters long.`);
    }
    if (sentMedia) {
      if (!content.id && !content.link) return missing(`Parameter '${type}' must have 'id' or 'link'.`);
      if (content.caption !== undefined && !captioned.includes(type)) return bad(`Param ${type}['caption'] is not allowed for ${type} messages.`);
      if (typeof content.caption === "string" && codePoints(content.caption) > 1024) return bad(`Param ${type}['caption'] must be at most 1024 characters long.`);
    }
    if (type === "reaction" && typeof content.message_id !== "string") return missing("Parameter 'message_id' is required.");
    if (type === "interactive") {
      const problem = interactiveProblem(content);
      if (problem) return bad(problem);
    }
    if (type === "template" && (!content.name || !content.language?.code)) return missing("Parameter 'name' and 'language' are required.");
    const refused = type === "template" ? templateSendError(templates, content) : null;
    if (refused) return answer(rec, refused);

    const to = body.to.replace(/\D/g, "");
    const rule = matchRule(channel, to);
    if (rule?.failure === "network") {
      rec.response = null;
      return droppedConnection();
    }
    const asyncWindow = rule?.failure === "window" && rule.mode !== "sync";
    if (rule && !asyncWindow) return answer(rec, failureError("whatsapp", rule.failure as Exclude<Failure, "network">));

    const message: SentMessage = {
      at: clock.now(),
      kind: "whatsapp",
      channel: channel.id,
      to,
      type,
      text: type === "text" ? content.body : type === "interactive" ? content.body?.text : undefined,
      caption: content.caption,
      voice: type === "audio" ? content.voice === true : undefined,
      replyTo: body.context?.message_id,
      messageId: newWamid(to),
      body,
      media: sentMedia,
      outcome: "accepted",
    };
    sent.push(message);
    const response = answer(rec, {
      json: { messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: to }], messages: [{ id: message.messageId, message_status: "accepted" }] },
    });

    if (asyncWindow) pushWhatsAppFailure(channel, message, 131047);
    else if (sentMedia) track(resolveWhatsAppMedia(channel, message, sentMedia));
    else scheduleReceipts(channel, message);
    await held;
    return response;
  }

  /** Meta fetches media after accepting the send; a problem arrives as a `failed` status (131053). */
  async function resolveWhatsAppMedia(channel: FakeChannel, message: SentMessage, sentMedia: SentMedia) {
    if (sentMedia.id) {
      const item = media.get(sentMedia.id);
      if (!item) return pushWhatsAppFailure(channel, message, 131053, "Media id not found or expired.");
      Object.assign(sentMedia, { mimeType: item.mimeType, bytes: item.bytes, filename: sentMedia.filename ?? item.filename });
    } else if (fetchLinks) {
      const fetched = await fetchBytes(sentMedia.link!);
      if (!fetched) return pushWhatsAppFailure(channel, message, 131053, "Downloading media from the provided URL failed.");
      Object.assign(sentMedia, fetched);
    }
    if (message.voice && sentMedia.mimeType && bareMime(sentMedia.mimeType) !== "audio/ogg") {
      return pushWhatsAppFailure(channel, message, 131053, "Voice messages must be OGG files with the OPUS codec.");
    }
    scheduleReceipts(channel, message);
  }

  async function sendMessaging(channel: FakeChannel, body: any, rec: FakeRequest): Promise<Response> {
    const kind = channel.kind;
    const bad = (details: string, subcode?: number) => answer(rec, { status: 400, error: { ...invalidParameter(kind, details), ...(subcode && { error_subcode: subcode }) } });
    const recipient = body.recipient?.id;
    if (typeof recipient !== "string" || !recipient) return bad("param recipient must be non-empty.");
    if (body.sender_action !== undefined) {
      rec.operation = "sender-action";
      if (!["typing_on", "typing_off", "mark_seen", "react", "unreact"].includes(body.sender_action)) return bad("param sender_action must be one of {typing_on, typing_off, mark_seen}");
      return answer(rec, { json: { recipient_id: recipient } });
    }
    if (!["RESPONSE", "UPDATE", "MESSAGE_TAG"].includes(body.messaging_type)) return bad("param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}");
    if (body.messaging_type === "MESSAGE_TAG" && typeof body.tag !== "string") return bad("param tag is required when messaging_type is MESSAGE_TAG");
    const message = body.message;
    if (!message || typeof message !== "object" || (message.text === undefined && message.attachment === undefined)) return bad("param message must be non-empty.");
    if (message.quick_replies !== undefined) {
      const problem = quickRepliesProblem(message.quick_replies);
      if (problem) return bad(problem);
    }
    if (message.text !== undefined) {
      if (typeof message.text !== "string" || !message.text) return bad("param message[text] must be a non-empty UTF-8 encoded string");
      if (codePoints(message.text) > textLimit[kind]) return bad(`Length of param message[text] must be less than or equal to ${textLimit[kind]}`);
    }
    let sentMedia: SentMedia | undefined;
    if (message.attachment !== undefined) {
      const { type, payload } = message.attachment ?? {};
      if (!attachmentTypes.includes(type)) return bad(`param message[attachment][type] must be one of {${attachmentTypes.join(", ")}}`);
      if (!payload?.url && !payload?.attachment_id) return bad("param message[attachment][payload] must have url or attachment_id");
      if (payload.attachment_id) {
        const item = media.get(String(payload.attachment_id));
        if (!item || item.channel !== channel.id) return bad("Attachment id is invalid");
        sentMedia = { id: item.id, mimeType: item.mimeType, bytes: item.bytes, filename: item.filename };
      } else sentMedia = { link: payload.url };
    }

    const rule = matchRule(channel, recipient);
    if (rule?.failure === "network") {
      rec.response = null;
      return droppedConnection();
    }
    if (rule) return answer(rec, failureError(kind, rule.failure as Exclude<Failure, "network">));
    if (sentMedia?.link && fetchLinks) {
      const fetched = await fetchBytes(sentMedia.link);
      if (!fetched) return bad("Failed to fetch the file from the url", 2018008);
      Object.assign(sentMedia, fetched);
    }

    const accepted: SentMessage = {
      at: clock.now(),
      kind,
      channel: channel.id,
      to: recipient,
      type: message.attachment ? message.attachment.type : "text",
      text: message.text,
      replyTo: body.reply_to?.mid,
      tag: body.tag,
      messageId: kind === "messenger" ? newMessengerMid() : newInstagramMid(),
      body,
      media: sentMedia,
      outcome: "accepted",
    };
    sent.push(accepted);
    scheduleReceipts(channel, accepted);
    await held;
    return answer(rec, { json: { recipient_id: recipient, message_id: accepted.messageId } });
  }

  app.post("/:version/:id/media", async (c) => {
    const { version, id } = c.req.param();
    const channel = channels.get(id);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const rec = record(c, { operation: "upload", version, channel: id, kind: channel?.kind, body: summariseForm(form) });
    if (!versionOk(version)) return answer(rec, { status: 400, error: { message: `Unknown path components: /${version}/${id}/media`, code: 2500 } });
    if (!authorized(c, undefined)) return answer(rec, { status: 401, error: invalidToken });
    if (!channel || channel.kind !== "whatsapp") return answer(rec, { status: 400, error: unknownObject(id) });
    if (!authorized(c, channel)) return answer(rec, { status: 401, error: invalidToken });
    if (form.messaging_product !== "whatsapp") return answer(rec, { status: 400, error: invalidParameter("whatsapp", "The parameter messaging_product is required.") });
    const file = form.file;
    if (!(file instanceof File)) return answer(rec, { status: 400, error: invalidParameter("whatsapp", "The parameter file is required.") });
    const mimeType = bareMime(typeof form.type === "string" && form.type ? form.type : file.type);
    const limit = whatsappUploads[mimeType];
    if (limit === undefined) {
      return answer(rec, { status: 400, error: waGraphError(131053, "Media upload error", `Param file must be a file with one of the following types: ${Object.keys(whatsappUploads).join(", ")}. Received file of type '${mimeType}'.`) });
    }
    if (file.size > limit) return answer(rec, { status: 400, error: waGraphError(131053, "Media upload error", `File size ${file.size} exceeds the limit of ${limit} bytes for ${mimeType}.`) });
    const item = mediaStore.put(new Uint8Array(await file.arrayBuffer()), mimeType, { channel: channel.id, filename: file.name });
    return answer(rec, { json: { id: item.id } });
  });

  app.post("/:version/:id/message_attachments", async (c) => {
    const { version, id } = c.req.param();
    const channel = channels.get(id);
    const body = await readJson(c);
    const rec = record(c, { operation: "attachment-upload", version, channel: id, kind: channel?.kind, body: body && summariseForm(body) });
    if (!versionOk(version)) return answer(rec, { status: 400, error: { message: `Unknown path components: /${version}/${id}/message_attachments`, code: 2500 } });
    if (!authorized(c, undefined)) return answer(rec, { status: 401, error: invalidToken });
    if (!channel || channel.kind === "whatsapp") return answer(rec, { status: 400, error: unknownObject(id) });
    if (!authorized(c, channel)) return answer(rec, { status: 401, error: invalidToken });
    const attachment = body?.message?.attachment;
    if (!attachment || !attachmentTypes.includes(attachment.type)) return answer(rec, { status: 400, error: invalidParameter(channel.kind, "param message[attachment][type] is required") });
    let bytes: Uint8Array, mimeType: string, filename: string | undefined;
    if (body.filedata instanceof File) {
      bytes = new Uint8Array(await body.filedata.arrayBuffer());
      mimeType = bareMime(body.filedata.type || "application/octet-stream");
      filename = body.filedata.name;
    } else if (attachment.payload?.url) {
      const fetched = fetchLinks ? await fetchBytes(attachment.payload.url) : { bytes: new Uint8Array(), mimeType: "application/octet-stream" };
      if (!fetched) return answer(rec, { status: 400, error: { ...invalidParameter(channel.kind, "Failed to fetch the file from the url"), error_subcode: 2018008 } });
      ({ bytes, mimeType } = fetched);
    } else {
      return answer(rec, { status: 400, error: invalidParameter(channel.kind, "param filedata or message[attachment][payload][url] is required") });
    }
    if (bytes.length > 25 * MB) return answer(rec, { status: 400, error: invalidParameter(channel.kind, "Attachment size exceeds allowable limit") });
    const item = mediaStore.put(bytes, mimeType, { channel: channel.id, filename, id: newAttachmentId() });
    return answer(rec, { json: { attachment_id: item.id } });
  });

  // WhatsApp message templates of a WABA (GET /{waba-id}/message_templates), as Meta's manager lists them.
  app.get("/:version/:waba/message_templates", async (c) => {
    const { version, waba } = c.req.param();
    const rec = record(c, { operation: "templates", version, kind: "whatsapp" });
    const channel = [...channels.values()].find((ch) => ch.kind === "whatsapp" && ch.wabaId === waba);
    if (!channel) return answer(rec, { status: 400, error: unknownObject(waba) });
    if (!authorized(c, channel)) return answer(rec, { status: 401, error: invalidToken });
    rec.channel = channel.id;
    return answer(rec, { json: { data: templates, paging: { cursors: { before: "MAZDZD", after: "MjQZD" } } } });
  });

  app.get("/:version/:id", async (c) => {
    const { version, id } = c.req.param();
    if (profiles.has(id)) return userProfile(c, version, id);
    const item = media.get(id);
    const rec = record(c, { operation: "media-url", version, channel: item?.channel, kind: "whatsapp" });
    if (!versionOk(version)) return answer(rec, { status: 400, error: { message: `Unknown path components: /${version}/${id}`, code: 2500 } });
    if (!authorized(c, undefined)) return answer(rec, { status: 401, error: invalidToken });
    if (!item) return answer(rec, { status: 400, error: unknownObject(id) });
    if (!authorized(c, channels.get(item.channel))) return answer(rec, { status: 401, error: invalidToken });
    return answer(rec, {
      json: { messaging_product: "whatsapp", url: mediaStore.downloadUrl(id), mime_type: item.mimeType, sha256: item.sha256Hex, file_size: String(item.bytes.length), id },
    });
  });

  /** Messenger/Instagram user profile: the fields asked for (`?fields=name,profile_pic`), or name and id. */
  async function userProfile(c: Context, version: string, id: string) {
    const rec = record(c, { operation: "profile", version });
    if (!versionOk(version)) return answer(rec, { status: 400, error: { message: `Unknown path components: /${version}/${id}`, code: 2500 } });
    const bearer = bearerOf(c);
    const channel = [...channels.values()].find((ch) => ch.kind !== "whatsapp" && ch.accessToken === bearer);
    if (!channel) return answer(rec, { status: 401, error: invalidToken });
    Object.assign(rec, { channel: channel.id, kind: channel.kind });
    const profile = profiles.get(id)!;
    const fields = (c.req.query("fields") ?? "name").split(",").map((f) => f.trim());
    const picked = Object.fromEntries(fields.filter((f) => f in profile).map((f) => [f, profile[f as keyof UserProfile]]));
    return answer(rec, { json: { ...picked, id } });
  }

  app.delete("/:version/:id", async (c) => {
    const { version, id } = c.req.param();
    const item = media.get(id);
    const rec = record(c, { operation: "delete-media", version, channel: item?.channel, kind: "whatsapp" });
    if (!authorized(c, undefined)) return answer(rec, { status: 401, error: invalidToken });
    if (!item) return answer(rec, { status: 400, error: unknownObject(id) });
    if (!authorized(c, channels.get(item.channel))) return answer(rec, { status: 401, error: invalidToken });
    media.delete(id);
    return answer(rec, { json: { success: true } });
  });

  app.notFound((c) => {
    const rec = record(c, { operation: "unknown" });
    return answer(rec, { status: 400, error: { message: `Unknown path components: ${new URL(c.req.url).pathname}`, code: 2500 } });
  });

  // ---------------- control

  function failNext(failure: Failure, rule: Omit<FailureRule, "failure"> = {}) {
    if (!failures.includes(failure)) throw new Error(`fake-meta: unknown failure ${failure}`);
    rules.push({ ...rule, failure, left: rule.times === "always" ? Infinity : (rule.times ?? 1) });
  }

  /** Sends accepted meanwhile (recorded, receipts pushed) are answered only on release: the sender may die waiting. */
  let held: Promise<void> | null = null;
  function holdAnswers(): () => void {
    let release!: () => void;
    held = new Promise<void>((r) => (release = r));
    return () => {
      held = null;
      release();
    };
  }

  function reset() {
    rules.length = 0;
    requests.length = 0;
    sent.length = 0;
    pushes.length = 0;
  }

  /** Resolves once every scheduled and running push has finished. */
  async function drain() {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  const server = Bun.serve({
    port: options.port ?? 4010,
    // Like Kanal, this machine only unless HOST says otherwise.
    hostname: options.hostname ?? process.env.HOST ?? "127.0.0.1",
    maxRequestBodySize: 128 * MB,
    fetch: (req) => app.fetch(req),
  });
  baseUrl = (options.publicUrl ?? `http://${options.publicHost ?? "localhost"}:${server.port}`).replace(/\/$/, "");
  for (const channel of options.channels ?? []) register(channel);

  return {
    url: baseUrl,
    port: server.port as number,
    register,
    setProfile,
    profiles,
    channel: (ref?: string, kind: MetaKind = "whatsapp") => channelOf(kind, ref),
    channels: () => [...channels.values()],
    failNext,
    holdAnswers,
    rules: rules as readonly FailureRule[],
    clearRules: () => void (rules.length = 0),
    receipts,
    requests,
    sent,
    pushes,
    templates,
    media: mediaStore,
    push,
    verify,
    drain,
    reset,
    /** Raw builders bound to the fake's clock where it matters (see payloads.ts for the rest). */
    pushWhatsApp,
    pushWhatsAppText: (m: { from: string; name?: string; text: string; context?: { from: string; id: string } } & PushOptions & To) =>
      pushWhatsAppMessage(wa.text({ from: m.from, text: m.text, context: m.context, at: clock.now() }), m.name, m),
    /** Stores the bytes as media the fake serves, then pushes an image/video/audio/voice/document/sticker message naming it. */
    pushWhatsAppMedia: async (
      m: { from: string; name?: string; kind: WaMediaKind; bytes: Uint8Array; mimeType: string; caption?: string; filename?: string; animated?: boolean } & PushOptions & To,
    ) => {
      const channel = channelOf("whatsapp", m.channel);
      const item = mediaStore.put(m.bytes, m.mimeType, { channel: channel.id, filename: m.filename });
      const ref = mediaStore.asWebhookMedia(item);
      const base = { from: m.from, at: clock.now() };
      const message =
        m.kind === "voice" || m.kind === "audio"
          ? wa.audio({ ...base, media: ref, voice: m.kind === "voice" })
          : m.kind === "document"
            ? wa.document({ ...base, media: ref, filename: m.filename ?? "document", caption: m.caption })
            : m.kind === "sticker"
              ? wa.sticker({ ...base, media: ref, animated: m.animated })
              : wa[m.kind]({ ...base, media: ref, caption: m.caption });
      return { ...(await pushWhatsAppMessage(message, m.name, { ...m, channel: channel.id })), media: item };
    },
    pushWhatsAppLocation: (m: { from: string; name?: string; latitude: number; longitude: number; placeName?: string; address?: string } & PushOptions & To) =>
      pushWhatsAppMessage(wa.location({ from: m.from, latitude: m.latitude, longitude: m.longitude, name: m.placeName, address: m.address, at: clock.now() }), m.name, m),
    pushWhatsAppReaction: (m: { from: string; name?: string; messageId: string; emoji: string } & PushOptions & To) =>
      pushWhatsAppMessage(wa.reaction({ from: m.from, messageId: m.messageId, emoji: m.emoji, at: clock.now() }), m.name, m),
    pushWhatsAppButtonReply: (m: { from: string; name?: string; buttonId: string; title: string } & PushOptions & To) =>
      pushWhatsAppMessage(wa.buttonReply({ from: m.from, buttonId: m.buttonId, title: m.title, at: clock.now() }), m.name, m),
    /** A tap on a row of a list message Kanal sent (`interactive.list_reply`). */
    pushWhatsAppListReply: (m: { from: string; name?: string; rowId: string; title: string; description?: string; context?: { from: string; id: string } } & PushOptions & To) =>
      pushWhatsAppMessage(wa.listReply({ from: m.from, rowId: m.rowId, title: m.title, description: m.description, context: m.context, at: clock.now() }), m.name, m),
    pushWhatsAppUnsupported: (m: { from: string; name?: string; unsupportedType?: string } & PushOptions & To) =>
      pushWhatsAppMessage(wa.unsupported({ from: m.from, unsupportedType: m.unsupportedType, at: clock.now() }), m.name, m),
    /** Any WhatsApp message a builder made (shared-kinds.ts: contact cards, orders, system messages…). */
    pushWhatsAppRaw: (m: WaMessage, opts: { name?: string } & PushOptions & To = {}) => pushWhatsAppMessage(m, opts.name, opts),
    pushWhatsAppStatus: (s: { id: string; status: WaStatusName; recipient: string; errorCode?: number } & PushOptions & To) =>
      pushWhatsApp({ statuses: [wa.status({ id: s.id, status: s.status, recipient: s.recipient, at: clock.now(), errors: s.errorCode ? [waError(s.errorCode)] : undefined })] }, s),
    pushMessenger: messenger.events,
    pushMessengerText: messenger.text,
    pushMessengerAttachment: messenger.attachment,
    pushMessengerReaction: messenger.reaction,
    pushMessengerRead: messenger.read,
    pushMessengerEcho: messenger.echo,
    pushMessengerQuickReply: messenger.quickReply,
    pushMessengerPostback: messenger.postback,
    pushMessengerDelivery: (m: { from: string; mids: string[] } & PushOptions & To) => {
      const channel = channelOf("messenger", m.channel);
      return messenger.events([fb.delivery({ from: m.from, to: channel.id, mids: m.mids, at: clock.now() })], m);
    },
    pushInstagram: instagram.events,
    pushInstagramText: instagram.text,
    pushInstagramAttachment: instagram.attachment,
    pushInstagramReaction: instagram.reaction,
    pushInstagramRead: instagram.read,
    pushInstagramEcho: instagram.echo,
    /** Posts and comments (comments.ts): push comments as Meta's feed/comments webhooks, read what was answered. */
    comments,
    pushComment: comments.pushComment,
    pushComments: comments.pushComments,
    pushInstagramQuickReply: instagram.quickReply,
    /** Keeps bytes as a channel's media; mediaUrl is its CDN-style link (a story's lives 24 hours). */
    putMedia: (bytes: Uint8Array, mimeType: string, channel: string) => mediaStore.put(bytes, mimeType, { channel }),
    mediaUrl: (id: string, ttlMs?: number) => mediaStore.attachmentUrl(id, ttlMs),
    async stop() {
      await drain();
      server.stop(true);
    },
  };
}
