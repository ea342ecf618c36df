// Messenger and Instagram webhook events beyond plain messages, each read on its own: link shares,
// edits, unsends, ad referrals, and anything else named as unhandled so it is counted, not lost.
import type { InboundEvent, InboundUnhandled } from "./types";
import { messagingReferral } from "./referral-wire";

type Obj = Record<string, any>;

/** Keys of a messaging event that are not the event itself. */
const ENVELOPE = new Set(["sender", "recipient", "timestamp"]);

/**
 * A shared link (Messenger `fallback`, or `template` with a generic element): its URL and title,
 * shown as a link rather than as a message that cannot be shown. Null when it carries no web URL.
 */
export function linkShareOf(a: Obj): { url: string; title: string } | null {
  if (a?.type !== "fallback" && a?.type !== "template") return null;
  const p = (a.payload ?? {}) as Obj;
  const element = Array.isArray(p.elements) ? (p.elements[0] as Obj | undefined) : undefined;
  const url = [p.url, a.url, element?.default_action?.url, element?.item_url].find((u) => typeof u === "string" && /^https?:\/\//i.test(u));
  if (!url) return null;
  const title = [p.title, a.title, element?.title].find((t) => typeof t === "string" && t.trim()) ?? "";
  return { url: String(url).slice(0, 2000), title: String(title).slice(0, 300) };
}

/**
 * The events of one messaging item that the main parser leaves to this file: `message_edit`, an
 * unsent message (`message.is_deleted`), a referral of its own. Null when it is none of them.
 */
export function messagingExtras(event: Obj, sender: string, at: Date): InboundEvent[] | null {
  if (event.message_edit) {
    const e = event.message_edit as Obj;
    if (!e.mid) return [unhandled("event:message_edit", event)];
    return [{ type: "edit", targetProviderMessageId: String(e.mid), externalId: sender, body: String(e.text ?? ""), at }];
  }
  if (event.message?.is_deleted) {
    return [{ type: "unsend", targetProviderMessageId: String(event.message.mid), externalId: sender, at }];
  }
  if (event.referral && !event.message && !event.postback) {
    const referral = messagingReferral(event.referral);
    return referral ? [{ type: "referral", externalId: sender, referral, at }] : [unhandled("event:referral", event)];
  }
  return null;
}

/** A messaging item no branch understood: named by its first key that is not the envelope. */
export function unhandledEvent(event: Obj): InboundUnhandled {
  const key = Object.keys(event ?? {}).find((k) => !ENVELOPE.has(k)) ?? "empty";
  return unhandled(`event:${key}`, event);
}

export function unhandled(kind: string, example: unknown): InboundUnhandled {
  let text: string;
  try {
    text = typeof example === "string" ? example : JSON.stringify(example);
  } catch {
    text = String(example);
  }
  return { type: "unhandled", kind: kind.slice(0, 100), example: text.slice(0, 2000) };
}
