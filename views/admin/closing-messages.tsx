// Admin → Closing messages: built-ins (in the viewer's language, locked) then custom ones with
// move, edit and delete; the create form above, an edit page per custom message.
import { CLOSING_MESSAGE_MAX, type ClosingMessageRow } from "../../src/admin/closing-messages";
import type { MessageKey } from "../../src/i18n";
import { Alert, FormError, TextArea, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { MoveButtons } from "./ordering";
import { AdminLayout, LoadMore, withQuery } from "./shell";

const BASE = "/admin/closing-messages";
const PANEL = { "hx-target": "#closing-messages-panel", "hx-select": "#closing-messages-panel", "hx-swap": "outerHTML" };

/** First and last custom message ids: the first cannot move up, the last cannot move down. */
export type Ends = { first: number | null; last: number | null };

export interface ClosingMessagesPageProps {
  ui: Ui;
  rows: ClosingMessageRow[];
  next: string | null;
  ends: Ends;
  form: FormState;
  flash: Flash;
}

export function closingMessageText(ui: Ui, row: Pick<ClosingMessageRow, "builtinKey" | "body">) {
  return row.builtinKey ? ui.t(row.builtinKey as MessageKey) : row.body;
}

export function ClosingMessagesPage(props: ClosingMessagesPageProps) {
  const { ui } = props;
  return (
    <AdminLayout ui={ui} title={ui.t("closingMessages.title")}>
      <div id="closing-messages-panel">
        <h1>{ui.t("closingMessages.title")}</h1>
        <p class="muted">{ui.t("closingMessages.intro")}</p>
        {props.flash ? <Alert kind={props.flash.kind}>{props.flash.text}</Alert> : null}
        <details class="card" open={Object.keys(props.form.errors).length > 0 || undefined}>
          <summary>
            <h2>{ui.t("closingMessages.create")}</h2>
          </summary>
          <form method="post" action={BASE} class="stack" hx-post={BASE} {...PANEL}>
            <FormError form={props.form} text={ui.t("error.fixBelow")} />
            <TextArea form={props.form} name="body" label={ui.t("closingMessages.body")} required maxlength={CLOSING_MESSAGE_MAX} rows={3} />
            <div>
              <button type="submit" class="primary">
                {ui.t("common.create")}
              </button>
            </div>
          </form>
        </details>
        <table class="list">
          <thead>
            <tr>
              <th>{ui.t("closingMessages.body")}</th>
              <th>
                <span class="visually-hidden">{ui.t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody id="closing-messages-rows">
            <ClosingMessageRows ui={ui} rows={props.rows} next={props.next} ends={props.ends} />
          </tbody>
        </table>
        {props.rows.length === 0 ? <p class="empty">{ui.t("closingMessages.empty")}</p> : null}
      </div>
    </AdminLayout>
  );
}

export function ClosingMessageRows({ ui, rows, next, ends }: { ui: Ui; rows: ClosingMessageRow[]; next: string | null; ends: Ends }) {
  return (
    <>
      {rows.map((r) => (
        <tr>
          <td>{closingMessageText(ui, r)}</td>
          <td>
            {r.builtinKey ? (
              <span class="badge muted">{ui.t("admin.builtIn")}</span>
            ) : (
              <div class="row-actions">
                <MoveButtons ui={ui} action={`${BASE}/${r.id}/move`} panel="#closing-messages-panel" canUp={r.id !== ends.first} canDown={r.id !== ends.last} />
                <a href={`${BASE}/${r.id}`}>{ui.t("common.edit")}</a>
                <form method="post" action={`${BASE}/${r.id}/delete`} hx-post={`${BASE}/${r.id}/delete`} {...PANEL} data-confirm={ui.t("closingMessages.confirmDelete")}>
                  <button type="submit" class="link danger-link">
                    {ui.t("common.delete")}
                  </button>
                </form>
              </div>
            )}
          </td>
        </tr>
      ))}
      {next ? <LoadMore ui={ui} href={withQuery(BASE, { after: next })} /> : null}
    </>
  );
}

export function EditClosingMessagePage({ ui, message, form, flash }: { ui: Ui; message: ClosingMessageRow; form: FormState; flash: Flash }) {
  const base = `${BASE}/${message.id}`;
  return (
    <AdminLayout ui={ui} title={ui.t("closingMessages.edit")}>
      <div id="closing-message-panel">
        <p>
          <a href={BASE}>← {ui.t("closingMessages.title")}</a>
        </p>
        <h1>{ui.t("closingMessages.edit")}</h1>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <form method="post" action={base} class="stack card" hx-post={base} hx-target="#closing-message-panel" hx-select="#closing-message-panel" hx-swap="outerHTML">
          <FormError form={form} text={ui.t("error.fixBelow")} />
          <TextArea form={form} name="body" label={ui.t("closingMessages.body")} required maxlength={CLOSING_MESSAGE_MAX} rows={5} />
          <div>
            <button type="submit" class="primary">
              {ui.t("common.save")}
            </button>
          </div>
        </form>
        <form method="post" action={`${base}/delete`} class="actions" data-confirm={ui.t("closingMessages.confirmDelete")}>
          <button type="submit" class="danger">
            {ui.t("common.delete")}
          </button>
        </form>
      </div>
    </AdminLayout>
  );
}
