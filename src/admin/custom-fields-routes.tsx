// Admin → CRM fields routes: list, create, edit (label, options), delete, reorder.
import { Hono } from "hono";
import { z } from "zod";
import { customFieldTypes } from "@db/schema";
import type { AppEnv } from "../context";
import { field, validForm, type FieldErrors, type FormValues } from "../forms";
import { emptyForm } from "../../views/components/form";
import { CustomFieldRows, CustomFieldsPage, EditCustomFieldPage } from "../../views/admin/custom-fields";
import type { Flash } from "../../views/ui";
import { flash, isHtmx, redirect, render, saved, takeFlash, ui, type Ctx } from "../web";
import {
  createCustomField,
  CUSTOM_FIELD_KEY,
  CUSTOM_FIELD_KEY_MAX,
  CUSTOM_FIELD_LABEL_MAX,
  CustomFieldRuleBroken,
  deleteCustomField,
  fieldEnds,
  getCustomField,
  listCustomFields,
  moveCustomField,
  optionLines,
  optionsProblem,
  updateCustomField,
} from "./custom-fields";
import { directions } from "./ordering";
import { decodeCursor } from "./pagination";

const BASE = "/admin/custom-fields";

const options = z.string().max(4000, "validation.tooLong").optional().default("").transform(optionLines);

const createSchema = z
  .object({
    label: field.text(CUSTOM_FIELD_LABEL_MAX),
    key: z.string().trim().toLowerCase().max(CUSTOM_FIELD_KEY_MAX, "validation.tooLong").optional().default(""),
    type: z.enum(customFieldTypes),
    options,
  })
  .superRefine((v, ctx) => {
    if (v.key && !CUSTOM_FIELD_KEY.test(v.key)) ctx.addIssue({ code: "custom", path: ["key"], message: "customFields.badKey" });
    const problem = optionsProblem(v.type, v.options);
    if (problem) ctx.addIssue({ code: "custom", path: ["options"], message: problem });
  });
// Key and type are not read: they cannot change after creation.
const updateSchema = z.object({ label: field.text(CUSTOM_FIELD_LABEL_MAX), options });
const moveSchema = z.object({ direction: z.enum(directions) });

type PageOptions = { form?: { values: FormValues; errors: FieldErrors }; flash?: Flash; status?: 200 | 422 };

async function listPage(c: Ctx, opts: PageOptions = {}) {
  const db = c.get("deps").database.db;
  const actor = c.get("actor")!;
  const [list, ends] = await Promise.all([listCustomFields(db, actor, decodeCursor(c.req.query("after"))), fieldEnds(db, actor)]);
  if (isHtmx(c) && c.req.method === "GET" && c.req.query("after")) {
    return render(c, <CustomFieldRows ui={ui(c)} rows={list.items} next={list.next} ends={ends} />);
  }
  const form = opts.form ?? emptyForm({ type: "text" });
  return render(c, <CustomFieldsPage ui={ui(c)} rows={list.items} next={list.next} ends={ends} form={form} flash={opts.flash ?? takeFlash(c)} />, opts.status ?? 200);
}

async function editPage(c: Ctx, id: number, opts: PageOptions = {}) {
  const found = await getCustomField(c.get("deps").database.db, c.get("actor")!, id);
  if (!found) return c.notFound();
  const form = opts.form ?? emptyForm({ label: found.label, options: found.options.join("\n") });
  return render(c, <EditCustomFieldPage ui={ui(c)} field={found} form={form} flash={opts.flash ?? takeFlash(c)} />, opts.status ?? 200);
}

/** A rule only the database can check (a key already used) broke: the form again, as typed. */
function ruleError(c: Ctx, e: CustomFieldRuleBroken): FieldErrors {
  return { [e.field]: c.get("t")(e.reason, e.params) };
}

const idOf = (c: Ctx) => Number(c.req.param("id"));

export function customFieldsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", (c) => listPage(c));

  app.post(
    "/",
    validForm(createSchema, (c, errors, values) => listPage(c, { form: { errors, values }, status: 422 })),
    async (c) => {
      const input = c.req.valid("form");
      const { database, clock } = c.get("deps");
      try {
        await createCustomField(database.db, c.get("actor")!, input, clock.now());
      } catch (e) {
        if (!(e instanceof CustomFieldRuleBroken)) throw e;
        const values = { label: input.label, key: input.key, type: input.type, options: input.options.join("\n") };
        return listPage(c, { form: { values, errors: ruleError(c, e) }, status: 422 });
      }
      return saved(c, (message) => listPage(c, { flash: message }), BASE);
    },
  );

  app.get("/:id{[0-9]{1,15}}", (c) => editPage(c, idOf(c)));

  app.post(
    "/:id{[0-9]{1,15}}",
    validForm(updateSchema, (c, errors, values) => editPage(c, idOf(c), { form: { errors, values }, status: 422 })),
    async (c) => {
      const input = c.req.valid("form");
      const { database, clock } = c.get("deps");
      try {
        if (!(await updateCustomField(database.db, c.get("actor")!, idOf(c), input, clock.now()))) return c.notFound();
      } catch (e) {
        if (!(e instanceof CustomFieldRuleBroken)) throw e;
        const values = { label: input.label, options: input.options.join("\n") };
        return editPage(c, idOf(c), { form: { values, errors: ruleError(c, e) }, status: 422 });
      }
      return saved(c, (message) => editPage(c, idOf(c), { flash: message }), `${BASE}/${idOf(c)}`);
    },
  );

  app.post("/:id{[0-9]{1,15}}/delete", async (c) => {
    const { database, clock } = c.get("deps");
    if (!(await deleteCustomField(database.db, c.get("actor")!, idOf(c), clock.now()))) return c.notFound();
    flash(c, "ok", "common.deleted");
    return redirect(c, BASE);
  });

  app.post(
    "/:id{[0-9]{1,15}}/move",
    validForm(moveSchema, (c) => c.text(c.get("t")("error.badRequest"), 400)),
    async (c) => {
      const { database, clock } = c.get("deps");
      if (!(await moveCustomField(database.db, c.get("actor")!, idOf(c), c.req.valid("form").direction, clock.now()))) return c.notFound();
      return redirect(c, BASE);
    },
  );

  return app;
}
