// Admin → Brands: the create form, the list with each brand's channel count, the rename page.
import { BRAND_NAME_MAX, type BrandRow } from "../../src/admin/brands";
import { Field, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { CreateCard, EditPanel, ListPanel, PagedRows, RowActions, type ListPageProps, type RowsProps } from "./resource";

const BASE = "/admin/brands";

export function BrandsPage(props: ListPageProps<BrandRow>) {
  const { ui } = props;
  return (
    <ListPanel
      ui={ui}
      section="brands"
      base={BASE}
      flash={props.flash}
      columns={[ui.t("common.name"), ui.t("brands.channels")]}
      rows={<BrandRows ui={ui} rows={props.rows} next={props.next} />}
      count={props.rows.length}
    >
      <CreateCard ui={ui} section="brands" base={BASE} form={props.form}>
        <BrandFields ui={ui} form={props.form} />
      </CreateCard>
    </ListPanel>
  );
}

function BrandFields({ ui, form }: { ui: Ui; form: FormState }) {
  return <Field form={form} name="name" label={ui.t("common.name")} required maxlength={BRAND_NAME_MAX} />;
}

export function BrandRows({ ui, rows, next }: RowsProps<BrandRow>) {
  return (
    <PagedRows ui={ui} base={BASE} next={next}>
      {rows.map((r) => {
        const base = `${BASE}/${r.id}`;
        return (
          <tr>
            <td>
              <a href={base}>{r.name}</a>
            </td>
            <td>{r.channels}</td>
            <td>
              <RowActions ui={ui} base={BASE} id={r.id} confirm={ui.t("brands.confirmDelete", { name: r.name })} />
            </td>
          </tr>
        );
      })}
    </PagedRows>
  );
}

export interface EditBrandProps {
  ui: Ui;
  brand: BrandRow;
  form: FormState;
  flash: Flash;
}

export function EditBrandPage({ ui, brand, form, flash }: EditBrandProps) {
  return (
    <EditPanel
      ui={ui}
      section="brands"
      base={BASE}
      id={brand.id}
      panel="brand-panel"
      title={ui.t("brands.edit", { name: brand.name })}
      form={form}
      flash={flash}
      confirmDelete={ui.t("brands.confirmDelete", { name: brand.name })}
      lead={<p class="muted">{ui.t("brands.channelCount", { count: brand.channels })}</p>}
    >
      <BrandFields ui={ui} form={form} />
    </EditPanel>
  );
}
