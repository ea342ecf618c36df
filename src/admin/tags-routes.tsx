// Admin → Tags routes: list, create, edit (name and colour), delete.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { field, validForm, type FieldErrors, type FormValues } from "../forms";
import { emptyForm } from "../../views/components/form";
import { EditTagPage, TagRows, TagsPage } from "../../views/admin/tags";
import type { Flash } from "../../views/ui";
import { flash, isHtmx, redirect, render, saved, takeFlash, ui, type Ctx } from "../web";
import { decodeCursor } from "./pagination";
import { createTag, DEFAULT_TAG_COLOR, deleteTag, getTag, listTags, TAG_COLOR, TAG_NAME_MAX, updateTag, type TagInput } from "./tags";
import { NameTaken } from "./unique-names";

const BASE = "/admin/tags";

const tagSchema = z.object({
  name: field.text(TAG_NAME_MAX),
  color: z.string().trim().regex(TAG_COLOR, "validation.color"),
});

type PageOptions = { form?: { values: FormValues; errors: FieldErrors }; flash?: Flash; status?: 200 | 422 };

function nameTaken(c: Ctx, input: TagInput, e: NameTaken) {
  return { values: { name: input.name, color: input.color }, errors: { [e.field]: c.get("t")(e.reason) } };
}

async function listPage(c: Ctx, opts: PageOptions = {}) {
  const list = await listTags(c.get("deps").database.db, c.get("actor")!, decodeCursor(c.req.query("after")));
  if (isHtmx(c) && c.req.method === "GET" && c.req.query("after")) {
    return render(c, <TagRows ui={ui(c)} rows={list.items} next={list.next} />);
  }
  const form = opts.form ?? emptyForm({ color: DEFAULT_TAG_COLOR });
  return render(c, <TagsPage ui={ui(c)} rows={list.items} next={list.next} form={form} flash={opts.flash ?? takeFlash(c)} />, opts.status ?? 200);
}

async function editPage(c: Ctx, id: number, opts: PageOptions = {}) {
  const tag = await getTag(c.get("deps").database.db, c.get("actor")!, id);
  if (!tag) return c.notFound();
  const form = opts.form ?? emptyForm({ name: tag.name, color: tag.color });
  return render(c, <EditTagPage ui={ui(c)} tag={tag} form={form} flash={opts.flash ?? takeFlash(c)} />, opts.status ?? 200);
}

const idOf = (c: Ctx) => Number(c.req.param("id"));

export function tagsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", (c) => listPage(c));

  app.post(
    "/",
    validForm(tagSchema, (c, errors, values) => listPage(c, { form: { errors, values }, status: 422 })),
    async (c) => {
      const input = c.req.valid("form");
      const { database, clock } = c.get("deps");
      try {
        await createTag(database.db, c.get("actor")!, input, clock.now());
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
    validForm(tagSchema, (c, errors, values) => editPage(c, idOf(c), { form: { errors, values }, status: 422 })),
    async (c) => {
      const input = c.req.valid("form");
      const { database, clock } = c.get("deps");
      try {
        if (!(await updateTag(database.db, c.get("actor")!, idOf(c), input, clock.now()))) return c.notFound();
      } catch (e) {
        if (!(e instanceof NameTaken)) throw e;
        return editPage(c, idOf(c), { form: nameTaken(c, input, e), status: 422 });
      }
      return saved(c, (message) => editPage(c, idOf(c), { flash: message }), `${BASE}/${idOf(c)}`);
    },
  );

  app.post("/:id{[0-9]{1,15}}/delete", async (c) => {
    const { database, clock } = c.get("deps");
    if (!(await deleteTag(database.db, c.get("actor")!, idOf(c), clock.now()))) return c.notFound();
    flash(c, "ok", "common.deleted");
    return redirect(c, BASE);
  });

  return app;
}
