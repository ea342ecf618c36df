// WhatsApp message kinds beyond text and media, as the Cloud API's webhook references write them:
// shared contact cards, catalog orders, Flow replies (nfm_reply), system messages (a new number, a
// changed identity) and a customer's edits and revocations. Each becomes what it is in Kanal.
import type { InboundEvent, InboundMessage } from "./types";

type Obj = Record<string, any>;

/** A person in a shared contact card (`contacts[]` of a `contacts` message). */
export interface SharedContact {
  name: string;
  phones: { phone: string; waId: string | null; type: string | null }[];
  emails: { email: string; type: string | null }[];
  organization: string | null;
}

/** A catalog order (`order` message): its items with quantities and unit prices. */
export interface Order {
  catalogId: string | null;
  text: string;
  items: { productId: string; quantity: number; unitPrice: number; currency: string }[];
}

/** A Flow's answers (`nfm_reply`), in the order the customer filled them in. */
export interface FlowReply {
  name: string | null;
  answers: { key: string; value: string }[];
}

type Common = Omit<InboundMessage, "kind" | "body" | "metadata">;

const asArray = (value: unknown): Obj[] => (Array.isArray(value) ? value : []);
const text = (value: unknown) => (typeof value === "string" ? value : value === undefined || value === null ? "" : String(value));
const unix = (seconds: unknown) => new Date(Number(seconds) * 1000);

/** The event for a message of one of these kinds, or undefined when `m.type` is not one of them. */
export function whatsappKind(m: Obj, common: Common): InboundEvent | null | undefined {
  switch (m.type) {
    case "contacts":
      return contactsMessage(m, common);
    case "order":
      return orderMessage(m, common);
    case "system":
      return systemMessage(m, common);
    case "edit": {
      const target = m.edit?.original_message_id;
      if (!target) return null;
      const edited = m.edit.message ?? {};
      const body = edited.type === "text" ? text(edited.text?.body) : text(edited[edited.type]?.caption);
      return { type: "edit", targetProviderMessageId: String(target), externalId: common.externalId, body, at: unix(m.timestamp) };
    }
    case "revoke": {
      const target = m.revoke?.original_message_id;
      if (!target) return null;
      return { type: "unsend", targetProviderMessageId: String(target), externalId: common.externalId, at: unix(m.timestamp) };
    }
    case "interactive":
      return m.interactive?.type === "nfm_reply" ? flowReply(m, common) : undefined;
    default:
      return undefined;
  }
}

function contactsMessage(m: Obj, common: Common): InboundMessage {
  const people: SharedContact[] = asArray(m.contacts).map((c) => ({
    name: text(c.name?.formatted_name) || [c.name?.first_name, c.name?.last_name].filter(Boolean).join(" ") || text(asArray(c.phones)[0]?.phone),
    phones: asArray(c.phones)
      .filter((p) => p.phone || p.wa_id)
      .map((p) => ({ phone: text(p.phone) || `+${p.wa_id}`, waId: p.wa_id ? String(p.wa_id) : null, type: p.type ? String(p.type) : null })),
    emails: asArray(c.emails)
      .filter((e) => e.email)
      .map((e) => ({ email: text(e.email), type: e.type ? String(e.type) : null })),
    organization: [c.org?.company, c.org?.title].filter(Boolean).join(", ") || null,
  }));
  // The list row and search read the body: the names, one after another.
  return { ...common, kind: "contacts", body: people.map((p) => p.name).join(", "), metadata: { contacts: people } };
}

function orderMessage(m: Obj, common: Common): InboundMessage {
  const o = m.order ?? {};
  const order: Order = {
    catalogId: o.catalog_id ? String(o.catalog_id) : null,
    text: text(o.text),
    items: asArray(o.product_items).map((i) => ({
      productId: text(i.product_retailer_id),
      quantity: Number(i.quantity) || 0,
      unitPrice: Number(i.item_price) || 0,
      currency: text(i.currency).toUpperCase(),
    })),
  };
  return { ...common, kind: "order", body: order.text, metadata: { order } };
}

/** A Flow's answers from its response_json (a JSON string); the flow_token is Kanal's own, not an answer. */
function flowReply(m: Obj, common: Common): InboundMessage {
  const reply = m.interactive.nfm_reply ?? {};
  let parsed: unknown = null;
  try {
    parsed = typeof reply.response_json === "string" ? JSON.parse(reply.response_json) : reply.response_json;
  } catch {
    parsed = null;
  }
  const answers = parsed && typeof parsed === "object" && !Array.isArray(parsed)
    ? Object.entries(parsed as Obj)
        .filter(([key]) => key !== "flow_token")
        .map(([key, value]) => ({ key, value: Array.isArray(value) ? value.map(text).join(", ") : typeof value === "object" && value !== null ? JSON.stringify(value) : text(value) }))
    : [];
  const flow: FlowReply = { name: reply.name && reply.name !== "flow" ? String(reply.name) : null, answers };
  const body = answers.length ? answers.map((a) => `${a.key}: ${a.value}`).join("\n") : text(reply.body);
  return { ...common, kind: "text", body, metadata: { interactive: "nfm_reply", flow, responseJson: reply.response_json } };
}

/** `user_changed_number` (`customer_changed_number` in older versions) and `customer_identity_changed`. */
function systemMessage(m: Obj, common: Common): InboundEvent | null {
  const s = m.system ?? {};
  const base = { type: "identity" as const, providerMessageId: String(m.id), externalId: common.externalId, body: text(s.body), at: unix(m.timestamp) };
  if (s.type === "user_changed_number" || s.type === "customer_changed_number") {
    const next = s.wa_id ?? s.new_wa_id;
    if (!next || String(next) === common.externalId || String(next) === String(m.from)) return null;
    return { ...base, change: "number", newExternalId: String(next) };
  }
  if (s.type === "customer_identity_changed" || m.identity) return { ...base, externalId: s.customer ? String(s.customer) : common.externalId, change: "identity" };
  return null;
}
