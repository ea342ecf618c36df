// Real-shaped builders for what customers share beyond text and files (issue 18, items 3 and 4):
// WhatsApp contact cards, orders, Flow replies, system messages, edits and revocations; Instagram
// story mentions, story replies and post/reel shares. Pure builders, shapes from Meta's webhook
// references; the CLI (`bun run fake-meta send …`) and tests use them.
import { newWamid, type MessagingEvent, type WaMessage } from "./payloads";

const unixSeconds = (at: Date) => String(Math.floor(at.getTime() / 1000));

interface WaBase {
  from: string;
  at?: Date;
  id?: string;
}

const waMessage = (b: WaBase, type: string, body: Record<string, unknown>): WaMessage => ({ from: b.from, id: b.id ?? newWamid(b.from), timestamp: unixSeconds(b.at ?? new Date()), type, ...body });

export const waShared = {
  /** A contact card: `contacts[]` with name, phones (wa_id when the number is on WhatsApp), emails, org. */
  contacts: (b: WaBase & { people: { name: string; phone: string; waId?: string; email?: string; company?: string }[] }) =>
    waMessage(b, "contacts", {
      contacts: b.people.map((p) => {
        const [first, ...rest] = p.name.split(" ");
        return {
          name: { formatted_name: p.name, first_name: first, ...(rest.length && { last_name: rest.join(" ") }) },
          phones: [{ phone: p.phone, ...(p.waId && { wa_id: p.waId }), type: "CELL" }],
          ...(p.email && { emails: [{ email: p.email, type: "WORK" }] }),
          ...(p.company && { org: { company: p.company } }),
        };
      }),
    }),
  /** A catalog order: items with quantity, unit price (a number in the currency's units) and currency. */
  order: (b: WaBase & { catalogId?: string; text?: string; items: { productId: string; quantity: number; unitPrice: number; currency: string }[] }) =>
    waMessage(b, "order", {
      order: {
        catalog_id: b.catalogId ?? "1234567890123456",
        ...(b.text && { text: b.text }),
        product_items: b.items.map((i) => ({ product_retailer_id: i.productId, quantity: i.quantity, item_price: i.unitPrice, currency: i.currency })),
      },
    }),
  /** A Flow's completion: `interactive.nfm_reply` whose response_json is a JSON string with the answers. */
  flowReply: (b: WaBase & { answers: Record<string, unknown>; flowToken?: string }) =>
    waMessage(b, "interactive", {
      interactive: { type: "nfm_reply", nfm_reply: { name: "flow", body: "Sent", response_json: JSON.stringify({ flow_token: b.flowToken ?? "unused", ...b.answers }) } },
    }),
  /** The customer moved to a new number (no contacts array comes with system messages). */
  numberChange: (b: WaBase & { name: string; to: string }) =>
    waMessage(b, "system", { system: { body: `User ${b.name} changed from ${b.from} to ${b.to}`, wa_id: b.to, type: "user_changed_number" } }),
  /** The customer's security code changed (new phone or reinstall). */
  identityChange: (b: WaBase & { name: string }) =>
    waMessage(b, "system", {
      system: { body: `${b.name}'s security code changed`, customer: b.from, type: "customer_identity_changed" },
      identity: { acknowledged: true, created_timestamp: Math.floor((b.at ?? new Date()).getTime() / 1000), hash: "Sjvjlx8G6Z0=" },
    }),
  edit: (b: WaBase & { original: string; text: string }) => waMessage(b, "edit", { edit: { original_message_id: b.original, message: { type: "text", text: { body: b.text } } } }),
  revoke: (b: WaBase & { original: string }) => waMessage(b, "revoke", { revoke: { original_message_id: b.original } }),
};

interface IgBase {
  from: string;
  to: string;
  mid: string;
  at?: Date;
}

const igEvent = (b: IgBase, message: Record<string, unknown>): MessagingEvent => ({
  sender: { id: b.from },
  recipient: { id: b.to },
  timestamp: (b.at ?? new Date()).getTime(),
  message: { mid: b.mid, ...message },
});

export const igShared = {
  /** The customer mentioned the account in their story: the story's CDN link, valid while the story lives. */
  storyMention: (b: IgBase & { url: string }) => igEvent(b, { attachments: [{ type: "story_mention", payload: { url: b.url } }] }),
  /** The customer answered one of the account's stories. */
  storyReply: (b: IgBase & { text: string; url: string; storyId: string }) => igEvent(b, { text: b.text, reply_to: { story: { url: b.url, id: b.storyId } } }),
  /** A shared post (`share` and `ig_post` for the same post, since November 2025) or reel (`ig_reel`). */
  share: (b: IgBase & { kind: "post" | "reel"; mediaId: string; title: string; url: string; text?: string }) =>
    igEvent(b, {
      ...(b.text && { text: b.text }),
      attachments:
        b.kind === "post"
          ? [
              { type: "share", payload: { ig_post_media_id: b.mediaId, title: b.title, url: b.url } },
              { type: "ig_post", payload: { ig_post_media_id: b.mediaId, title: b.title, url: b.url } },
            ]
          : [{ type: "ig_reel", payload: { reel_video_id: b.mediaId, title: b.title, url: b.url } }],
    }),
};
