// Real-shaped ids and webhook payloads for WhatsApp Cloud API, Messenger and Instagram Direct
// (shapes from /work/shared/reference/channels.md §2, §4, §5). Pure builders: no I/O.
import { randomBytes, randomInt } from "node:crypto";

export type MetaKind = "whatsapp" | "messenger" | "instagram";

const digits = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10))).join("");
const upperHex = (n: number) => randomBytes(Math.ceil(n / 2)).toString("hex").slice(0, n).toUpperCase();

/** `wamid.` + base64 of the protobuf-ish bytes Meta encodes (recipient number and a random key). */
export function newWamid(phone = "905551112233"): string {
  const number = Buffer.from(phone.replace(/\D/g, "").slice(0, 20));
  const key = Buffer.from(upperHex(20));
  const bytes = Buffer.concat([Buffer.from([0x1c, 0x18, number.length]), number, Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, 0x14]), key, Buffer.from([0x00])]);
  return "wamid." + bytes.toString("base64");
}

/** Messenger message id: `m_` + URL-safe base64. */
export function newMessengerMid(): string {
  return "m_" + randomBytes(66).toString("base64url");
}

/** Instagram message id: base64 of `ig_item:1:IGMessageData:…` as Instagram's look. */
export function newInstagramMid(): string {
  return Buffer.from(`ig_d${String.fromCharCode(1)}item:1:IGMessageData:${digits(17)}:${digits(39)}`).toString("base64");
}

export const newMediaId = () => digits(16);
export const newAttachmentId = () => digits(16);
/** Page-scoped (Messenger) or Instagram-scoped user id. */
export const newScopedId = () => digits(16);
export const newFbtraceId = () => randomBytes(17).toString("base64url").slice(0, 23);

const unixSeconds = (at: Date) => String(Math.floor(at.getTime() / 1000));

// ---------------------------------------------------------------- WhatsApp

/** The part of a registered WhatsApp channel a payload names. */
export interface WhatsAppRef {
  id: string;
  wabaId: string;
  displayPhoneNumber: string;
}

export interface WaMedia {
  id: string;
  mime_type: string;
  /** Opaque to receivers: base64 in webhooks, hex from GET /{media-id}. */
  sha256: string;
}

export type WaMessage = { from: string; id: string; timestamp: string; type: string } & Record<string, unknown>;

interface WaBase {
  from: string;
  id?: string;
  at?: Date;
  /** Reply to an earlier message. */
  context?: { from: string; id: string };
}

function waMessage(base: WaBase, type: string, body: Record<string, unknown>): WaMessage {
  const message: WaMessage = {
    from: base.from,
    id: base.id ?? newWamid(base.from),
    timestamp: unixSeconds(base.at ?? new Date()),
    type,
    ...body,
  };
  if (base.context) message.context = base.context;
  return message;
}

const withCaption = (media: WaMedia, caption?: string) => (caption === undefined ? { ...media } : { caption, ...media });

export type WaStatusName = "sent" | "delivered" | "read" | "failed" | "played";

export interface WaError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href?: string;
}

/** The errors[] entry of a failed status or an unsupported message, by code. */
export function waError(code: number, details?: string): WaError {
  const known: Record<number, [string, string]> = {
    131047: ["Re-engagement message", "Message failed to send because more than 24 hours have passed since the customer last replied to this number."],
    131051: ["Message type unknown", "Message type is currently not supported."],
    131053: ["Media upload error", "Downloading media from the provided URL failed."],
    131026: ["Message undeliverable", "Message could not be delivered."],
    131056: ["(Business Account, Consumer Account) pair rate limit hit", "Too many messages sent from this phone number to the same phone number in a short period of time."],
    131000: ["Something went wrong", "Something went wrong"],
  };
  const [title, text] = known[code] ?? ["Error", "Error"];
  return {
    code,
    title,
    message: title,
    error_data: { details: details ?? text },
    href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
  };
}

export const wa = {
  text: (b: WaBase & { text: string }) => waMessage(b, "text", { text: { body: b.text } }),
  image: (b: WaBase & { media: WaMedia; caption?: string }) => waMessage(b, "image", { image: withCaption(b.media, b.caption) }),
  video: (b: WaBase & { media: WaMedia; caption?: string }) => waMessage(b, "video", { video: withCaption(b.media, b.caption) }),
  /** `voice: true` is a recorded voice note; false an attached audio file. */
  audio: (b: WaBase & { media: WaMedia; voice: boolean }) => waMessage(b, "audio", { audio: { ...b.media, voice: b.voice } }),
  document: (b: WaBase & { media: WaMedia; filename: string; caption?: string }) =>
    waMessage(b, "document", { document: { ...withCaption(b.media, b.caption), filename: b.filename } }),
  sticker: (b: WaBase & { media: WaMedia; animated?: boolean }) =>
    waMessage(b, "sticker", { sticker: { ...b.media, mime_type: "image/webp", animated: b.animated ?? false } }),
  location: (b: WaBase & { latitude: number; longitude: number; name?: string; address?: string; url?: string }) => {
    const { latitude, longitude, name, address, url } = b;
    return waMessage(b, "location", { location: { latitude, longitude, ...(name && { name }), ...(address && { address }), ...(url && { url }) } });
  },
  /** An empty emoji means the reaction was removed. */
  reaction: (b: WaBase & { messageId: string; emoji: string }) => waMessage(b, "reaction", { reaction: { message_id: b.messageId, emoji: b.emoji } }),
  buttonReply: (b: WaBase & { buttonId: string; title: string }) =>
    waMessage(b, "interactive", { interactive: { type: "button_reply", button_reply: { id: b.buttonId, title: b.title } } }),
  listReply: (b: WaBase & { rowId: string; title: string; description?: string }) =>
    waMessage(b, "interactive", {
      interactive: { type: "list_reply", list_reply: { id: b.rowId, title: b.title, ...(b.description && { description: b.description }) } },
    }),
  /** A template quick-reply tap. */
  button: (b: WaBase & { text: string; payload: string }) => waMessage(b, "button", { button: { text: b.text, payload: b.payload } }),
  unsupported: (b: WaBase & { unsupportedType?: string }) =>
    waMessage(b, "unsupported", { unsupported: { type: b.unsupportedType ?? "poll_creation" }, errors: [waError(131051)] }),
  /** `callbackData`: the send's biz_opaque_callback_data, which Meta echoes in every status of it. */
  status: (s: { id: string; status: WaStatusName; recipient: string; at?: Date; errors?: WaError[]; callbackData?: string }) => ({
    id: s.id,
    status: s.status,
    timestamp: unixSeconds(s.at ?? new Date()),
    recipient_id: s.recipient,
    ...(s.status !== "failed" && {
      conversation: { id: upperHex(32).toLowerCase(), origin: { type: "service" } },
      pricing: { billable: false, pricing_model: "PMP", category: "service", type: "free_customer_service" },
    }),
    ...(s.errors && { errors: s.errors }),
    ...(s.callbackData && { biz_opaque_callback_data: s.callbackData }),
  }),
};

export interface WaValueParts {
  /** Who wrote (one per sender of `messages`). */
  contacts?: { name: string; waId: string }[];
  messages?: WaMessage[];
  statuses?: ReturnType<typeof wa.status>[];
  errors?: WaError[];
}

/** One `entry` for a channel's WABA, one `change` per value. */
export function whatsappPayload(channel: WhatsAppRef, ...values: WaValueParts[]) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: channel.wabaId,
        changes: values.map((v) => ({
          value: {
            messaging_product: "whatsapp",
            metadata: { display_phone_number: channel.displayPhoneNumber, phone_number_id: channel.id },
            ...(v.contacts && { contacts: v.contacts.map((c) => ({ profile: { name: c.name }, wa_id: c.waId })) }),
            ...(v.messages && { messages: v.messages }),
            ...(v.statuses && { statuses: v.statuses }),
            ...(v.errors && { errors: v.errors }),
          },
          field: "messages",
        })),
      },
    ],
  };
}

type Envelope = { object: string; entry: unknown[] };

/** Several payloads of the same object as one POST (several entries). */
export function mergePayloads<T extends Envelope>(...payloads: T[]): T {
  return { ...payloads[0], entry: payloads.flatMap((p) => p.entry) };
}

// ---------------------------------------------------------------- Messenger and Instagram

export type MessagingEvent = {
  sender: { id: string };
  recipient: { id: string };
  timestamp: number;
} & Record<string, unknown>;

export type AttachmentType = "image" | "audio" | "video" | "file" | "reel" | "ig_reel" | "post" | "fallback" | "story_mention";

interface FbBase {
  /** The customer's scoped id (PSID or IGSID). */
  from: string;
  /** The page or Instagram account id. */
  to: string;
  at?: Date;
}

const event = (b: { from: string; to: string; at?: Date }, body: Record<string, unknown>): MessagingEvent => ({
  sender: { id: b.from },
  recipient: { id: b.to },
  timestamp: (b.at ?? new Date()).getTime(),
  ...body,
});

export const fb = {
  text: (b: FbBase & { text: string; mid: string; replyTo?: string; quickReplyPayload?: string }) =>
    event(b, {
      message: {
        mid: b.mid,
        text: b.text,
        ...(b.quickReplyPayload && { quick_reply: { payload: b.quickReplyPayload } }),
        ...(b.replyTo && { reply_to: { mid: b.replyTo } }),
      },
    }),
  attachments: (b: FbBase & { mid: string; attachments: { type: AttachmentType; url: string }[]; text?: string }) =>
    event(b, {
      message: { mid: b.mid, ...(b.text && { text: b.text }), attachments: b.attachments.map((a) => ({ type: a.type, payload: { url: a.url } })) },
    }),
  /** A tap on a postback button: `postback: {title, payload, mid}`. */
  postback: (b: FbBase & { title: string; payload: string; mid: string }) => event(b, { postback: { title: b.title, payload: b.payload, mid: b.mid } }),
  /** What the page (or another app on it) sent, echoed back: sender is the page. */
  echo: (b: { page: string; to: string; at?: Date; mid: string; appId: string; text?: string; metadata?: string; attachments?: { type: AttachmentType; url: string }[] }) =>
    event({ from: b.page, to: b.to, at: b.at }, {
      message: {
        mid: b.mid,
        is_echo: true,
        app_id: Number(b.appId),
        ...(b.metadata && { metadata: b.metadata }),
        ...(b.text && { text: b.text }),
        ...(b.attachments && { attachments: b.attachments.map((a) => ({ type: a.type, payload: { url: a.url } })) }),
      },
    }),
  /** Messenger only. */
  delivery: (b: FbBase & { mids: string[]; watermark?: number }) =>
    event(b, { delivery: { mids: b.mids, watermark: b.watermark ?? (b.at ?? new Date()).getTime() } }),
  /** Messenger reads carry a watermark; Instagram's (messaging_seen) carry the message id. */
  read: (b: FbBase & ({ watermark: number } | { mid: string })) => event(b, { read: "mid" in b ? { mid: b.mid } : { watermark: b.watermark } }),
  reaction: (b: FbBase & { mid: string; emoji: string; action?: "react" | "unreact"; reaction?: string }) =>
    event(b, {
      reaction: {
        mid: b.mid,
        action: b.action ?? "react",
        ...(b.action !== "unreact" && { reaction: b.reaction ?? "other", emoji: b.emoji }),
      },
    }),
};

/** `{object: "page" | "instagram", entry: [{id, time, messaging}]}` for one page or account. */
export function messagingPayload(kind: "messenger" | "instagram", entryId: string, events: MessagingEvent[], at = new Date()) {
  return {
    object: kind === "messenger" ? "page" : "instagram",
    entry: [{ time: at.getTime(), id: entryId, messaging: events }],
  };
}
