// Admin → CRM fields: the create form, the ordered list of field definitions, the edit page
// (label and options only: key and type are fixed once contacts hold values under them).
import { customFieldTypes, type CustomFieldType } from "../../db/schema";
import { CUSTOM_FIELD_KEY_MAX, CUSTOM_FIELD_LABEL_MAX, type CustomFieldRow } from "../../src/admin/custom-fields";
import { Alert, Field, FormError, Select, TextArea, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { MoveButtons } from "./ordering";
import { AdminLayout, LoadMore, withQuery } from "./shell";

const BASE = "/admin/custom-fields";
const PANEL = { "hx-target": "#custom-fields-panel", "hx-select": "#custom-fields-panel", "hx-swap": "outerHTML" };
const OPTIONS_MAX = 4000;

/** First and last field ids: the first cannot move up, the last cannot move down. */
export type Ends = { first: number | null; last: number | null };

export function typeLabel(ui: Ui, type: CustomFieldType) {
  return ui.t(`customFields.type.${type}`);
}

export interface CustomFieldsPageProps {
  ui: Ui;
  rows: CustomFieldRow[];
  next: string | null;
  ends: Ends;
  form: FormState;
  flash: Flash;
}

export function CustomFieldsPage(props: CustomFieldsPageProps) {
  const { ui, form } = props;
  return (
    <AdminLayout ui={ui} title={ui.t("customFields.title")}>
      <div id="custom-fields-panel">
        <h1>{ui.t("customFields.title")}</h1>
        <p class="muted">{ui.t("customFields.intro")}</p>
        {props.flash ? <Alert kind={props.flash.kind}>{props.flash.text}</Alert> : null}
        <details class="card" open={Object.keys(form.errors).length > 0 || undefined}>
          <summary>
            <h2>{ui.t("customFields.create")}</h2>
          </summary>
          <form method="post" action={BASE} class="stack" hx-post={BASE} {...PANEL}>
            <FormError form={form} text={ui.t("error.fixBelow")} />
            <div class="row">
              <Field form={form} name="label" label={ui.t("customFields.label")} required maxlength={CUSTOM_FIELD_LABEL_MAX} />
              <Field form={form} name="key" label={ui.t("customFields.key")} maxlength={CUSTOM_FIELD_KEY_MAX} hint={ui.t("customFields.keyHint")} />
              <Select form={form} name="type" label={ui.t("customFields.type")} options={customFieldTypes.map((t) => ({ value: t, label: typeLabel(ui, t) }))} />
            </div>
            <OptionsField ui={ui} form={form} hint={ui.t("customFields.optionsHint")} />
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
              <th>{ui.t("customFields.label")}</th>
              <th>{ui.t("customFields.key")}</th>
              <th>{ui.t("customFields.type")}</th>
              <th>{ui.t("customFields.optionsColumn")}</th>
              <th>
                <span class="visually-hidden">{ui.t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody id="custom-fields-rows">
            <CustomFieldRows ui={ui} rows={props.rows} next={props.next} ends={props.ends} />
          </tbody>
        </table>
        {props.rows.length === 0 ? <p class="empty">{ui.t("customFields.empty")}</p> : null}
      </div>
    </AdminLayout>
  );
}

function OptionsField({ ui, form, hint }: { ui: Ui; form: FormState; hint?: string }) {
  return (
    <div class="stack compact">
      <TextArea form={form} name="options" label={ui.t("customFields.options")} maxlength={OPTIONS_MAX} rows={4} />
      {hint && !form.errors.options ? <small class="hint">{hint}</small> : null}
    </div>
  );
}

/** A value shown like a field but never submitted: it cannot change. */
function Fixed({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="text" value={value} readonly />
    </div>
  );
}

export function CustomFieldRows({ ui, rows, next, ends }: { ui: Ui; rows: CustomFieldRow[]; next: string | null; ends: Ends }) {
  return (
    <>
      {rows.map((r) => (
        <tr>
          <td>
            <a href={`${BASE}/${r.id}`}>{r.label}</a>
          </td>
          <td>
            <code>{r.key}</code>
          </td>
          <td>{typeLabel(ui, r.type)}</td>
          <td>
            <span class="clip">{r.options.join(", ") || "—"}</span>
          </td>
          <td>
            <div class="row-actions">
              <MoveButtons ui={ui} action={`${BASE}/${r.id}/move`} panel="#custom-fields-panel" canUp={r.id !== ends.first} canDown={r.id !== ends.last} />
              <a href={`${BASE}/${r.id}`}>{ui.t("common.edit")}</a>
              <form method="post" action={`${BASE}/${r.id}/delete`} hx-post={`${BASE}/${r.id}/delete`} {...PANEL} data-confirm={ui.t("customFields.confirmDelete", { label: r.label })}>
                <button type="submit" class="link danger-link">
                  {ui.t("common.delete")}
                </button>
              </form>
            </div>
          </td>
        </tr>
      ))}
      {next ? <LoadMore ui={ui} href={withQuery(BASE, { after: next })} /> : null}
    </>
  );
}

export function EditCustomFieldPage({ ui, field, form, flash }: { ui: Ui; field: CustomFieldRow; form: FormState; flash: Flash }) {
  const base = `${BASE}/${field.id}`;
  return (
    <AdminLayout ui={ui} title={ui.t("customFields.edit", { name: field.label })}>
      <div id="custom-field-panel">
        <p>
          <a href={BASE}>← {ui.t("customFields.title")}</a>
        </p>
        <h1>{ui.t("customFields.edit", { name: field.label })}</h1>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <form method="post" action={base} class="stack card" hx-post={base} hx-target="#custom-field-panel" hx-select="#custom-field-panel" hx-swap="outerHTML">
          <FormError form={form} text={ui.t("error.fixBelow")} />
          <div class="row">
            <Field form={form} name="label" label={ui.t("customFields.label")} required maxlength={CUSTOM_FIELD_LABEL_MAX} />
            <Fixed id="f-fixed-key" label={ui.t("customFields.key")} value={field.key} />
            <Fixed id="f-fixed-type" label={ui.t("customFields.type")} value={typeLabel(ui, field.type)} />
          </div>
          <small class="hint">{ui.t("customFields.fixedHint")}</small>
          {field.type === "select" ? <OptionsField ui={ui} form={form} /> : null}
          <div>
            <button type="submit" class="primary">
              {ui.t("common.save")}
            </button>
          </div>
        </form>
        <form method="post" action={`${base}/delete`} class="actions" data-confirm={ui.t("customFields.confirmDelete", { label: field.label })}>
          <button type="submit" class="danger">
            {ui.t("common.delete")}
          </button>
        </form>
      </div>
    </AdminLayout>
  );
}
