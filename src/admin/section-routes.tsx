// Routes shared by the simple admin sections: list with a create form, edit, delete, reorder.
// Each section brings its own domain functions (scoped to the actor's organization) and fields.
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { z } from "zod";
import type { DbOrTx } from "@db/client";
import type { Actor, AppEnv } from "../context";
import { fieldErrors, formValues, type FieldErrors, type FormValues } from "../forms";
import type { MessageKey } from "../i18n";
import { emptyForm } from "../../views/components/form";
import { SectionEditPage, SectionPage, SectionRows, type FieldSpec, type ListRow, type SectionView } from "../../views/admin/section";
import type { Flash, Ui } from "../../views/ui";
import { flash, isHtmx, redirect, render, takeFlash, ui, type Ctx } from "../web";
import { decodeCursor, type Cursor } from "./pagination";

/** A domain rule a form broke, reported on one of its fields. */
export class FieldRuleBroken extends Error {
  constructor(
    public field: string,
    public key: MessageKey,
  ) {
    super(key);
  }
}

/** Postgres unique violations (a name already used in this organization) become a field error. */
function uniqueViolation(e: unknown): boolean {
  const codeOf = (x: unknown) => (x && typeof x === "object" && "code" in x ? (x as { code: unknown }).code : undefined);
  return codeOf(e) === "23505" || codeOf((e as { cause?: unknown })?.cause) === "23505";
}

export interface Section<Row, Create, Update> {
  view: SectionView;
  fields(c: Ctx, editing: boolean): Promise<FieldSpec[]>;
  createSchema: z.ZodType<Create>;
  updateSchema: z.ZodType<Update>;
  /** The field a unique violation is reported on. */
  uniqueField: string;
  defaults?: FormValues;
  /** Extra query (list filters) read from the request and kept in links. */
  query?(c: Ctx): Record<string, string | undefined>;
  filters?(ui: Ui, query: Record<string, string | undefined>): Child;
  list(db: DbOrTx, actor: Actor, cursor: Cursor | null, query: Record<string, string | undefined>): Promise<{ items: Row[]; next: string | null }>;
  row(ui: Ui, row: Row): ListRow;
  /** One row for its edit page: its display name and the form's starting values. */
  get(db: DbOrTx, actor: Actor, id: number): Promise<{ name: string; form: FormValues } | null>;
  create(db: DbOrTx, actor: Actor, input: Create, now: Date): Promise<unknown>;
  update(db: DbOrTx, actor: Actor, id: number, input: Update, now: Date): Promise<boolean>;
  remove(db: DbOrTx, actor: Actor, id: number, now: Date): Promise<boolean>;
  move?(db: DbOrTx, actor: Actor, id: number, direction: "up" | "down", now: Date): Promise<boolean>;
}

type FormState = { values: FormValues; errors: FieldErrors };

export function sectionRoutes<Row, Create, Update>(section: Section<Row, Create, Update>) {
  const app = new Hono<AppEnv>();
  const queryOf = (c: Ctx) => section.query?.(c) ?? {};

  async function listPage(c: Ctx, form?: FormState, pageFlash?: Flash, status: 200 | 422 = 200) {
    const actor = c.get("actor")!;
    const db = c.get("deps").database.db;
    const query = queryOf(c);
    const after = c.req.query("after");
    const list = await section.list(db, actor, decodeCursor(after), query);
    const u = ui(c);
    const rows = list.items.map((r) => section.row(u, r));
    if (isHtmx(c) && c.req.method === "GET" && after) return render(c, <SectionRows ui={u} view={section.view} rows={rows} next={list.next} query={query} />);
    return render(
      c,
      <SectionPage
        ui={u}
        view={section.view}
        fields={await section.fields(c, false)}
        rows={rows}
        next={list.next}
        form={form ?? emptyForm(section.defaults)}
        flash={pageFlash === undefined ? takeFlash(c) : pageFlash}
        query={query}
        filters={section.filters?.(u, query)}
      />,
      status,
    );
  }

  async function editPage(c: Ctx, id: number, form?: FormState, pageFlash?: Flash, status: 200 | 422 = 200) {
    const item = await section.get(c.get("deps").database.db, c.get("actor")!, id);
    if (!item) return c.notFound();
    return render(
      c,
      <SectionEditPage ui={ui(c)} view={section.view} fields={await section.fields(c, true)} form={form ?? emptyForm(item.form)} flash={pageFlash === undefined ? takeFlash(c) : pageFlash} id={id} name={item.name} />,
      status,
    );
  }

  /** Parses a form; on a broken rule or a taken name, shows the form again with what was typed. */
  async function submit<T>(c: Ctx, schema: z.ZodType<T>, write: (input: T) => Promise<Response>, again: (form: FormState) => Promise<Response> | Response): Promise<Response> {
    const values = formValues(await c.req.parseBody({ all: true }));
    const parsed = schema.safeParse(values);
    if (!parsed.success) return again({ values, errors: fieldErrors(parsed.error, c.get("t")) });
    try {
      return await write(parsed.data);
    } catch (e) {
      if (e instanceof FieldRuleBroken) return again({ values, errors: { [e.field]: c.get("t")(e.key) } });
      if (uniqueViolation(e)) return again({ values, errors: { [section.uniqueField]: c.get("t")("validation.taken") } });
      throw e;
    }
  }

  const idOf = (c: Ctx) => Number(c.req.param("id"));

  app.get("/", (c) => listPage(c));

  app.post("/", (c) =>
    submit(
      c,
      section.createSchema,
      async (input) => {
        await section.create(c.get("deps").database.db, c.get("actor")!, input, c.get("deps").clock.now());
        if (isHtmx(c)) return listPage(c, undefined, { kind: "ok", text: c.get("t")("common.saved") });
        flash(c, "ok", "common.saved");
        return redirect(c, c.req.url.replace(new URL(c.req.url).origin, ""));
      },
      (form) => listPage(c, form, null, 422),
    ),
  );

  app.get("/:id{[0-9]+}", (c) => editPage(c, idOf(c)));

  app.post("/:id{[0-9]+}", (c) =>
    submit(
      c,
      section.updateSchema,
      async (input) => {
        const ok = await section.update(c.get("deps").database.db, c.get("actor")!, idOf(c), input, c.get("deps").clock.now());
        if (!ok) return c.notFound();
        if (isHtmx(c)) return editPage(c, idOf(c), undefined, { kind: "ok", text: c.get("t")("common.saved") });
        flash(c, "ok", "common.saved");
        return redirect(c, `${section.view.base}/${idOf(c)}`);
      },
      (form) => editPage(c, idOf(c), form, null, 422),
    ),
  );

  app.post("/:id{[0-9]+}/delete", async (c) => {
    try {
      const ok = await section.remove(c.get("deps").database.db, c.get("actor")!, idOf(c), c.get("deps").clock.now());
      if (!ok) return c.notFound();
    } catch (e) {
      if (!(e instanceof FieldRuleBroken)) throw e;
      flash(c, "error", e.key);
      return redirect(c, section.view.base);
    }
    flash(c, "ok", "common.deleted");
    return redirect(c, section.view.base);
  });

  if (section.move) {
    const move = section.move;
    app.post("/:id{[0-9]+}/move", async (c) => {
      const parsed = z.object({ direction: z.enum(["up", "down"]) }).safeParse(await c.req.parseBody());
      if (!parsed.success) return c.text(c.get("t")("error.badRequest"), 400);
      const ok = await move(c.get("deps").database.db, c.get("actor")!, idOf(c), parsed.data.direction, c.get("deps").clock.now());
      if (!ok) return c.notFound();
      return redirect(c, section.view.base);
    });
  }

  return app;
}
