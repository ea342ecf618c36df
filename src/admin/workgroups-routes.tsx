// Admin → Workgroups routes: list, create, edit (name and members), delete.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { field, validForm, type FieldErrors, type FormValues } from "../forms";
import { emptyForm } from "../../views/components/form";
import { EditWorkgroupPage, WorkgroupRows, WorkgroupsPage } from "../../views/admin/workgroups";
import type { Flash } from "../../views/ui";
import { flash, isHtmx, redirect, render, saved, takeFlash, ui, type Ctx } from "../web";
import { decodeCursor } from "./pagination";
import { NameTaken } from "./unique-names";
import { createWorkgroup, deleteWorkgroup, getWorkgroup, listWorkgroups, memberChoices, updateWorkgroup, WORKGROUP_NAME_MAX, type WorkgroupInput } from "./workgroups";

const BASE = "/admin/workgroups";

const workgroupSchema = z.object({
  name: field.text(WORKGROUP_NAME_MAX),
  // Checkboxes arrive as one string or several; user ids are opaque text.
  memberIds: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter(Boolean))
    .pipe(z.array(z.string().max(64)).max(1000)),
});

type PageOptions = { form?: { values: FormValues; errors: FieldErrors }; flash?: Flash; status?: 200 | 422 };

/** What a rejected form shows again: the input as the admin typed it, with the name error. */
function nameTaken(c: Ctx, input: WorkgroupInput, e: NameTaken) {
  return { values: { name: input.name, memberIds: input.memberIds }, errors: { [e.field]: c.get("t")(e.reason) } };
}

async function listPage(c: Ctx, opts: PageOptions = {}) {
  const db = c.get("deps").database.db;
  const actor = c.get("actor")!;
  const list = await listWorkgroups(db, actor, decodeCursor(c.req.query("after")));
  if (isHtmx(c) && c.req.method === "GET" && c.req.query("after")) {
    return render(c, <WorkgroupRows ui={ui(c)} rows={list.items} next={list.next} />);
  }
  const choices = await memberChoices(db, actor);
  return render(c, <WorkgroupsPage ui={ui(c)} rows={list.items} next={list.next} form={opts.form ?? emptyForm()} choices={choices} flash={opts.flash ?? takeFlash(c)} />, opts.status ?? 200);
}

async function editPage(c: Ctx, id: number, opts: PageOptions = {}) {
  const db = c.get("deps").database.db;
  const actor = c.get("actor")!;
  const workgroup = await getWorkgroup(db, actor, id);
  if (!workgroup) return c.notFound();
  const form = opts.form ?? emptyForm({ name: workgroup.name, memberIds: workgroup.members.map((m) => m.id) });
  return render(c, <EditWorkgroupPage ui={ui(c)} workgroup={workgroup} form={form} choices={await memberChoices(db, actor, id)} flash={opts.flash ?? takeFlash(c)} />, opts.status ?? 200);
}

const idOf = (c: Ctx) => Number(c.req.param("id"));

export function workgroupsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", (c) => listPage(c));

  app.post(
    "/",
    validForm(workgroupSchema, (c, errors, values) => listPage(c, { form: { errors, values }, status: 422 })),
    async (c) => {
      const input = c.req.valid("form");
      const { database, clock } = c.get("deps");
      try {
        await createWorkgroup(database.db, c.get("actor")!, input, clock.now());
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
    validForm(workgroupSchema, (c, errors, values) => editPage(c, idOf(c), { form: { errors, values }, status: 422 })),
    async (c) => {
      const input = c.req.valid("form");
      const { database, clock } = c.get("deps");
      try {
        if (!(await updateWorkgroup(database.db, c.get("actor")!, idOf(c), input, clock.now()))) return c.notFound();
      } catch (e) {
        if (!(e instanceof NameTaken)) throw e;
        return editPage(c, idOf(c), { form: nameTaken(c, input, e), status: 422 });
      }
      return saved(c, (message) => editPage(c, idOf(c), { flash: message }), `${BASE}/${idOf(c)}`);
    },
  );

  app.post("/:id{[0-9]{1,15}}/delete", async (c) => {
    const { database, clock } = c.get("deps");
    if (!(await deleteWorkgroup(database.db, c.get("actor")!, idOf(c), clock.now()))) return c.notFound();
    flash(c, "ok", "common.deleted");
    return redirect(c, BASE);
  });

  return app;
}
