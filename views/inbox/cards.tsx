// What customers share, drawn as what it is inside their bubble: a contact card with its actions, an
// order with its total, a Flow's answers, a story mention or the story a reply answers, a shared
// post or reel. Each reads its message's metadata (src/channels/whatsapp-kinds.ts, instagram-shares.ts).
import type { FlowReply, Order, SharedContact } from "../../src/channels/whatsapp-kinds";
import type { ShareRef, StoryRef } from "../../src/channels/instagram-shares";
import { fullTime } from "../format";
import type { Ui } from "../ui";

type Meta = Record<string, unknown>;

/** Where a message's own actions and files live: /inbox/{conversation}/messages/{message}. */
/** WhatsApp's label of a phone or an email (CELL, WORK, HOME…) in the reader's language; others as written. */
const TYPES = ["CELL", "WORK", "HOME", "MAIN"] as const;
const typeLabel = (ui: Ui, type: string | null) => {
  if (!type) return "";
  if (type.toUpperCase() === "IPHONE") return " (iPhone)";
  const known = TYPES.find((t) => t === type.toUpperCase());
  return ` (${known ? ui.t(`card.contacts.type.${known}`) : type.toLowerCase()})`;
};

const messagePath = (conversationId: number, messageId: number) => `/inbox/${conversationId}/messages/${messageId}`;

export function ContactsCard({ ui, meta, conversationId, messageId }: { ui: Ui; meta: Meta; conversationId?: number; messageId: number }) {
  const people = (Array.isArray(meta.contacts) ? meta.contacts : []) as (SharedContact & { contactId?: number })[];
  return (
    <div class="card-list">
      {people.map((p, n) => {
        const action = conversationId ? `${messagePath(conversationId, messageId)}/contacts/${n}` : null;
        const whatsapp = p.phones.some((ph) => ph.waId);
        return (
          <section class="share-card contact-card" aria-label={`${ui.t("card.contacts.label")}: ${p.name}`}>
            <p class="card-kind muted">{ui.t("card.contacts.label")}</p>
            <p class="card-title">{p.name}</p>
            {p.organization ? <p class="muted">{p.organization}</p> : null}
            <dl class="card-fields">
              {p.phones.map((ph) => (
                <>
                  <dt>{ui.t("card.contacts.phone")}{typeLabel(ui, ph.type)}</dt>
                  <dd>
                    <a href={`tel:${ph.phone.replace(/[^+\d]/g, "")}`}>{ph.phone}</a>
                  </dd>
                </>
              ))}
              {p.emails.map((e) => (
                <>
                  <dt>{ui.t("card.contacts.email")}{typeLabel(ui, e.type)}</dt>
                  <dd>
                    <a href={`mailto:${e.email}`}>{e.email}</a>
                  </dd>
                </>
              ))}
            </dl>
            {action ? (
              <div class="card-actions">
                {p.contactId ? (
                  <a class="button" href={`/contacts/${p.contactId}`}>
                    {ui.t("card.contacts.open")}
                  </a>
                ) : (
                  <form method="post" action={`${action}/save`}>
                    <button type="submit">{ui.t("card.contacts.save")}</button>
                  </form>
                )}
                {whatsapp ? (
                  <form method="post" action={`${action}/start`}>
                    <button type="submit" class="primary">
                      {ui.t("card.contacts.start")}
                    </button>
                  </form>
                ) : (
                  <p class="muted">{ui.t("card.contacts.noWhatsApp")}</p>
                )}
              </div>
            ) : null}
          </section>
        );
      })}
    </div>
  );
}

function money(ui: Ui, amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(ui.locale, { style: "currency", currency }).format(amount);
  } catch {
    // Not an ISO 4217 code: the number and whatever the provider wrote.
    return `${new Intl.NumberFormat(ui.locale, { maximumFractionDigits: 2 }).format(amount)} ${currency}`.trim();
  }
}

export function OrderCard({ ui, meta }: { ui: Ui; meta: Meta }) {
  const order = meta.order as Order | undefined;
  if (!order) return null;
  const currencies = [...new Set(order.items.map((i) => i.currency))];
  const total = order.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0);
  return (
    <section class="share-card order-card" aria-label={ui.t("card.order.label")}>
      <p class="card-kind muted">
        {ui.t("card.order.label")}
        {order.catalogId ? ` · ${ui.t("card.order.catalog", { id: order.catalogId })}` : ""}
      </p>
      <div class="table-scroll">
        <table class="order-items">
          <thead>
            <tr>
              <th scope="col">{ui.t("card.order.product")}</th>
              <th scope="col" class="num">{ui.t("card.order.quantity")}</th>
              <th scope="col" class="num">{ui.t("card.order.unitPrice")}</th>
              <th scope="col" class="num">{ui.t("card.order.amount")}</th>
            </tr>
          </thead>
          <tbody>
            {order.items.map((i) => (
              <tr>
                <td>{i.productId}</td>
                <td class="num">{i.quantity}</td>
                <td class="num">{money(ui, i.unitPrice, i.currency)}</td>
                <td class="num">{money(ui, i.quantity * i.unitPrice, i.currency)}</td>
              </tr>
            ))}
          </tbody>
          {currencies.length === 1 ? (
            <tfoot>
              <tr>
                <th scope="row" colspan={3}>
                  {ui.t("card.order.total")}
                </th>
                <td class="num order-total">{money(ui, total, currencies[0])}</td>
              </tr>
            </tfoot>
          ) : null}
        </table>
      </div>
      {order.text ? <p class="body">{order.text}</p> : null}
    </section>
  );
}

export function FlowAnswers({ ui, meta }: { ui: Ui; meta: Meta }) {
  const flow = meta.flow as FlowReply | undefined;
  if (!flow) return null;
  return (
    <section class="share-card flow-card" aria-label={ui.t("card.flow.label")}>
      <p class="card-kind muted">
        {ui.t("card.flow.label")}
        {flow.name ? ` · ${flow.name}` : ""}
      </p>
      <dl class="card-fields">
        {flow.answers.map((a) => (
          <>
            <dt>{a.key.replace(/_/g, " ")}</dt>
            <dd>{a.value}</dd>
          </>
        ))}
      </dl>
    </section>
  );
}

/**
 * A story mention, or the story a reply answers. Its picture comes through Kanal from Meta's link
 * each time it is shown (Meta forbids keeping story media); past its end it reads as gone.
 */
export function StoryCard({ ui, meta, conversationId, messageId }: { ui: Ui; meta: Meta; conversationId?: number; messageId: number }) {
  const story = meta.story as StoryRef | undefined;
  if (!story) return null;
  const src = conversationId && story.url ? `${messagePath(conversationId, messageId)}/story` : null;
  const until = fullTime(new Date(story.expiresAt), ui.locale, ui.actor!.timezone);
  return (
    <section class={`share-card story-card story-${story.kind}`} aria-label={ui.t(story.kind === "mention" ? "card.story.mention" : "card.story.reply")}>
      <p class="card-kind muted">{ui.t(story.kind === "mention" ? "card.story.mention" : "card.story.reply")}</p>
      {src ? (
        <>
          <a href={`${src}?play=1`} target="_blank" rel="noopener" class="story-media">
            <img src={src} alt={ui.t("card.story.picture")} loading="lazy" width="180" height="320" />
          </a>
          <p class="muted small">
            {ui.t("card.story.until", { time: until })}{" "}
            <a href={`${src}?play=1`} target="_blank" rel="noopener">
              {ui.t("card.story.open")}
            </a>
          </p>
        </>
      ) : (
        <p class="muted">{ui.t("card.story.gone")}</p>
      )}
    </section>
  );
}

export function ShareCard({ ui, meta }: { ui: Ui; meta: Meta }) {
  const share = meta.share as ShareRef | undefined;
  if (!share) return null;
  return (
    <section class={`share-card post-card share-${share.kind}`} aria-label={ui.t(share.kind === "reel" ? "card.share.reel" : "card.share.post")}>
      <p class="card-kind muted">{ui.t(share.kind === "reel" ? "card.share.reel" : "card.share.post")}</p>
      <p class={share.title ? "card-title" : "card-title muted"}>{share.title || ui.t("card.share.untitled")}</p>
      {share.url ? (
        <p>
          <a href={share.url} target="_blank" rel="noopener noreferrer">
            {ui.t("card.share.open")}
          </a>
        </p>
      ) : null}
    </section>
  );
}
