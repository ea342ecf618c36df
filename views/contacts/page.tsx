// Contacts: the list with search, and one contact's conversations and notes.
import { ContactRatings } from "../bot/ratings";
import type { ChannelKind } from "../../db/schema";
import { Layout } from "../layout";
import { LoadMore, withQuery } from "../admin/shell";
import { ChannelIcon } from "../inbox/channel-icon";
import { fullTime } from "../format";
import { Alert } from "../components/form";
import type { Flash, Ui } from "../ui";

export interface ContactRow {
  id: number;
  name: string;
  phone: string | null;
  email: string | null;
  ownerName: string | null;
  lastConversationAt: Date | null;
}

export function ContactsPage({ ui, rows, next, search, tags, tag, flash = null }: { ui: Ui; rows: ContactRow[]; next: string | null; search: string; tags: { id: number; name: string }[]; tag: number | null; flash?: Flash }) {
  return (
    <Layout ui={ui} title={ui.t("contacts.title")}>
      <div class="page">
        <div class="page-head">
          <h1>{ui.t("contacts.title")}</h1>
          <a class="button primary" href="/contacts/new">
            {ui.t("contacts.new")}
          </a>
        </div>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <form class="search" method="get" action="/contacts" role="search">
          <label class="visually-hidden" for="contacts-q">
            {ui.t("contacts.search")}
          </label>
          <input id="contacts-q" type="search" name="q" value={search} placeholder={ui.t("contacts.searchPlaceholder")} />
          {tags.length ? (
            <>
              <label class="visually-hidden" for="contacts-tag">
                {ui.t("contacts.tag")}
              </label>
              <select id="contacts-tag" name="tag">
                <option value="">{ui.t("contacts.anyTag")}</option>
                {tags.map((t) => (
                  <option value={String(t.id)} selected={t.id === tag}>
                    {t.name}
                  </option>
                ))}
              </select>
            </>
          ) : null}
          <button type="submit">{ui.t("common.search")}</button>
        </form>
        <table class="list">
          <thead>
            <tr>
              <th>{ui.t("common.name")}</th>
              <th>{ui.t("inbox.phone")}</th>
              <th>{ui.t("common.email")}</th>
              <th>{ui.t("contacts.owner")}</th>
              <th>{ui.t("contacts.lastConversation")}</th>
            </tr>
          </thead>
          <tbody>
            <ContactRows ui={ui} rows={rows} next={next} search={search} tag={tag} />
          </tbody>
        </table>
        {rows.length === 0 ? <p class="empty">{ui.t("contacts.empty")}</p> : null}
      </div>
    </Layout>
  );
}

export function ContactRows({ ui, rows, next, search, tag }: { ui: Ui; rows: ContactRow[]; next: string | null; search: string; tag: number | null }) {
  const tz = ui.actor!.timezone;
  return (
    <>
      {rows.map((r) => (
        <tr>
          <td>
            <a href={`/contacts/${r.id}`}>{r.name}</a>
          </td>
          <td>{r.phone ?? "—"}</td>
          <td>{r.email ?? "—"}</td>
          <td>{r.ownerName ?? "—"}</td>
          <td>{r.lastConversationAt ? fullTime(r.lastConversationAt, ui.locale, tz) : "—"}</td>
        </tr>
      ))}
      {next ? <LoadMore ui={ui} href={withQuery("/contacts", { q: search, tag: tag ? String(tag) : undefined, after: next })} /> : null}
    </>
  );
}

export interface ContactDetail {
  contact: { id: number; name: string; phone: string | null; email: string | null; ownerName: string | null; createdAt: Date; bulkOptedOutAt?: Date | null };
  conversations: { id: number; status: "open" | "closed"; createdAt: Date; lastMessageAt: Date; preview: string; channelKind: ChannelKind; assigneeName: string | null }[];
  notes: { id: number; body: string; createdAt: Date; authorName: string | null }[];
}

export function ContactPage({ ui, detail, channels, ratings = [], flash }: { ui: Ui; detail: ContactDetail; channels: { id: number; name: string; kind: ChannelKind }[]; ratings?: Parameters<typeof ContactRatings>[0]["ratings"]; flash: Flash }) {
  const tz = ui.actor!.timezone;
  const c = detail.contact;
  return (
    <Layout ui={ui} title={c.name}>
      <div class="page">
        <p>
          <a href="/contacts">← {ui.t("contacts.title")}</a>
        </p>
        <div class="page-head">
          <h1>{c.name}</h1>
          <nav class="actions contact-actions" aria-label={ui.t("contacts.actions")}>
            <a class="button" href={`/contacts/${c.id}/edit`}>
              {ui.t("common.edit")}
            </a>
            <a class="button" href={`/contacts/${c.id}/merge`}>
              {ui.t("contacts.merge.action")}
            </a>
            <a class="button danger" href={`/contacts/${c.id}/delete`}>
              {ui.t("common.delete")}
            </a>
          </nav>
        </div>
        <p class="muted">{[c.phone, c.email, c.ownerName ? `${ui.t("contacts.owner")}: ${c.ownerName}` : null].filter(Boolean).join(" · ")}</p>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <form method="post" action={`/contacts/${c.id}/bulk-opt-${c.bulkOptedOutAt ? "in" : "out"}`} class="inline-form bulk-opt-out">
          {c.bulkOptedOutAt ? <span class="badge">{ui.t("bulk.optedOutSince", { at: fullTime(c.bulkOptedOutAt, ui.locale, tz) })}</span> : null}{" "}
          <button type="submit">{ui.t(c.bulkOptedOutAt ? "bulk.optIn" : "bulk.optOut")}</button>
        </form>
        {channels.length ? (
          <form method="get" action="/inbox/new" class="inline-form card start-conversation">
            <input type="hidden" name="contactId" value={String(c.id)} />
            <label>
              {ui.t("contacts.startOn")}{" "}
              <select name="channelId">
                {channels.map((ch) => (
                  <option value={String(ch.id)}>
                    {ch.name} ({ui.t(`inbox.channel.${ch.kind}`)})
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" class="primary">
              {ui.t("contacts.startConversation")}
            </button>
          </form>
        ) : null}
        <div class="two-columns">
          <section class="card">
            <h2>{ui.t("inbox.conversations")}</h2>
            <ul class="plain">
              {detail.conversations.map((cv) => (
                <li>
                  <ChannelIcon ui={ui} kind={cv.channelKind} />{" "}
                  <a href={`/inbox/${cv.id}?tab=all`}>{cv.preview || "…"}</a>{" "}
                  <span class={`badge ${cv.status === "open" ? "status-online" : "muted"}`}>{ui.t(`inbox.status.${cv.status}`)}</span>{" "}
                  <small class="muted">{fullTime(cv.lastMessageAt, ui.locale, tz)}</small>
                </li>
              ))}
            </ul>
          </section>
          <section class="card">
            <h2>{ui.t("contacts.notes")}</h2>
            <ul class="plain">
              {detail.notes.map((n) => (
                <li>
                  <p>{n.body}</p>
                  <small class="muted">
                    {n.authorName ?? "—"} · {fullTime(n.createdAt, ui.locale, tz)}
                  </small>
                </li>
              ))}
            </ul>
            {detail.notes.length === 0 ? <p class="empty">{ui.t("common.empty")}</p> : null}
          </section>
          <ContactRatings ui={ui} ratings={ratings} />
        </div>
      </div>
    </Layout>
  );
}
