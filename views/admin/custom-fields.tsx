// Admin → CRM fields: the create form, the ordered list of field definitions, the edit page
// (label and options only: key and type are fixed once contacts hold values under them).
import { customFieldTypes, type CustomFieldType } from "../../db/schema";
import { CUSTOM_FIELD_KEY_MAX, CUSTOM_FIELD_LABEL_MAX, type CustomFieldRow } from "../../src/admin/custom-fields";
import { Field, Select, TextArea, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { MoveButtons } from "./ordering";
import { CreateCard, EditPanel, ListPanel, listPanel, PagedRows, RowActions, type ListPageProps, type RowsProps } from "./resource";

const BASE = "/admin/custom-fields";
const OPTIONS_MAX = 4000;

/** First and last field ids: the first cannot move up, the last cannot move down. */
export type Ends = { first: number | null; last: number | null };

export function typeLabel(ui: Ui, type: CustomFieldType) {
  return ui.t(`customFields.type.${type}`);
}

export interface CustomFieldsPageProps extends ListPageProps<CustomFieldRow> {
  ends: Ends;
}

export function CustomFieldsPage(props: CustomFieldsPageProps) {
  const { ui, form } = props;
  return (
    <ListPanel
      ui={ui}
      section="customFields"
      base={BASE}
      flash={props.flash}
      columns={[ui.t("customFields.label"), ui.t("customFields.key"), ui.t("customFields.type"), ui.t("customFields.optionsColumn")]}
      rows={<CustomFieldRows ui={ui} rows={props.rows} next={props.next} ends={props.ends} />}
      count={props.rows.length}
    >
      <CreateCard ui={ui} section="customFields" base={BASE} form={form}>
        <div class="row">
          <Field form={form} name="label" label={ui.t("customFields.label")} required maxlength={CUSTOM_FIELD_LABEL_MAX} />
          <Field form={form} name="key" label={ui.t("customFields.key")} maxlength={CUSTOM_FIELD_KEY_MAX} hint={ui.t("customFields.keyHint")} />
          <Select form={form} name="type" label={ui.t("customFields.type")} options={customFieldTypes.map((t) => ({ value: t, label: typeLabel(ui, t) }))} />
        </div>
        <OptionsField ui={ui} form={form} hint={ui.t("customFields.optionsHint")} />
      </CreateCard>
    </ListPanel>
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

export function CustomFieldRows({ ui, rows, next, ends }: RowsProps<CustomFieldRow> & { ends: Ends }) {
  return (
    <PagedRows ui={ui} base={BASE} next={next}>
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
            <RowActions ui={ui} base={BASE} id={r.id} confirm={ui.t("customFields.confirmDelete", { label: r.label })}>
              <MoveButtons ui={ui} action={`${BASE}/${r.id}/move`} panel={`#${listPanel(BASE)}`} canUp={r.id !== ends.first} canDown={r.id !== ends.last} />
            </RowActions>
          </td>
        </tr>
      ))}
    </PagedRows>
  );
}

export function EditCustomFieldPage({ ui, field, form, flash }: { ui: Ui; field: CustomFieldRow; form: FormState; flash: Flash }) {
  return (
    <EditPanel
      ui={ui}
      section="customFields"
      base={BASE}
      id={field.id}
      panel="custom-field-panel"
      title={ui.t("customFields.edit", { name: field.label })}
      form={form}
      flash={flash}
      confirmDelete={ui.t("customFields.confirmDelete", { label: field.label })}
    >
      <div class="row">
        <Field form={form} name="label" label={ui.t("customFields.label")} required maxlength={CUSTOM_FIELD_LABEL_MAX} />
        <Fixed id="f-fixed-key" label={ui.t("customFields.key")} value={field.key} />
        <Fixed id="f-fixed-type" label={ui.t("customFields.type")} value={typeLabel(ui, field.type)} />
      </div>
      <small class="hint">{ui.t("customFields.fixedHint")}</small>
      {field.type === "select" ? <OptionsField ui={ui} form={form} /> : null}
    </EditPanel>
  );
}
