// Admin → Brands routes: list, create, rename, delete.
import { z } from "zod";
import { field } from "../forms";
import { BrandRows, BrandsPage, EditBrandPage } from "../../views/admin/brands";
import { ui } from "../web";
import { BRAND_NAME_MAX, createBrand, deleteBrand, getBrand, listBrands, renameBrand } from "./brands";
import { adminResource, nameTaken } from "./resource";

const brandSchema = z.object({ name: field.text(BRAND_NAME_MAX) });

const refused = nameTaken((input: { name: string }) => ({ name: input.name }));

export function brandsRoutes() {
  return adminResource({
    base: "/admin/brands",
    list: (db, actor, cursor) => listBrands(db, actor, cursor),
    rows: (c, list) => <BrandRows ui={ui(c)} rows={list.items} next={list.next} />,
    listPage: (c, list, form, flash) => <BrandsPage ui={ui(c)} rows={list.items} next={list.next} form={form} flash={flash} />,
    find: getBrand,
    formOf: (brand) => ({ name: brand.name }),
    editPage: (c, brand, form, flash) => <EditBrandPage ui={ui(c)} brand={brand} form={form} flash={flash} />,
    create: { schema: brandSchema, save: createBrand, refused },
    update: { schema: brandSchema, save: renameBrand, refused },
    remove: deleteBrand,
  }).routes;
}
