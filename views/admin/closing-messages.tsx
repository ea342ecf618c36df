// Admin → Closing messages: built-ins (in the viewer's language, locked) then custom ones with
// move, edit and delete; the create form above, an edit page per custom message.
import { CLOSING_MESSAGE_MAX, type ClosingMessageRow, type OrgTemplate } from "../../src/admin/closing-messages";
import type { MessageKey } from "../../src/i18n";
import { Select, TextArea, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { MoveButtons } from "./ordering";
import { CreateCard, EditPanel, ListPanel, listPanel, PagedRows, RowActions, type ListPageProps, type RowsProps } from "./resource";

const BASE = "/admin/closing-messages";

/** First and last custom message ids: the first cannot move up, the last cannot move down. */
export type Ends = { first: number | null; last: number | null };

export interface ClosingMessagesPageProps extends ListPageProps<ClosingMessageRow> {
  ends: Ends;
  templates: OrgTemplate[];
}

/** The WhatsApp template sent once the 24-hour window has passed, and its parameters (shown when the channels have templates). */
function TemplateFields({ ui, form, templates }: { ui: Ui; form: FormState; templates: OrgTemplate[] }) {
  if (!templates.length && !form.values.template) return null;
  const options = [
    { value: "", label: ui.t("closingMessages.templateNone") },
    ...templates.map((t) => ({ value: `${t.name}|${t.language}`, label: `${t.name} (${t.language}) · ${t.body}` })),
  ];
  return (
    <>
      <Select form={form} name="template" label={ui.t("closingMessages.template")} options={options} />
      <p class="hint">{ui.t("closingMessages.templateHint")}</p>
      <TextArea form={form} name="parameters" label={ui.t("closingMessages.parameters")} maxlength={5000} rows={2} />
      <p class="hint">{ui.t("closingMessages.parametersHint")}</p>
    </>
  );
}

export function closingMessageText(ui: Ui, row: Pick<ClosingMessageRow, "builtinKey" | "body">) {
  return row.builtinKey ? ui.t(row.builtinKey as MessageKey) : row.body;
}

export function ClosingMessagesPage(props: ClosingMessagesPageProps) {
  const { ui } = props;
  return (
    <ListPanel
      ui={ui}
      section="closingMessages"
      base={BASE}
      flash={props.flash}
      columns={[ui.t("closingMessages.body")]}
      rows={<ClosingMessageRows ui={ui} rows={props.rows} next={props.next} ends={props.ends} />}
      count={props.rows.length}
    >
      <CreateCard ui={ui} section="closingMessages" base={BASE} form={props.form}>
        <TextArea form={props.form} name="body" label={ui.t("closingMessages.body")} required maxlength={CLOSING_MESSAGE_MAX} rows={3} />
        <TemplateFields ui={ui} form={props.form} templates={props.templates} />
      </CreateCard>
    </ListPanel>
  );
}

export function ClosingMessageRows({ ui, rows, next, ends }: RowsProps<ClosingMessageRow> & { ends: Ends }) {
  return (
    <PagedRows ui={ui} base={BASE} next={next}>
      {rows.map((r) => (
        <tr>
          <td>
            {closingMessageText(ui, r)}
            {r.template ? (
              <small class="hint closing-template">
                {ui.t("closingMessages.templateColumn")}: {r.template.name} ({r.template.language})
              </small>
            ) : null}
          </td>
          <td>
            {r.builtinKey ? (
              <span class="badge muted">{ui.t("admin.builtIn")}</span>
            ) : (
              <RowActions ui={ui} base={BASE} id={r.id} confirm={ui.t("closingMessages.confirmDelete")}>
                <MoveButtons ui={ui} action={`${BASE}/${r.id}/move`} panel={`#${listPanel(BASE)}`} canUp={r.id !== ends.first} canDown={r.id !== ends.last} />
              </RowActions>
            )}
          </td>
        </tr>
      ))}
    </PagedRows>
  );
}

export function EditClosingMessagePage({ ui, message, templates, form, flash }: { ui: Ui; message: ClosingMessageRow; templates: OrgTemplate[]; form: FormState; flash: Flash }) {
  return (
    <EditPanel
      ui={ui}
      section="closingMessages"
      base={BASE}
      id={message.id}
      panel="closing-message-panel"
      title={ui.t("closingMessages.edit")}
      form={form}
      flash={flash}
      confirmDelete={ui.t("closingMessages.confirmDelete")}
    >
      <TextArea form={form} name="body" label={ui.t("closingMessages.body")} required maxlength={CLOSING_MESSAGE_MAX} rows={5} />
      <TemplateFields ui={ui} form={form} templates={templates} />
    </EditPanel>
  );
}
