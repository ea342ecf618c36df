// Admin → Brands: the create form, the list with each brand's channel count, the rename page.
import { BRAND_NAME_MAX, type BrandRow } from "../../src/admin/brands";
import { Alert, Field, FormError, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { AdminLayout, LoadMore, withQuery } from "./shell";

const BASE = "/admin/brands";

export interface BrandsPageProps {
  ui: Ui;
  rows: BrandRow[];
  next: string | null;
  form: FormState;
  flash: Flash;
}

export function BrandsPage(props: BrandsPageProps) {
  const { ui } = props;
  return (
    <AdminLayout ui={ui} title={ui.t("brands.title")}>
      <div id="brands-panel">
        <h1>{ui.t("brands.title")}</h1>
        <p class="muted">{ui.t("brands.intro")}</p>
        {props.flash ? <Alert kind={props.flash.kind}>{props.flash.text}</Alert> : null}
        <details class="card" open={Object.keys(props.form.errors).length > 0 || undefined}>
          <summary>
            <h2>{ui.t("brands.create")}</h2>
          </summary>
          <form method="post" action={BASE} class="stack" hx-post={BASE} hx-target="#brands-panel" hx-select="#brands-panel" hx-swap="outerHTML">
            <BrandFields ui={ui} form={props.form} />
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
              <th>{ui.t("brands.channels")}</th>
              <th>
                <span class="visually-hidden">{ui.t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody id="brands-rows">
            <BrandRows ui={ui} rows={props.rows} next={props.next} />
          </tbody>
        </table>
        {props.rows.length === 0 ? <p class="empty">{ui.t("brands.empty")}</p> : null}
      </div>
    </AdminLayout>
  );
}

function BrandFields({ ui, form }: { ui: Ui; form: FormState }) {
  return (
    <>
      <FormError form={form} text={ui.t("error.fixBelow")} />
      <Field form={form} name="name" label={ui.t("common.name")} required maxlength={BRAND_NAME_MAX} />
    </>
  );
}

export function BrandRows({ ui, rows, next }: { ui: Ui; rows: BrandRow[]; next: string | null }) {
  return (
    <>
      {rows.map((r) => {
        const base = `${BASE}/${r.id}`;
        return (
          <tr>
            <td>
              <a href={base}>{r.name}</a>
            </td>
            <td>{r.channels}</td>
            <td>
              <div class="row-actions">
                <a href={base}>{ui.t("common.edit")}</a>
                <form
                  method="post"
                  action={`${base}/delete`}
                  hx-post={`${base}/delete`}
                  hx-target="#brands-panel"
                  hx-select="#brands-panel"
                  hx-swap="outerHTML"
                  data-confirm={ui.t("brands.confirmDelete", { name: r.name })}
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

export interface EditBrandProps {
  ui: Ui;
  brand: BrandRow;
  form: FormState;
  flash: Flash;
}

export function EditBrandPage({ ui, brand, form, flash }: EditBrandProps) {
  const base = `${BASE}/${brand.id}`;
  return (
    <AdminLayout ui={ui} title={ui.t("brands.edit", { name: brand.name })}>
      <div id="brand-panel">
        <p>
          <a href={BASE}>← {ui.t("brands.title")}</a>
        </p>
        <h1>{ui.t("brands.edit", { name: brand.name })}</h1>
        <p class="muted">{ui.t("brands.channelCount", { count: brand.channels })}</p>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <form method="post" action={base} class="stack card" hx-post={base} hx-target="#brand-panel" hx-select="#brand-panel" hx-swap="outerHTML">
          <BrandFields ui={ui} form={form} />
          <div>
            <button type="submit" class="primary">
              {ui.t("common.save")}
            </button>
          </div>
        </form>
        <form method="post" action={`${base}/delete`} class="actions" data-confirm={ui.t("brands.confirmDelete", { name: brand.name })}>
          <button type="submit" class="danger">
            {ui.t("common.delete")}
          </button>
        </form>
      </div>
    </AdminLayout>
  );
}
