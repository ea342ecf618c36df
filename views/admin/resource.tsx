// The view shell every admin section's pages share: the list panel (create form, table, "Load more"),
// a row's edit and delete actions, and the edit panel. A section fills in its own fields and cells.
// htmx swaps the panel a form is in (`#<id>`); without JS the same forms post and are redirected.
import type { Child } from "hono/jsx";
import { Alert, FormError, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { AdminLayout, LoadMore, withQuery } from "./shell";

/** htmx: answer with the page, keep only this panel of it, and put it in the panel's place. */
const swapping = (panel: string) => ({ "hx-target": `#${panel}`, "hx-select": `#${panel}`, "hx-swap": "outerHTML" });

function Submit({ label }: { label: string }) {
  return (
    <div>
      <button type="submit" class="primary">
        {label}
      </button>
    </div>
  );
}

/** A section's catalog prefix: its `.title`, `.intro`, `.create` and `.empty` texts. */
export type Section = "tags" | "brands" | "workgroups" | "quickReplies" | "closingMessages" | "customFields" | "channels" | "blockedContacts";

/** One page of a list's rows and the cursor of the next page, if any. */
export interface RowsProps<Row> {
  ui: Ui;
  rows: Row[];
  next: string | null;
}

/** What every list page is drawn from; a section adds what else it shows. */
export interface ListPageProps<Row> extends RowsProps<Row> {
  form: FormState;
  flash: Flash;
}

/** The list panel's id, which htmx swaps after a create, delete or move: `/admin/tags` → `tags-panel`. */
export const listPanel = (base: string) => `${base.slice(base.lastIndexOf("/") + 1)}-panel`;

export interface ListPanelProps {
  ui: Ui;
  section: Section;
  /** The section's URL, e.g. "/admin/tags"; it names the panel and the rows' `<tbody>`. */
  base: string;
  flash: Flash;
  /** Column headings; the actions column is added. */
  columns: string[];
  rows: Child;
  /** How many rows the page has: none shows the section's "empty" text. */
  count: number;
  /** The list is narrowed by filters, so an empty one says "nothing matches" instead. */
  filtered?: boolean;
  /** What comes between the flash and the table: the create form, filters. */
  children?: Child;
}

export function ListPanel(props: ListPanelProps) {
  const { ui, section } = props;
  const title = ui.t(`${section}.title`);
  const name = props.base.slice(props.base.lastIndexOf("/") + 1);
  return (
    <AdminLayout ui={ui} title={title}>
      <div id={listPanel(props.base)}>
        <h1>{title}</h1>
        <p class="muted">{ui.t(`${section}.intro`)}</p>
        {props.flash ? <Alert kind={props.flash.kind}>{props.flash.text}</Alert> : null}
        {props.children}
        <table class="list">
          <thead>
            <tr>
              {props.columns.map((c) => (
                <th>{c}</th>
              ))}
              <th>
                <span class="visually-hidden">{ui.t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody id={`${name}-rows`}>{props.rows}</tbody>
        </table>
        {props.count === 0 ? <p class="empty">{ui.t(props.filtered ? "common.empty" : `${section}.empty`)}</p> : null}
      </div>
    </AdminLayout>
  );
}

export interface CreateCardProps {
  ui: Ui;
  section: Exclude<Section, "channels" | "blockedContacts">;
  base: string;
  /** Where the form posts when not to `base` (a filtered list keeps its filters). */
  action?: string;
  form: FormState;
  children: Child;
}

/** The create form, folded away until a rejected one needs fixing. */
export function CreateCard({ ui, section, base, action = base, form, children }: CreateCardProps) {
  return (
    <details class="card" open={Object.keys(form.errors).length > 0 || undefined}>
      <summary>
        <h2>{ui.t(`${section}.create`)}</h2>
      </summary>
      <form method="post" action={action} class="stack" hx-post={action} {...swapping(listPanel(base))}>
        <FormError form={form} text={ui.t("error.fixBelow")} />
        {children}
        <Submit label={ui.t("common.create")} />
      </form>
    </details>
  );
}

export interface PagedRowsProps {
  ui: Ui;
  base: string;
  /** The next page's cursor; none, no "Load more". */
  next: string | null;
  /** The list's filters, kept by the next page. */
  query?: Record<string, string | undefined>;
  children: Child;
}

/** A list's rows and, when there are more, the "Load more" row fetching the next page. */
export function PagedRows({ ui, base, next, query, children }: PagedRowsProps) {
  return (
    <>
      {children}
      {next ? <LoadMore ui={ui} href={withQuery(base, { ...query, after: next })} /> : null}
    </>
  );
}

export interface RowActionsProps {
  ui: Ui;
  base: string;
  id: number;
  confirm: string;
  /** Where the delete posts when not to `<base>/<id>/delete` (a filtered list keeps its filters). */
  remove?: string;
  /** Actions before "Edit" (move buttons). */
  children?: Child;
}

/** A row's "Edit" link and "Delete" button; htmx redraws the list panel after the delete. */
export function RowActions({ ui, base, id, confirm, remove = `${base}/${id}/delete`, children }: RowActionsProps) {
  return (
    <div class="row-actions">
      {children}
      <a href={`${base}/${id}`}>{ui.t("common.edit")}</a>
      <form method="post" action={remove} hx-post={remove} {...swapping(listPanel(base))} data-confirm={confirm}>
        <button type="submit" class="link danger-link">
          {ui.t("common.delete")}
        </button>
      </form>
    </div>
  );
}

export interface EditPanelProps {
  ui: Ui;
  section: Exclude<Section, "channels" | "blockedContacts">;
  base: string;
  id: number;
  /** The edit panel's element id, which htmx swaps after a save. */
  panel: string;
  title: string;
  /** The heading when it shows more than the title (a swatch). */
  heading?: Child;
  /** A line under the heading (how often the item is used). */
  lead?: Child;
  form: FormState;
  flash: Flash;
  confirmDelete: string;
  /** The form's fields. */
  children: Child;
}

/** An item's page: back to the list, its form (posting to `<base>/<id>`) and its delete button. */
export function EditPanel(props: EditPanelProps) {
  const { ui } = props;
  const action = `${props.base}/${props.id}`;
  return (
    <AdminLayout ui={ui} title={props.title}>
      <div id={props.panel}>
        <p>
          <a href={props.base}>← {ui.t(`${props.section}.title`)}</a>
        </p>
        <h1>{props.heading ?? props.title}</h1>
        {props.lead}
        {props.flash ? <Alert kind={props.flash.kind}>{props.flash.text}</Alert> : null}
        <form method="post" action={action} class="stack card" hx-post={action} {...swapping(props.panel)}>
          <FormError form={props.form} text={ui.t("error.fixBelow")} />
          {props.children}
          <Submit label={ui.t("common.save")} />
        </form>
        <form method="post" action={`${action}/delete`} class="actions" data-confirm={props.confirmDelete}>
          <button type="submit" class="danger">
            {ui.t("common.delete")}
          </button>
        </form>
      </div>
    </AdminLayout>
  );
}
