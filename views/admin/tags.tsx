// Admin → Tags: the create form, the list with colour swatches and usage, the edit page.
import { TAG_NAME_MAX, type TagRow } from "../../src/admin/tags";
import { Field, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { CreateCard, EditPanel, ListPanel, PagedRows, RowActions, type ListPageProps, type RowsProps } from "./resource";

const BASE = "/admin/tags";

export function TagsPage(props: ListPageProps<TagRow>) {
  const { ui } = props;
  return (
    <ListPanel
      ui={ui}
      section="tags"
      base={BASE}
      flash={props.flash}
      columns={[ui.t("common.name"), ui.t("tags.color"), ui.t("tags.usage")]}
      rows={<TagRows ui={ui} rows={props.rows} next={props.next} />}
      count={props.rows.length}
    >
      <CreateCard ui={ui} section="tags" base={BASE} form={props.form}>
        <TagFields ui={ui} form={props.form} />
      </CreateCard>
    </ListPanel>
  );
}

function TagFields({ ui, form }: { ui: Ui; form: FormState }) {
  return (
    <>
      <div class="row">
        <Field form={form} name="name" label={ui.t("common.name")} required maxlength={TAG_NAME_MAX} />
        <Field form={form} name="color" type="color" label={ui.t("tags.color")} required />
      </div>
    </>
  );
}

export function TagRows({ ui, rows, next }: RowsProps<TagRow>) {
  return (
    <PagedRows ui={ui} base={BASE} next={next}>
      {rows.map((r) => {
        const base = `${BASE}/${r.id}`;
        return (
          <tr>
            <td>
              <span class="swatch" style={`background:${r.color}`} aria-hidden="true"></span>
              <a href={base}>{r.name}</a>
            </td>
            <td>
              <code>{r.color}</code>
            </td>
            <td>{r.conversations}</td>
            <td>
              <RowActions ui={ui} base={BASE} id={r.id} confirm={ui.t("tags.confirmDelete", { name: r.name })} />
            </td>
          </tr>
        );
      })}
    </PagedRows>
  );
}

export interface EditTagProps {
  ui: Ui;
  tag: TagRow;
  form: FormState;
  flash: Flash;
}

export function EditTagPage({ ui, tag, form, flash }: EditTagProps) {
  const title = ui.t("tags.edit", { name: tag.name });
  return (
    <EditPanel
      ui={ui}
      section="tags"
      base={BASE}
      id={tag.id}
      panel="tag-panel"
      title={title}
      heading={
        <>
          <span class="swatch" style={`background:${tag.color}`} aria-hidden="true"></span>
          {title}
        </>
      }
      form={form}
      flash={flash}
      confirmDelete={ui.t("tags.confirmDelete", { name: tag.name })}
      lead={<p class="muted">{ui.t("tags.usageCount", { count: tag.conversations })}</p>}
    >
      <TagFields ui={ui} form={form} />
    </EditPanel>
  );
}
