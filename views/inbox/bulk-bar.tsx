// Bulk actions above the list: a form whose checkboxes are the rows' (form="bulk-form"), one choice
// of action and an Apply button; without JavaScript it posts and shows the summary page, with htmx
// the summary appears above the list (#bulk-summary) while the rows change live. static/bulk.js
// adds shift-click ranges and keeps the picks across live redraws.
import type { BulkChoices } from "../../src/inbox/bulk-actions";
import { staticUrl } from "../../src/static";
import { Layout } from "../layout";
import type { Ui } from "../ui";
import { closingText } from "./menus";

export function BulkBar({ ui, choices, pageIds, action }: { ui: Ui; choices: BulkChoices; pageIds: number[]; action: string }) {
  return (
    <form id="bulk-form" class="bulk-actions" method="post" action={action} hx-post={action} hx-target="#bulk-summary" hx-swap="innerHTML">
      <label class="bulk-all">
        <input type="checkbox" name="all" value="1" data-bulk-all />
        {ui.t("bulkActions.selectPage")}
      </label>
      {pageIds.map((id) => (
        <input type="hidden" name="page_ids" value={String(id)} />
      ))}
      <span class="bulk-count muted" aria-live="polite" data-bulk-count data-template={ui.t("bulkActions.selected", { count: "#" })}></span>
      <label class="visually-hidden" for="bulk-choice">
        {ui.t("bulkActions.action")}
      </label>
      <span class="bulk-do">
        <select id="bulk-choice" name="choice" required>
          <option value="">{ui.t("bulkActions.action")}</option>
          <optgroup label={ui.t("bulkActions.assignTo")}>
            {choices.people.map((p) => (
              <option value={`assign:user:${p.id}`}>{p.name}</option>
            ))}
            {choices.groups.map((g) => (
              <option value={`assign:group:${g.id}`}>{g.name}</option>
            ))}
            <option value="assign:none">{ui.t("inbox.unassign")}</option>
          </optgroup>
          <optgroup label={ui.t("bulkActions.closeWith")}>
            {choices.closings.map((c) => (
              <option value={`close:${c.id}`}>{closingText(ui, c)}</option>
            ))}
            <option value="close:none">{ui.t("closing.withoutMessage")}</option>
          </optgroup>
          {choices.tags.length ? (
            <optgroup label={ui.t("bulkActions.addTag")}>
              {choices.tags.map((t) => (
                <option value={`tag:${t.id}`}>{t.name}</option>
              ))}
            </optgroup>
          ) : null}
          <optgroup label={ui.t("bulkActions.other")}>
            <option value="spam" data-confirm={ui.t("bulkActions.confirmSpam")}>
              {ui.t("inbox.markSpam")}
            </option>
          </optgroup>
        </select>
        <button type="submit">{ui.t("bulkActions.apply")}</button>
      </span>
      <script src={staticUrl("bulk.js")} defer></script>
    </form>
  );
}

/** One line of the summary: a conversation's contact, and what happened or why not. */
export interface SummaryLine {
  id: number;
  name: string | null;
  text?: string;
}

export interface SummaryProps {
  ui: Ui;
  title: string;
  done: SummaryLine[];
  refused: SummaryLine[];
  error?: string | null;
}

/** What a bulk action did and refused, and why; swapped into #bulk-summary or shown on its own page. */
export function BulkSummary({ ui, title, done, refused, error }: SummaryProps) {
  if (error) {
    return (
      <div class="bulk-summary error" role="alert">
        <p>{error}</p>
      </div>
    );
  }
  const who = (l: SummaryLine) => l.name ?? ui.t("bulkActions.unknown", { id: String(l.id) });
  return (
    <div class="bulk-summary" role="status">
      <p>
        <strong>{title}</strong> {ui.t("bulkActions.doneCount", { count: String(done.length) })}
        {refused.length ? ` · ${ui.t("bulkActions.refusedCount", { count: String(refused.length) })}` : ""}
      </p>
      {done.length ? <p class="bulk-done muted">{done.map(who).join(", ")}</p> : null}
      {done.some((l) => l.text) || refused.length ? (
        <ul class="plain">
          {done
            .filter((l) => l.text)
            .map((l) => (
              <li class="bulk-note">
                {who(l)}: {l.text}
              </li>
            ))}
          {refused.map((l) => (
            <li class="bulk-refused">
              {who(l)}: {l.text}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Without JavaScript: the summary on a page of its own, with the way back to the list. */
export function BulkResultPage(props: SummaryProps & { back: string }) {
  const { ui } = props;
  return (
    <Layout ui={ui} title={ui.t("bulkActions.resultTitle")}>
      <section class="page bulk-result">
        <h1>{ui.t("bulkActions.resultTitle")}</h1>
        <BulkSummary {...props} />
        <p>
          <a class="button" href={props.back}>
            {ui.t("bulkActions.back")}
          </a>
        </p>
      </section>
    </Layout>
  );
}
