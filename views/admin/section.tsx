// Pages of the simple admin sections (workgroups, brands, tags, quick replies, closing messages,
// CRM fields): a create form above the list, an edit page per row. Sections describe their fields.
import type { Child } from "hono/jsx";
import type { MessageKey } from "../../src/i18n";
import { Alert, FormError, values as formValuesOf, value as formValue, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { AdminLayout, LoadMore, withQuery } from "./shell";

export type FieldSpec =
  | { name: string; label: MessageKey; kind: "text"; max: number; required?: boolean; hint?: MessageKey; readonlyOnEdit?: boolean }
  | { name: string; label: MessageKey; kind: "textarea"; max: number; required?: boolean; hint?: MessageKey; rows?: number }
  | { name: string; label: MessageKey; kind: "color" }
  | { name: string; label: MessageKey; kind: "select"; options: { value: string; label: MessageKey | string }[]; readonlyOnEdit?: boolean }
  | { name: string; label: MessageKey; kind: "checkboxes"; options: { value: string; label: string }[] };

export interface SectionView {
  base: string;
  title: MessageKey;
  createTitle: MessageKey;
  editTitle: MessageKey;
  empty: MessageKey;
  columns: MessageKey[];
}

export interface ListRow {
  id: number;
  cells: Child[];
  /** Rows that cannot be edited (built-ins) show a badge instead of actions. */
  locked?: MessageKey;
  /** Offer moving the row up or down (ordered sections). */
  movable?: boolean;
}

function label(ui: Ui, text: MessageKey | string) {
  return text.includes(".") && !text.includes(" ") ? ui.t(text as MessageKey) : text;
}

export function Fields({ ui, form, fields, editing }: { ui: Ui; form: FormState; fields: FieldSpec[]; editing: boolean }) {
  return (
    <>
      {fields.map((f) => {
        const error = form.errors[f.name];
        const id = `f-${f.name}`;
        const wrap = (control: Child) => (
          <div class={error ? "field has-error" : "field"}>
            {f.kind === "checkboxes" ? null : <label for={id}>{ui.t(f.label)}</label>}
            {control}
            {"hint" in f && f.hint && !error ? <small class="hint">{ui.t(f.hint)}</small> : null}
            {error ? <small class="error">{error}</small> : null}
          </div>
        );
        switch (f.kind) {
          case "text":
            return wrap(
              <input id={id} name={f.name} type="text" value={formValue(form, f.name)} maxlength={f.max} required={f.required} readonly={editing && f.readonlyOnEdit} aria-invalid={error ? "true" : undefined} />,
            );
          case "textarea":
            return wrap(
              <textarea id={id} name={f.name} rows={f.rows ?? 3} maxlength={f.max} required={f.required} aria-invalid={error ? "true" : undefined}>
                {formValue(form, f.name)}
              </textarea>,
            );
          case "color":
            return wrap(<input id={id} name={f.name} type="color" value={formValue(form, f.name) || "#64748b"} />);
          case "select":
            return wrap(
              <select id={id} name={f.name} disabled={editing && f.readonlyOnEdit}>
                {f.options.map((o) => (
                  <option value={o.value} selected={formValue(form, f.name) === o.value}>
                    {label(ui, o.label)}
                  </option>
                ))}
              </select>,
            );
          case "checkboxes": {
            const chosen = new Set(formValuesOf(form, f.name));
            return (
              <fieldset class={error ? "field checkboxes has-error" : "field checkboxes"}>
                <legend>{ui.t(f.label)}</legend>
                {f.options.length === 0 ? <span class="muted">{ui.t("common.none")}</span> : null}
                {f.options.map((o) => (
                  <label>
                    <input type="checkbox" name={f.name} value={o.value} checked={chosen.has(o.value)} /> {o.label}
                  </label>
                ))}
                {error ? <small class="error">{error}</small> : null}
              </fieldset>
            );
          }
        }
      })}
    </>
  );
}

export interface SectionPageProps {
  ui: Ui;
  view: SectionView;
  fields: FieldSpec[];
  rows: ListRow[];
  next: string | null;
  form: FormState;
  flash: Flash;
  /** Extra query kept in links (e.g. a list filter). */
  query?: Record<string, string | undefined>;
  filters?: Child;
  intro?: Child;
}

export function SectionPage(props: SectionPageProps) {
  const { ui, view } = props;
  const open = Object.keys(props.form.errors).length > 0;
  const panel = `${view.base.replace(/\W+/g, "-").replace(/^-/, "")}-panel`;
  return (
    <AdminLayout ui={ui} title={ui.t(view.title)}>
      <div id={panel}>
        <h1>{ui.t(view.title)}</h1>
        {props.intro}
        {props.flash ? <Alert kind={props.flash.kind}>{props.flash.text}</Alert> : null}
        <details class="card" open={open || props.rows.length === 0 || undefined}>
          <summary>
            <h2>{ui.t(view.createTitle)}</h2>
          </summary>
          <form method="post" action={withQuery(view.base, props.query ?? {})} class="stack" hx-post={withQuery(view.base, props.query ?? {})} hx-target={`#${panel}`} hx-select={`#${panel}`} hx-swap="outerHTML">
            <FormError form={props.form} text={ui.t("error.fixBelow")} />
            <Fields ui={ui} form={props.form} fields={props.fields} editing={false} />
            <div>
              <button type="submit" class="primary">
                {ui.t("common.create")}
              </button>
            </div>
          </form>
        </details>
        {props.filters}
        <table class="list">
          <thead>
            <tr>
              {view.columns.map((c) => (
                <th>{ui.t(c)}</th>
              ))}
              <th>
                <span class="visually-hidden">{ui.t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <SectionRows ui={ui} view={view} rows={props.rows} next={props.next} query={props.query} />
          </tbody>
        </table>
        {props.rows.length === 0 ? <p class="empty">{ui.t(view.empty)}</p> : null}
      </div>
    </AdminLayout>
  );
}

export function SectionRows({ ui, view, rows, next, query }: { ui: Ui; view: SectionView; rows: ListRow[]; next: string | null; query?: Record<string, string | undefined> }) {
  return (
    <>
      {rows.map((row) => (
        <tr>
          {row.cells.map((cell) => (
            <td>{cell}</td>
          ))}
          <td>
            <div class="row-actions">
            {row.movable ? (
              <>
                <form method="post" action={`${view.base}/${row.id}/move`}>
                  <input type="hidden" name="direction" value="up" />
                  <button type="submit" class="link" aria-label={ui.t("admin.moveUp")}>
                    ↑
                  </button>
                </form>
                <form method="post" action={`${view.base}/${row.id}/move`}>
                  <input type="hidden" name="direction" value="down" />
                  <button type="submit" class="link" aria-label={ui.t("admin.moveDown")}>
                    ↓
                  </button>
                </form>
              </>
            ) : null}
            {row.locked ? (
              <span class="badge muted">{ui.t(row.locked)}</span>
            ) : (
              <>
                <a href={`${view.base}/${row.id}`}>{ui.t("common.edit")}</a>
                <form method="post" action={`${view.base}/${row.id}/delete`} data-confirm={ui.t("common.confirmDelete")}>
                  <button type="submit" class="link danger-link">
                    {ui.t("common.delete")}
                  </button>
                </form>
              </>
            )}
            </div>
          </td>
        </tr>
      ))}
      {next ? <LoadMore ui={ui} href={withQuery(view.base, { ...query, after: next })} /> : null}
    </>
  );
}

export function SectionEditPage({ ui, view, fields, form, flash, id, name }: { ui: Ui; view: SectionView; fields: FieldSpec[]; form: FormState; flash: Flash; id: number; name: string }) {
  const action = `${view.base}/${id}`;
  return (
    <AdminLayout ui={ui} title={ui.t(view.editTitle, { name })}>
      <div id="section-edit">
        <p>
          <a href={view.base}>← {ui.t(view.title)}</a>
        </p>
        <h1>{ui.t(view.editTitle, { name })}</h1>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <form method="post" action={action} class="stack card" hx-post={action} hx-target="#section-edit" hx-select="#section-edit" hx-swap="outerHTML">
          <FormError form={form} text={ui.t("error.fixBelow")} />
          <Fields ui={ui} form={form} fields={fields} editing />
          <div>
            <button type="submit" class="primary">
              {ui.t("common.save")}
            </button>
          </div>
        </form>
        <form method="post" action={`${action}/delete`} data-confirm={ui.t("common.confirmDelete")} class="actions">
          <button type="submit" class="danger">
            {ui.t("common.delete")}
          </button>
        </form>
      </div>
    </AdminLayout>
  );
}
