// Admin → Tags: the create form, the list with colour swatches and usage, the edit page.
import { TAG_NAME_MAX, type TagRow } from "../../src/admin/tags";
import { Alert, Field, FormError, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { AdminLayout, LoadMore, withQuery } from "./shell";

const BASE = "/admin/tags";

export interface TagsPageProps {
  ui: Ui;
  rows: TagRow[];
  next: string | null;
  form: FormState;
  flash: Flash;
}

export function TagsPage(props: TagsPageProps) {
  const { ui } = props;
  return (
    <AdminLayout ui={ui} title={ui.t("tags.title")}>
      <div id="tags-panel">
        <h1>{ui.t("tags.title")}</h1>
        <p class="muted">{ui.t("tags.intro")}</p>
        {props.flash ? <Alert kind={props.flash.kind}>{props.flash.text}</Alert> : null}
        <details class="card" open={Object.keys(props.form.errors).length > 0 || undefined}>
          <summary>
            <h2>{ui.t("tags.create")}</h2>
          </summary>
          <form method="post" action={BASE} class="stack" hx-post={BASE} hx-target="#tags-panel" hx-select="#tags-panel" hx-swap="outerHTML">
            <TagFields ui={ui} form={props.form} />
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
              <th>{ui.t("common.name")}</th>
              <th>{ui.t("tags.color")}</th>
              <th>{ui.t("tags.usage")}</th>
              <th>
                <span class="visually-hidden">{ui.t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody id="tags-rows">
            <TagRows ui={ui} rows={props.rows} next={props.next} />
          </tbody>
        </table>
        {props.rows.length === 0 ? <p class="empty">{ui.t("tags.empty")}</p> : null}
      </div>
    </AdminLayout>
  );
}

function TagFields({ ui, form }: { ui: Ui; form: FormState }) {
  return (
    <>
      <FormError form={form} text={ui.t("error.fixBelow")} />
      <div class="row">
        <Field form={form} name="name" label={ui.t("common.name")} required maxlength={TAG_NAME_MAX} />
        <Field form={form} name="color" type="color" label={ui.t("tags.color")} required />
      </div>
    </>
  );
}

export function TagRows({ ui, rows, next }: { ui: Ui; rows: TagRow[]; next: string | null }) {
  return (
    <>
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
              <div class="row-actions">
                <a href={base}>{ui.t("common.edit")}</a>
                <form
                  method="post"
                  action={`${base}/delete`}
                  hx-post={`${base}/delete`}
                  hx-target="#tags-panel"
                  hx-select="#tags-panel"
                  hx-swap="outerHTML"
                  data-confirm={ui.t("tags.confirmDelete", { name: r.name })}
                >
                  <button type="submit" class="link danger-link">
                    {ui.t("common.delete")}
                  </button>
                </form>
              </div>
            </td>
          </tr>
        );
      })}
      {next ? <LoadMore ui={ui} href={withQuery(BASE, { after: next })} /> : null}
    </>
  );
}

export interface EditTagProps {
  ui: Ui;
  tag: TagRow;
  form: FormState;
  flash: Flash;
}

export function EditTagPage({ ui, tag, form, flash }: EditTagProps) {
  const base = `${BASE}/${tag.id}`;
  return (
    <AdminLayout ui={ui} title={ui.t("tags.edit", { name: tag.name })}>
      <div id="tag-panel">
        <p>
          <a href={BASE}>← {ui.t("tags.title")}</a>
        </p>
        <h1>
          <span class="swatch" style={`background:${tag.color}`} aria-hidden="true"></span>
          {ui.t("tags.edit", { name: tag.name })}
        </h1>
        <p class="muted">{ui.t("tags.usageCount", { count: tag.conversations })}</p>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <form method="post" action={base} class="stack card" hx-post={base} hx-target="#tag-panel" hx-select="#tag-panel" hx-swap="outerHTML">
          <TagFields ui={ui} form={form} />
          <div>
            <button type="submit" class="primary">
              {ui.t("common.save")}
            </button>
          </div>
        </form>
        <form method="post" action={`${base}/delete`} class="actions" data-confirm={ui.t("tags.confirmDelete", { name: tag.name })}>
          <button type="submit" class="danger">
            {ui.t("common.delete")}
          </button>
        </form>
      </div>
    </AdminLayout>
  );
}
