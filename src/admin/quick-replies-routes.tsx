// Admin → Quick replies routes: list (shared / personal, search), create, edit, delete.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { field, validForm, type FieldErrors, type FormValues } from "../forms";
import { emptyForm } from "../../views/components/form";
import { EditQuickReplyPage, QuickRepliesPage, QuickReplyRows, type QuickReplyListQuery } from "../../views/admin/quick-replies";
import { withQuery } from "../../views/admin/shell";
import type { Flash } from "../../views/ui";
import { flash, isHtmx, redirect, render, saved, takeFlash, ui, type Ctx } from "../web";
import { decodeCursor } from "./pagination";
import {
  createQuickReply,
  deleteQuickReply,
  getQuickReply,
  listQuickReplies,
  QUICK_REPLY_BODY_MAX,
  QUICK_REPLY_TITLE_MAX,
  quickReplyScopes,
  updateQuickReply,
} from "./quick-replies";

const BASE = "/admin/quick-replies";

const quickReplySchema = z
  .object({ title: field.text(QUICK_REPLY_TITLE_MAX), body: field.text(QUICK_REPLY_BODY_MAX), scope: z.enum(quickReplyScopes) })
  .transform(({ scope, ...rest }) => ({ ...rest, personal: scope === "personal" }));

type PageOptions = { form?: { values: FormValues; errors: FieldErrors }; flash?: Flash; status?: 200 | 422 };

/** The list's filters as the query string carries them; anything unknown means "no filter". */
function listQuery(c: Ctx): QuickReplyListQuery {
  const scope = quickReplyScopes.find((s) => s === c.req.query("scope"));
  return { scope, q: (c.req.query("q") ?? "").trim().slice(0, 100) };
}

async function listPage(c: Ctx, opts: PageOptions = {}) {
  const query = listQuery(c);
  const list = await listQuickReplies(c.get("deps").database.db, c.get("actor")!, { scope: query.scope, search: query.q || undefined, cursor: decodeCursor(c.req.query("after")) });
  if (isHtmx(c) && c.req.method === "GET" && c.req.query("after")) {
    return render(c, <QuickReplyRows ui={ui(c)} rows={list.items} next={list.next} query={query} />);
  }
  const form = opts.form ?? emptyForm({ scope: query.scope ?? "shared" });
  return render(c, <QuickRepliesPage ui={ui(c)} rows={list.items} next={list.next} query={query} form={form} flash={opts.flash ?? takeFlash(c)} />, opts.status ?? 200);
}

async function editPage(c: Ctx, id: number, opts: PageOptions = {}) {
  const reply = await getQuickReply(c.get("deps").database.db, c.get("actor")!, id);
  if (!reply) return c.notFound();
  const form = opts.form ?? emptyForm({ title: reply.title, body: reply.body, scope: reply.scope });
  return render(c, <EditQuickReplyPage ui={ui(c)} reply={reply} form={form} flash={opts.flash ?? takeFlash(c)} />, opts.status ?? 200);
}

const idOf = (c: Ctx) => Number(c.req.param("id"));

export function quickRepliesRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", (c) => listPage(c));

  app.post(
    "/",
    validForm(quickReplySchema, (c, errors, values) => listPage(c, { form: { errors, values }, status: 422 })),
    async (c) => {
      const input = c.req.valid("form");
      const { database, clock } = c.get("deps");
      await createQuickReply(database.db, c.get("actor")!, input, clock.now());
      return saved(c, (message) => listPage(c, { flash: message }), withQuery(BASE, listQuery(c)));
    },
  );

  app.get("/:id{[0-9]{1,15}}", (c) => editPage(c, idOf(c)));

  app.post(
    "/:id{[0-9]{1,15}}",
    validForm(quickReplySchema, (c, errors, values) => editPage(c, idOf(c), { form: { errors, values }, status: 422 })),
    async (c) => {
      const input = c.req.valid("form");
      const { database, clock } = c.get("deps");
      if (!(await updateQuickReply(database.db, c.get("actor")!, idOf(c), input, clock.now()))) return c.notFound();
      return saved(c, (message) => editPage(c, idOf(c), { flash: message }), `${BASE}/${idOf(c)}`);
    },
  );

  app.post("/:id{[0-9]{1,15}}/delete", async (c) => {
    const { database, clock } = c.get("deps");
    if (!(await deleteQuickReply(database.db, c.get("actor")!, idOf(c), clock.now()))) return c.notFound();
    flash(c, "ok", "common.deleted");
    return redirect(c, withQuery(BASE, listQuery(c)));
  });

  return app;
}
