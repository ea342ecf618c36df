// Admin → Closing messages routes: list, create, edit, delete and reorder custom messages.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { field, validForm, type FieldErrors, type FormValues } from "../forms";
import { emptyForm } from "../../views/components/form";
import { ClosingMessageRows, ClosingMessagesPage, EditClosingMessagePage } from "../../views/admin/closing-messages";
import type { Flash } from "../../views/ui";
import { flash, isHtmx, redirect, render, saved, takeFlash, ui, type Ctx } from "../web";
import {
  CLOSING_MESSAGE_MAX,
  createClosingMessage,
  customEnds,
  deleteClosingMessage,
  getCustomClosingMessage,
  listClosingMessages,
  moveClosingMessage,
  updateClosingMessage,
} from "./closing-messages";
import { directions } from "./ordering";
import { decodeCursor } from "./pagination";

const BASE = "/admin/closing-messages";

const closingMessageSchema = z.object({ body: field.text(CLOSING_MESSAGE_MAX) });
const moveSchema = z.object({ direction: z.enum(directions) });

type PageOptions = { form?: { values: FormValues; errors: FieldErrors }; flash?: Flash; status?: 200 | 422 };

async function listPage(c: Ctx, opts: PageOptions = {}) {
  const db = c.get("deps").database.db;
  const actor = c.get("actor")!;
  const [list, ends] = await Promise.all([listClosingMessages(db, actor, decodeCursor(c.req.query("after"))), customEnds(db, actor)]);
  if (isHtmx(c) && c.req.method === "GET" && c.req.query("after")) {
    return render(c, <ClosingMessageRows ui={ui(c)} rows={list.items} next={list.next} ends={ends} />);
  }
  return render(c, <ClosingMessagesPage ui={ui(c)} rows={list.items} next={list.next} ends={ends} form={opts.form ?? emptyForm()} flash={opts.flash ?? takeFlash(c)} />, opts.status ?? 200);
}

async function editPage(c: Ctx, id: number, opts: PageOptions = {}) {
  const message = await getCustomClosingMessage(c.get("deps").database.db, c.get("actor")!, id);
  if (!message) return c.notFound();
  const form = opts.form ?? emptyForm({ body: message.body });
  return render(c, <EditClosingMessagePage ui={ui(c)} message={message} form={form} flash={opts.flash ?? takeFlash(c)} />, opts.status ?? 200);
}

const idOf = (c: Ctx) => Number(c.req.param("id"));

export function closingMessagesRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", (c) => listPage(c));

  app.post(
    "/",
    validForm(closingMessageSchema, (c, errors, values) => listPage(c, { form: { errors, values }, status: 422 })),
    async (c) => {
      const { database, clock } = c.get("deps");
      await createClosingMessage(database.db, c.get("actor")!, c.req.valid("form"), clock.now());
      return saved(c, (message) => listPage(c, { flash: message }), BASE);
    },
  );

  app.get("/:id{[0-9]{1,15}}", (c) => editPage(c, idOf(c)));

  app.post(
    "/:id{[0-9]{1,15}}",
    validForm(closingMessageSchema, (c, errors, values) => editPage(c, idOf(c), { form: { errors, values }, status: 422 })),
    async (c) => {
      const { database, clock } = c.get("deps");
      if (!(await updateClosingMessage(database.db, c.get("actor")!, idOf(c), c.req.valid("form"), clock.now()))) return c.notFound();
      return saved(c, (message) => editPage(c, idOf(c), { flash: message }), `${BASE}/${idOf(c)}`);
    },
  );

  app.post("/:id{[0-9]{1,15}}/delete", async (c) => {
    const { database, clock } = c.get("deps");
    if (!(await deleteClosingMessage(database.db, c.get("actor")!, idOf(c), clock.now()))) return c.notFound();
    flash(c, "ok", "common.deleted");
    return redirect(c, BASE);
  });

  app.post(
    "/:id{[0-9]{1,15}}/move",
    validForm(moveSchema, (c) => c.text(c.get("t")("error.badRequest"), 400)),
    async (c) => {
      const { database, clock } = c.get("deps");
      if (!(await moveClosingMessage(database.db, c.get("actor")!, idOf(c), c.req.valid("form").direction, clock.now()))) return c.notFound();
      return redirect(c, BASE);
    },
  );

  return app;
}
