// Admin → Closing messages: built-ins (in the viewer's language, locked) then custom ones with
// move, edit and delete; the create form above, an edit page per custom message.
import { CLOSING_MESSAGE_MAX, type ClosingMessageRow } from "../../src/admin/closing-messages";
import type { MessageKey } from "../../src/i18n";
import { TextArea, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { MoveButtons } from "./ordering";
import { CreateCard, EditPanel, ListPanel, listPanel, PagedRows, RowActions, type ListPageProps, type RowsProps } from "./resource";

const BASE = "/admin/closing-messages";

/** First and last custom message ids: the first cannot move up, the last cannot move down. */
export type Ends = { first: number | null; last: number | null };

export interface ClosingMessagesPageProps extends ListPageProps<ClosingMessageRow> {
  ends: Ends;
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
      </CreateCard>
    </ListPanel>
  );
}

export function ClosingMessageRows({ ui, rows, next, ends }: RowsProps<ClosingMessageRow> & { ends: Ends }) {
  return (
    <PagedRows ui={ui} base={BASE} next={next}>
      {rows.map((r) => (
        <tr>
          <td>{closingMessageText(ui, r)}</td>
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

export function EditClosingMessagePage({ ui, message, form, flash }: { ui: Ui; message: ClosingMessageRow; form: FormState; flash: Flash }) {
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
    </EditPanel>
  );
}
