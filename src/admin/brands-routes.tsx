// Admin → Brands routes: list, create, rename, delete.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { field, validForm, type FieldErrors, type FormValues } from "../forms";
import { emptyForm } from "../../views/components/form";
import { BrandRows, BrandsPage, EditBrandPage } from "../../views/admin/brands";
import type { Flash } from "../../views/ui";
import { flash, isHtmx, redirect, render, saved, takeFlash, ui, type Ctx } from "../web";
import { BRAND_NAME_MAX, createBrand, deleteBrand, getBrand, listBrands, renameBrand } from "./brands";
import { decodeCursor } from "./pagination";
import { NameTaken } from "./unique-names";

const BASE = "/admin/brands";

const brandSchema = z.object({ name: field.text(BRAND_NAME_MAX) });

type PageOptions = { form?: { values: FormValues; errors: FieldErrors }; flash?: Flash; status?: 200 | 422 };

function nameTaken(c: Ctx, input: { name: string }, e: NameTaken) {
  return { values: { name: input.name }, errors: { [e.field]: c.get("t")(e.reason) } };
}

async function listPage(c: Ctx, opts: PageOptions = {}) {
  const list = await listBrands(c.get("deps").database.db, c.get("actor")!, decodeCursor(c.req.query("after")));
  if (isHtmx(c) && c.req.method === "GET" && c.req.query("after")) {
    return render(c, <BrandRows ui={ui(c)} rows={list.items} next={list.next} />);
  }
  return render(c, <BrandsPage ui={ui(c)} rows={list.items} next={list.next} form={opts.form ?? emptyForm()} flash={opts.flash ?? takeFlash(c)} />, opts.status ?? 200);
}

async function editPage(c: Ctx, id: number, opts: PageOptions = {}) {
  const brand = await getBrand(c.get("deps").database.db, c.get("actor")!, id);
  if (!brand) return c.notFound();
  const form = opts.form ?? emptyForm({ name: brand.name });
  return render(c, <EditBrandPage ui={ui(c)} brand={brand} form={form} flash={opts.flash ?? takeFlash(c)} />, opts.status ?? 200);
}

const idOf = (c: Ctx) => Number(c.req.param("id"));

export function brandsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", (c) => listPage(c));

  app.post(
    "/",
    validForm(brandSchema, (c, errors, values) => listPage(c, { form: { errors, values }, status: 422 })),
    async (c) => {
      const input = c.req.valid("form");
      const { database, clock } = c.get("deps");
      try {
        await createBrand(database.db, c.get("actor")!, input, clock.now());
      } catch (e) {
        if (!(e instanceof NameTaken)) throw e;
        return listPage(c, { form: nameTaken(c, input, e), status: 422 });
      }
      return saved(c, (message) => listPage(c, { flash: message }), BASE);
    },
  );

  app.get("/:id{[0-9]{1,15}}", (c) => editPage(c, idOf(c)));

  app.post(
    "/:id{[0-9]{1,15}}",
    validForm(brandSchema, (c, errors, values) => editPage(c, idOf(c), { form: { errors, values }, status: 422 })),
    async (c) => {
      const input = c.req.valid("form");
      const { database, clock } = c.get("deps");
      try {
        if (!(await renameBrand(database.db, c.get("actor")!, idOf(c), input, clock.now()))) return c.notFound();
      } catch (e) {
        if (!(e instanceof NameTaken)) throw e;
        return editPage(c, idOf(c), { form: nameTaken(c, input, e), status: 422 });
      }
      return saved(c, (message) => editPage(c, idOf(c), { flash: message }), `${BASE}/${idOf(c)}`);
    },
  );

  app.post("/:id{[0-9]{1,15}}/delete", async (c) => {
    const { database, clock } = c.get("deps");
    if (!(await deleteBrand(database.db, c.get("actor")!, idOf(c), clock.now()))) return c.notFound();
    flash(c, "ok", "common.deleted");
    return redirect(c, BASE);
  });

  return app;
}
