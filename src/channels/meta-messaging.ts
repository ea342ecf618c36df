// Messenger and Instagram Direct share one webhook shape and one Send API (channels.md §4–5).
import type { MessageKind } from "@db/schema";
import { GraphClient } from "./graph";
import { extensionFor } from "./whatsapp";
import { joinShareTexts, storyOrShare } from "./instagram-shares";
import { ProviderError, type ChannelAccount, type ChannelAdapter, type InboundEvent } from "./types";
import { linkShareOf, messagingExtras, unhandled, unhandledEvent } from "./messaging-kinds";
import { messagingReferral } from "./referral-wire";
import { commentEvents, fetchPostDetails, moderateComment, sendCommentReply } from "../comments/wire";

type Obj = Record<string, any>;

/** What an entry may carry besides its id and time: messaging events, standby events, comment changes. */
const ENTRY_KEYS = new Set(["id", "time", "messaging", "standby", "changes"]);

const ATTACHMENT_KINDS: Record<string, MessageKind> = { image: "image", video: "video", audio: "audio", file: "file", sticker: "sticker" };

export function metaMessagingAdapter(graph: GraphClient, kind: "messenger" | "instagram"): ChannelAdapter {
  const object = kind === "messenger" ? "page" : "instagram";
  const ownId = (account: ChannelAccount) => String((kind === "messenger" ? account.config.pageId : account.config.accountId) ?? "");

  return {
    parse(account, payload) {
      const body = payload as Obj;
      if (body?.object !== object) return [];
      const me = ownId(account);
      const out: InboundEvent[] = [];
      for (const entry of asArray(body.entry)) {
        // An entry for another id is kept as unhandled: the channel's admin page says the ids differ.
        if (me && entry?.id && String(entry.id) !== me) {
          out.push(unhandled("unmatched_id", String(entry.id)));
          continue;
        }
        // Comments on the Page's posts (feed) or the account's media (comments): src/comments/.
        out.push(...commentEvents(kind, me, entry));
        // `standby`: events of threads another app holds (handover protocol), kept and marked as such.
        // The branches below `continue` early: what a standby item added is marked when the next begins, or after the last.
        let held: number | null = null;
        const markStandby = () => {
          if (held !== null) for (const e of out.slice(held)) if (e.type === "message") e.metadata = { ...e.metadata, standby: true };
          held = null;
        };
        const items = [...asArray(entry?.messaging).map((e) => [e, false] as const), ...asArray(entry?.standby).map((e) => [e, true] as const)];
        for (const [event, standby] of items) {
          const sender = String(event?.sender?.id ?? "");
          const at = new Date(Number(event?.timestamp ?? entry.time ?? Date.now()));
          markStandby();
          held = standby ? out.length : null;
          const extras = messagingExtras(event, sender, at);
          if (extras) out.push(...extras);
          else if (event.message) {
            const m = event.message;
            // Echoes of what this page sent are not customer messages: one carrying Kanal's outbox tag
            // proves a send whose answer may have been lost; others were sent elsewhere (echoes.ts).
            if (m.is_echo) {
              if (m.mid && event?.recipient?.id) out.push({ type: "echo", providerMessageId: String(m.mid), outboxTag: typeof m.metadata === "string" ? m.metadata : undefined, externalId: String(event.recipient.id), ...echoContent(m), at });
              continue;
            }
            if (sender === me) continue;
            const referral = messagingReferral(m.referral);
            const base = { type: "message" as const, providerMessageId: String(m.mid), externalId: sender, contactName: "", phone: null, at, replyToProviderId: m.reply_to?.mid ? String(m.reply_to.mid) : undefined, ...(referral ? { referral } : {}) };
            const attachments = asArray(m.attachments);
            if (m.is_unsupported) {
              out.push({ ...base, kind: "unsupported", body: "", metadata: { providerType: "unsupported" } });
              continue;
            }
            // Story mentions, story replies, shared posts and reels (instagram-shares.ts).
            const storyOrShared = storyOrShare(m, base);
            if (storyOrShared) {
              out.push(storyOrShared);
              continue;
            }
            if (attachments.length === 0) {
              out.push({ ...base, kind: "text", body: String(m.text ?? ""), metadata: m.quick_reply ? { quickReply: m.quick_reply.payload } : {} });
              continue;
            }
            // Several attachments in one message: one Kanal message each, ids kept unique per part.
            attachments.forEach((a, i) => {
              const providerMessageId = i === 0 ? String(m.mid) : `${m.mid}#${i}`;
              const kindOf = ATTACHMENT_KINDS[a?.type];
              const url = a?.payload?.url;
              const text = i === 0 ? String(m.text ?? "") : "";
              const link = kindOf ? null : linkShareOf(a);
              if (kindOf && url) {
                out.push({ ...base, providerMessageId, kind: kindOf, body: text, media: { url: String(url) }, metadata: {} });
              } else if (link) {
                // A shared link: one message with the customer's text (which often repeats the URL) and the link.
                out.push({ ...base, providerMessageId, kind: "text", body: text, metadata: { link } });
              } else {
                // Shares of posts, reels, fallbacks: shown as a link the agent can open.
                out.push({ ...base, providerMessageId, kind: "unsupported", body: [text, a?.payload?.url ?? a?.payload?.title ?? ""].filter(Boolean).join(" "), metadata: { providerType: a?.type, url } });
              }
            });
          } else if (event.reaction) {
            // A reaction marks the message it names ("unreact" removes it): never a message of its own.
            const r = event.reaction;
            if (r.mid && sender !== me) out.push({ type: "reaction", targetProviderMessageId: String(r.mid), externalId: sender, emoji: r.action === "unreact" ? null : String(r.emoji ?? r.reaction ?? ""), at });
          } else if (event.delivery) {
            const mids = asArray(event.delivery.mids);
            for (const mid of mids) out.push({ type: "status", providerMessageId: String(mid), status: "delivered", at });
            if (mids.length === 0 && event.delivery.watermark) out.push({ type: "watermark", externalId: sender, status: "delivered", upTo: new Date(Number(event.delivery.watermark)), at });
          } else if (event.read) {
            const upTo = event.read.watermark ? new Date(Number(event.read.watermark)) : at;
            out.push({ type: "watermark", externalId: sender, status: "read", upTo, at });
          } else if (event.postback) {
            const referral = messagingReferral(event.postback.referral);
            out.push({ type: "message", providerMessageId: event.postback.mid ? String(event.postback.mid) : `postback:${sender}:${event.timestamp}`, externalId: sender, contactName: "", phone: null, at, kind: "text", body: String(event.postback.title ?? event.postback.payload ?? ""), metadata: { postback: event.postback.payload }, ...(referral ? { referral } : {}) });
          } else {
            out.push(unhandledEvent(event));
          }
        }
        markStandby();
        for (const key of Object.keys(entry ?? {})) if (!ENTRY_KEYS.has(key)) out.push(unhandled(`entry:${key}`, entry[key]));
      }
      return joinShareTexts(out);
    },

    async profileName(account, externalId) {
      const fields = kind === "messenger" ? "first_name,last_name" : "name,username";
      const p = await graph.json<Obj>("GET", graph.url(`${externalId}?fields=${fields}`), account.secrets.accessToken ?? "");
      const name = kind === "messenger" ? [p?.first_name, p?.last_name].filter(Boolean).join(" ") : (p?.name ?? p?.username);
      return name ? String(name) : null;
    },

    async fetchMedia(account, ref) {
      // Attachment URLs are temporary signed URLs: fetched at once, with the token for the fake/CDN alike.
      const file = await graph.download(String(ref.url), account.secrets.accessToken ?? null, 25 * 1024 * 1024);
      const name = new URL(String(ref.url)).pathname.split("/").pop() || "attachment";
      return { bytes: file.bytes, mime: file.mime, filename: /\.[a-z0-9]{2,5}$/i.test(name) ? name : `${name}${extensionFor(file.mime)}` };
    },

    moderate: (account, commentId, action) => moderateComment(graph, kind, account, commentId, action),
    postDetails: (account, postId) => fetchPostDetails(graph, kind, account, postId),

    async send(account, message) {
      const token = account.secrets.accessToken ?? "";
      const id = ownId(account);
      if (message.comment) return sendCommentReply(graph, kind, account, id, message);
      const payload: Obj = {
        recipient: { id: message.to },
        messaging_type: message.humanAgentTag ? "MESSAGE_TAG" : "RESPONSE",
        ...(message.humanAgentTag ? { tag: "HUMAN_AGENT" } : {}),
      };
      if (message.file) {
        const type = message.kind === "image" || message.kind === "video" ? message.kind : message.kind === "audio" || message.kind === "voice" ? "audio" : "file";
        const form = new FormData();
        form.set("message", JSON.stringify({ attachment: { type, payload: { is_reusable: false } } }));
        form.set("filedata", new File([message.file.bytes], message.file.filename, { type: message.file.mime }));
        const uploaded = await graph.json<{ attachment_id?: string }>("POST", graph.url(`${id}/message_attachments`), token, form);
        if (!uploaded?.attachment_id) throw new ProviderError("bad_response", "The provider returned no attachment id", true);
        payload.message = { attachment: { type, payload: { attachment_id: uploaded.attachment_id } } };
      } else {
        payload.message = message.interactive
          ? { text: message.body, quick_replies: message.interactive.choices.map((c) => ({ content_type: "text", title: c.title, payload: c.id })) }
          : { text: message.body };
      }
      // Messenger echoes message.metadata back (message_echoes): proof of the send if its answer is lost.
      const tagged = kind === "messenger" && message.outboxTag ? { ...payload, message: { ...(payload.message as Obj), metadata: message.outboxTag } } : payload;
      const result = await graph.json<{ message_id?: string }>("POST", graph.url(`${id}/messages`), token, tagged);
      if (!result?.message_id) throw new ProviderError("bad_response", "The provider accepted the message but returned no id", true);
      // A caption travels as a second text message on these channels. The file is out already:
      // a failed caption must not send the file again with a retry, so it is reported, not thrown.
      if (message.file && message.body) {
        try {
          await graph.json("POST", graph.url(`${id}/messages`), token, { ...payload, message: { text: message.body } });
        } catch (e) {
          return { providerMessageId: result.message_id, warning: `caption not delivered: ${e instanceof Error ? e.message : String(e)}` };
        }
      }
      return { providerMessageId: result.message_id };
    },
  };
}

/** What an echo carried: its text, or (files are not fetched for echoes) what kind of attachment it was. */
function echoContent(m: Obj): { kind: MessageKind; body: string; metadata: Record<string, unknown> } {
  const app = m.app_id ? { appId: String(m.app_id) } : {};
  const [first] = asArray(m.attachments);
  if (!first) return { kind: "text", body: String(m.text ?? ""), metadata: app };
  return { kind: "unsupported", body: [m.text, first.payload?.url].filter(Boolean).join(" "), metadata: { ...app, providerType: String(first.type ?? "attachment") } };
}

function asArray(value: unknown): Obj[] {
  return Array.isArray(value) ? value : [];
}
