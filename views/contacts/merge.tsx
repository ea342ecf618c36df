// Merging another contact into this one: find it, see what moves, confirm; or be told which open
// conversation to close first when both have one.
import { Layout } from "../layout";
import { Alert } from "../components/form";
import type { ContactDetail, ContactRow } from "./page";
import type { Ui } from "../ui";

type Props = { ui: Ui; kept: ContactDetail; other: ContactDetail | null; matches: ContactRow[]; search: string; clashes: number[] };

const handle = (c: { phone: string | null; email: string | null }) => [c.phone, c.email].filter(Boolean).join(" · ");

export function ContactMergePage({ ui, kept, other, matches, search, clashes }: Props) {
  const k = kept.contact;
  const title = ui.t("contacts.merge.title", { name: k.name });
  return (
    <Layout ui={ui} title={title}>
      <div class="page narrow contact-merge">
        <p>
          <a href={`/contacts/${k.id}`}>← {ui.t("contacts.backToContact")}</a>
        </p>
        <h1>{title}</h1>
        <p class="muted">{ui.t("contacts.merge.intro")}</p>
        {clashes.length ? (
          <Alert kind="error">
            {ui.t("contacts.merge.bothOpen")}{" "}
            {clashes.map((id) => (
              <>
                <a href={`/inbox/${id}?tab=all`}>{ui.t("contacts.merge.conversation", { id })}</a>{" "}
              </>
            ))}
          </Alert>
        ) : null}
        {other ? (
          <form method="post" action={`/contacts/${k.id}/merge`} class="stack card merge-confirm">
            <input type="hidden" name="mergedId" value={String(other.contact.id)} />
            <p>
              {ui.t("contacts.merge.what", { merged: other.contact.name, kept: k.name })}
            </p>
            <ul>
              <li>{ui.t("contacts.merge.moves", { conversations: other.conversations.length, notes: other.notes.length })}</li>
              <li>{ui.t("contacts.merge.keeps", { name: k.name, handle: handle(k) || "—" })}</li>
              <li>{ui.t("contacts.merge.gone", { name: other.contact.name, handle: handle(other.contact) || "—" })}</li>
            </ul>
            <div class="actions">
              <button type="submit" class="primary">
                {ui.t("contacts.merge.button")}
              </button>
              <a href={`/contacts/${other.contact.id}/merge?other=${k.id}`}>{ui.t("contacts.merge.swap", { name: other.contact.name })}</a>
              <a href={`/contacts/${k.id}/merge`}>{ui.t("common.cancel")}</a>
            </div>
          </form>
        ) : (
          <section class="card">
            <form class="search" method="get" action={`/contacts/${k.id}/merge`} role="search">
              <label for="merge-q">{ui.t("contacts.merge.find")}</label>
              <input id="merge-q" type="search" name="q" value={search} placeholder={ui.t("contacts.searchPlaceholder")} />
              <button type="submit">{ui.t("common.search")}</button>
            </form>
            {search ? (
              matches.length ? (
                <ul class="plain contact-matches">
                  {matches.map((m) => (
                    <li>
                      <a href={`/contacts/${k.id}/merge?other=${m.id}`}>{m.name}</a> <span class="muted">{handle(m)}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p class="muted">{ui.t("contacts.empty")}</p>
              )
            ) : null}
          </section>
        )}
      </div>
    </Layout>
  );
}
