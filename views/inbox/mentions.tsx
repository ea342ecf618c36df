// The Mentions view (/mentions): notes where a colleague named the reader, until read.
import type { MentionItem } from "../../src/inbox/mentions";
import { Alert } from "../components/form";
import { fullTime } from "../format";
import { Layout } from "../layout";
import type { Flash, Ui } from "../ui";

export function MentionsPage({ ui, items, flash }: { ui: Ui; items: MentionItem[]; flash: Flash }) {
  return (
    <Layout ui={ui} title={ui.t("mentions.title")} live="view=mentions">
      <div class="page mentions-page">
        <h1>{ui.t("mentions.title")}</h1>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <p class="muted">{ui.t("mentions.intro")}</p>
        {items.length ? (
          <form method="post" action="/mentions/read" class="mentions-actions">
            <button type="submit">{ui.t("mentions.markAllRead")}</button>
          </form>
        ) : null}
        <ol class="mention-list" id="mention-list" aria-label={ui.t("mentions.title")}>
          {items.map((m) => (
            <MentionEntry ui={ui} m={m} />
          ))}
        </ol>
        {items.length === 0 ? <p class="empty">{ui.t("mentions.empty")}</p> : null}
      </div>
    </Layout>
  );
}

export function MentionEntry({ ui, m }: { ui: Ui; m: MentionItem }) {
  return (
    <li class="mention-item" id={`mention-${m.id}`}>
      <p class="mention-head">
        <strong>{ui.t("mentions.by", { author: m.authorName ?? ui.t("mentions.someone"), contact: m.contactName })}</strong>{" "}
        <time class="muted" datetime={m.createdAt.toISOString()}>
          {fullTime(m.createdAt, ui.locale, ui.actor!.timezone)}
        </time>
      </p>
      <blockquote class="mention-body">{m.body}</blockquote>
      <a class="button" href={`/inbox/${m.conversationId}?tab=all`}>
        {ui.t("mentions.open")}
      </a>
    </li>
  );
}
