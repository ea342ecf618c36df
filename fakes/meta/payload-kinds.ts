// Real-shaped pieces for the webhook kinds of issue 18 (items 5–9), beside payloads.ts: ad
// referrals (click-to-WhatsApp, click-to-Messenger), Messenger/Instagram edits, unsends, link
// shares and standby events, WhatsApp users known by business-scoped user id, and items Kanal does
// not handle. Pure builders: no I/O.
import { randomBytes, randomInt } from "node:crypto";
import type { MessagingEvent } from "./payloads";

/** A click-to-WhatsApp ad's `referral`, as Meta writes it on the first message after the click. */
export function waAdReferral(r: { headline: string; body?: string; sourceUrl?: string; imageUrl?: string }) {
  return {
    source_url: r.sourceUrl ?? "https://fb.me/3cr4Wqqkv",
    source_id: `1202${Array.from({ length: 14 }, () => randomInt(0, 10)).join("")}`,
    source_type: "ad",
    headline: r.headline,
    body: r.body ?? "",
    media_type: "image",
    image_url: r.imageUrl ?? "https://scontent.xx.fbcdn.net/v/t45.1600-4/ad.jpg",
    ctwa_clid: randomBytes(48).toString("base64url"),
  };
}

/** A click-to-Messenger (or Instagram) ad's `referral`. */
export function fbAdReferral(r: { headline: string; ref?: string; photoUrl?: string }) {
  return {
    ...(r.ref && { ref: r.ref }),
    ad_id: String(6_000_000_000_000 + randomInt(0, 999_999_999)),
    source: "ADS",
    type: "OPEN_THREAD",
    ads_context_data: { ad_title: r.headline, photo_url: r.photoUrl ?? "https://scontent.xx.fbcdn.net/v/ad.jpg", post_id: `${randomInt(1e9, 2e9)}_${randomInt(1e9, 2e9)}` },
  };
}

/** A new business-scoped user id: country code, a dot, digits (`TR.1502576394655843`). */
export const newBsuid = (country = "TR") => `${country}.${Array.from({ length: 16 }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10))).join("")}`;

/** `contacts[]` of a WhatsApp webhook for a user with a BSUID, a username, and the phone only when visible. */
export function waUser(u: { bsuid: string; name?: string; username?: string; phone?: string }) {
  return { profile: { name: u.name ?? "", ...(u.username && { username: u.username }) }, ...(u.phone && { wa_id: u.phone }), user_id: u.bsuid };
}

const at = (b: { from: string; to: string; at?: Date }) => ({ sender: { id: b.from }, recipient: { id: b.to }, timestamp: (b.at ?? new Date()).getTime() });

export const fbKinds = {
  /** `message_edits`: the customer changed the text of `mid`. */
  edit: (b: { from: string; to: string; at?: Date; mid: string; text: string; numEdit?: number }): MessagingEvent => ({ ...at(b), message_edit: { mid: b.mid, text: b.text, num_edit: b.numEdit ?? 1 } }),
  /** The customer unsent `mid`. */
  unsend: (b: { from: string; to: string; at?: Date; mid: string }): MessagingEvent => ({ ...at(b), message: { mid: b.mid, is_deleted: true } }),
  /** A shared link: the text the customer typed (often the URL itself) and a `fallback` attachment. */
  linkShare: (b: { from: string; to: string; at?: Date; mid: string; url: string; title?: string; text?: string }): MessagingEvent => ({
    ...at(b),
    message: { mid: b.mid, text: b.text ?? b.url, attachments: [{ type: "fallback", payload: { url: b.url, title: b.title ?? "" } }] },
  }),
  /** `messaging_referrals`: an existing thread opened again from an ad or an m.me link. */
  referral: (b: { from: string; to: string; at?: Date; referral: Record<string, unknown> }): MessagingEvent => ({ ...at(b), referral: b.referral }),
  /** Something Kanal does not handle (an opt-in to recurring notifications). */
  optin: (b: { from: string; to: string; at?: Date }): MessagingEvent => ({ ...at(b), optin: { type: "notification_messages", payload: "demo", notification_messages_token: randomBytes(12).toString("hex"), notification_messages_frequency: "DAILY" } }),
};

/** Events of a thread another app holds: delivered as `standby` rather than `messaging`. */
export function standbyPayload(kind: "messenger" | "instagram", entryId: string, events: MessagingEvent[], when = new Date()) {
  return { object: kind === "messenger" ? "page" : "instagram", entry: [{ id: entryId, time: when.getTime(), standby: events }] };
}

/** A WhatsApp change Kanal does not handle (an account update), in its own entry. */
export function waUnhandledEntry(wabaId: string, phone: string) {
  return { id: wabaId, changes: [{ field: "account_update", value: { phone_number: phone, event: "VERIFIED_ACCOUNT" } }] };
}
