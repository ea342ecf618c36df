// WhatsApp Cloud API: webhook payloads in, messages out (channels.md §2–3).
import type { MessageKind } from "@db/schema";
import { GraphClient } from "./graph";
import { unhandled } from "./messaging-kinds";
import { whatsappReferral } from "./referral-wire";
import { isBusinessScopedId, senderOf, whatsappPeople, type WhatsAppPeople } from "./whatsapp-users";
import { whatsappKind } from "./whatsapp-kinds";
import { ProviderError, type ChannelAccount, type ChannelAdapter, type InboundEvent, type MediaRef, type OutgoingMessage } from "./types";

type Obj = Record<string, any>;

const unix = (seconds: unknown) => new Date(Number(seconds) * 1000);

const MEDIA_TYPES: Record<string, MessageKind> = { image: "image", video: "video", document: "file", sticker: "sticker" };

export function whatsappAdapter(graph: GraphClient): ChannelAdapter {
  return {
    parse(account, payload) {
      const body = payload as Obj;
      if (body?.object !== "whatsapp_business_account") return [];
      const out: InboundEvent[] = [];
      // One POST may carry several entries, changes and messages: every one is processed.
      for (const entry of asArray(body.entry)) {
        for (const change of asArray(entry?.changes)) {
          if (change?.field !== "messages" && change?.field !== "smb_message_echoes") {
            out.push(unhandled(`field:${String(change?.field ?? "none")}`, change));
            continue;
          }
          const value = change.value ?? {};
          const phoneNumberId = value.metadata?.phone_number_id;
          if (phoneNumberId && account.config.phoneNumberId && String(phoneNumberId) !== String(account.config.phoneNumberId)) {
            out.push(unhandled("unmatched_id", String(phoneNumberId)));
            continue;
          }
          // Coexistence numbers: what was sent from the WhatsApp Business app, kept as sent elsewhere.
          for (const e of asArray(value.message_echoes)) {
            const to = e?.to ?? e?.to_user_id;
            if (e?.id && to) out.push(echoOf({ ...e, to }));
          }
          const people = whatsappPeople(value.contacts);
          for (const m of asArray(value.messages)) {
            const event = parseMessage(m, people);
            if (event) out.push(event);
          }
          for (const s of asArray(value.statuses)) {
            if (!s?.id || !["sent", "delivered", "read", "failed"].includes(s.status)) continue;
            const error = asArray(s.errors)[0];
            out.push({
              type: "status",
              providerMessageId: String(s.id),
              status: s.status,
              at: unix(s.timestamp),
              errorCode: error ? String(error.code) : undefined,
              errorText: error ? (error.error_data?.details ?? error.message ?? error.title) : undefined,
              outboxTag: typeof s.biz_opaque_callback_data === "string" ? s.biz_opaque_callback_data : undefined,
            });
          }
        }
      }
      return out;
    },

    async fetchMedia(account, ref) {
      const token = account.secrets.accessToken ?? "";
      const info = await graph.json<{ url: string; mime_type?: string }>("GET", graph.url(String(ref.id)), token);
      const file = await graph.download(info.url, token, 100 * 1024 * 1024);
      const mime = ref.mime ?? info.mime_type ?? file.mime;
      return { bytes: file.bytes, mime, filename: ref.filename ?? `${ref.id}${extensionFor(mime)}` };
    },

    async typing(account, customerMessageId) {
      const phoneNumberId = String(account.config.phoneNumberId ?? "");
      await graph.json("POST", graph.url(`${phoneNumberId}/messages`), account.secrets.accessToken ?? "", {
        messaging_product: "whatsapp",
        status: "read",
        message_id: customerMessageId,
        typing_indicator: { type: "text" },
      });
    },

    async send(account, message) {
      const token = account.secrets.accessToken ?? "";
      const phoneNumberId = String(account.config.phoneNumberId ?? "");
      // A customer known only by their business-scoped user id (no visible phone number) is addressed by it.
      const base: Obj = { messaging_product: "whatsapp", recipient_type: "individual", ...(isBusinessScopedId(message.to) ? { recipient: message.to } : { to: message.to }) };
      if (message.replyToProviderId) base.context = { message_id: message.replyToProviderId };
      // Echoed in this send's status webhooks: proof of the send if its answer is lost.
      if (message.outboxTag) base.biz_opaque_callback_data = message.outboxTag;
      let payload: Obj;
      if (message.template) {
        const { name, language, parameters } = message.template;
        payload = {
          ...base,
          type: "template",
          template: { name, language: { code: language }, ...(parameters.length ? { components: [{ type: "body", parameters: parameters.map((text) => ({ type: "text", text })) }] } : {}) },
        };
      } else if (message.file) {
        const mediaId = await upload(graph, phoneNumberId, token, message.file);
        const type = wireType(message.kind);
        const media: Obj = { id: mediaId };
        if (message.kind === "voice") media.voice = true;
        if (message.body && (type === "image" || type === "video" || type === "document")) media.caption = message.body;
        if (type === "document") media.filename = message.file.filename;
        payload = { ...base, type, [type]: media };
      } else if (message.interactive && message.interactive.type !== "quick_replies") {
        payload = { ...base, type: "interactive", interactive: interactivePayload(message.interactive) };
      } else {
        payload = { ...base, type: "text", text: { body: message.body, preview_url: false } };
      }
      const result = await graph.json<{ messages?: { id: string }[] }>("POST", graph.url(`${phoneNumberId}/messages`), token, payload);
      const id = result?.messages?.[0]?.id;
      if (!id) throw new ProviderError("bad_response", "The provider accepted the message but returned no id", true);
      return { providerMessageId: id };
    },
  };
}

function parseMessage(m: Obj, people: WhatsAppPeople): InboundEvent | null {
  const sender = senderOf(m, people);
  if (!m?.id || !sender) return m?.id ? unhandled("message:no_sender", m) : null;
  const from = sender.externalId;
  // A reaction marks the message it names (an empty emoji removes it): never a message of its own.
  if (m.type === "reaction") {
    if (!m.reaction?.message_id) return null;
    return { type: "reaction", targetProviderMessageId: String(m.reaction.message_id), externalId: from, emoji: m.reaction.emoji ? String(m.reaction.emoji) : null, at: unix(m.timestamp) };
  }
  const referral = whatsappReferral(m.referral);
  const common = {
    type: "message" as const,
    providerMessageId: String(m.id),
    externalId: from,
    contactName: sender.name,
    phone: sender.phone,
    at: unix(m.timestamp),
    replyToProviderId: m.context?.id ? String(m.context.id) : undefined,
    ...(referral ? { referral } : {}),
    ...(sender.aliases.length ? { aliases: sender.aliases } : {}),
  };
  // Contact cards, orders, Flow replies, system messages, edits and revocations (whatsapp-kinds.ts).
  const special = whatsappKind(m, common);
  if (special !== undefined) return special;
  const t = String(m.type);
  switch (t) {
    case "text":
      return { ...common, kind: "text", body: String(m.text?.body ?? ""), metadata: {} };
    case "image":
    case "video":
    case "document":
    case "sticker": {
      const media = m[t] ?? {};
      return {
        ...common,
        kind: MEDIA_TYPES[t],
        body: String(media.caption ?? ""),
        media: { id: String(media.id), mime: media.mime_type, filename: media.filename },
        metadata: { sha256: media.sha256, ...(t === "sticker" ? { animated: !!media.animated } : {}) },
      };
    }
    case "audio": {
      const media = m.audio ?? {};
      return {
        ...common,
        kind: media.voice ? "voice" : "audio",
        body: "",
        media: { id: String(media.id), mime: media.mime_type, voice: !!media.voice },
        metadata: { sha256: media.sha256 },
      };
    }
    case "location": {
      const l = m.location ?? {};
      const label = [l.name, l.address].filter(Boolean).join(", ");
      return { ...common, kind: "location", body: label || `${l.latitude}, ${l.longitude}`, metadata: { latitude: l.latitude, longitude: l.longitude, name: l.name, address: l.address, url: l.url } };
    }
    case "interactive": {
      const i = m.interactive ?? {};
      const reply = i.button_reply ?? i.list_reply;
      return { ...common, kind: "text", body: String(reply?.title ?? ""), metadata: { interactive: i.type, replyId: reply?.id } };
    }
    case "button":
      return { ...common, kind: "text", body: String(m.button?.text ?? ""), metadata: { buttonPayload: m.button?.payload } };
    default: {
      const error = asArray(m.errors)[0];
      return { ...common, kind: "unsupported", body: "", metadata: { providerType: m.unsupported?.type ?? t, errorCode: error?.code, errorText: error?.message ?? error?.title } };
    }
  }
}

/** Reply buttons (up to 3) or a list message (up to 10 rows in one section). */
function interactivePayload(i: NonNullable<OutgoingMessage["interactive"]>): Obj {
  const body = { text: i.text };
  if (i.type === "buttons") return { type: "button", body, action: { buttons: i.choices.map((c) => ({ type: "reply", reply: { id: c.id, title: c.title } })) } };
  return { type: "list", body, action: { button: i.button ?? "Options", sections: [{ rows: i.choices.map((c) => ({ id: c.id, title: c.title })) }] } };
}

function echoOf(e: Obj): InboundEvent {
  const text = e.type === "text" ? String(e.text?.body ?? "") : null;
  const base = { type: "echo" as const, providerMessageId: String(e.id), externalId: String(e.to), at: unix(e.timestamp) };
  if (text !== null) return { ...base, kind: "text", body: text, metadata: {} };
  const caption = String(e[e.type]?.caption ?? "");
  return { ...base, kind: "unsupported", body: caption, metadata: { providerType: String(e.type) } };
}

function wireType(kind: MessageKind): "image" | "video" | "audio" | "document" | "sticker" {
  if (kind === "image" || kind === "video" || kind === "sticker") return kind;
  if (kind === "voice" || kind === "audio") return "audio";
  return "document";
}

async function upload(graph: GraphClient, phoneNumberId: string, token: string, file: { bytes: Blob; mime: string; filename: string }) {
  const form = new FormData();
  form.set("messaging_product", "whatsapp");
  form.set("type", file.mime);
  form.set("file", new File([file.bytes], file.filename, { type: file.mime }));
  const result = await graph.json<{ id?: string }>("POST", graph.url(`${phoneNumberId}/media`), token, form);
  if (!result?.id) throw new ProviderError("bad_response", "The provider returned no media id", true);
  return result.id;
}

function asArray(value: unknown): Obj[] {
  return Array.isArray(value) ? value : [];
}

export function extensionFor(mime: string): string {
  const m = mime.split(";")[0].trim();
  const known: Record<string, string> = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/aac": ".aac",
    "audio/amr": ".amr",
    "video/mp4": ".mp4",
    "video/3gpp": ".3gp",
    "application/pdf": ".pdf",
  };
  return known[m] ?? "";
}

export type { MediaRef, OutgoingMessage, ChannelAccount };
