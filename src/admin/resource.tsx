// One admin section's list / create / edit / delete (and move) routes, built from its configuration.
// The factory owns the HTTP shape every section shares: "Load more" rows for htmx, a rejected form
// drawn again with status 422 as typed, the flash and the 303 after a plain post. The section keeps
// its schema, its domain functions and its pages.
import { Hono } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import { z } from "zod";
import type { DbOrTx } from "@db/client";
import type { Actor, SignedInEnv } from "../context";
import { idParam, validForm, type FormValues } from "../forms";
import { emptyForm, type FormState } from "../../views/components/form";
import type { Flash } from "../../views/ui";
import { commitWritten } from "../realtime/changes";
import { flash, isHtmx, redirect, render, saved, takeFlash, type SignedInCtx } from "../web";
import { directions, type Direction } from "./ordering";
import { decodeCursor, type Cursor } from "./pagination";
import { NameTaken } from "./unique-names";

type Page = JSX.Element | Promise<JSX.Element>;

/** One page of a section's list, plus whatever else its list page draws. */
export interface Listing {
  items: unknown[];
  next: string | null;
}

/** A domain error a write may throw, turned into the form drawn again; null when it is not one. */
export type Refusal<In> = (c: SignedInCtx, error: unknown, input: In) => FormState | null;

export interface AdminResource<L extends Listing, Item, C extends z.ZodType, U extends z.ZodType> {
  /** Where the section is mounted, e.g. "/admin/tags". */
  base: string;
  list(db: DbOrTx, actor: Actor, cursor: Cursor | null, c: SignedInCtx): Promise<L>;
  /** The rows alone: what htmx's "Load more" (`?after=`) swaps in. */
  rows(c: SignedInCtx, list: L): JSX.Element;
  listPage(c: SignedInCtx, list: L, form: FormState, flash: Flash): Page;
  /** A blank create form's values. */
  blank?(c: SignedInCtx): FormValues;
  /** The list with its filters, where a create or delete from it leads back to. */
  listHref?(c: SignedInCtx): string;
  /** Null when the id is not one this actor may edit here. */
  find(db: DbOrTx, actor: Actor, id: number, c: SignedInCtx): Promise<Item | null>;
  /** The edit form's values for a found item. */
  formOf(item: Item): FormValues;
  editPage(c: SignedInCtx, item: Item, form: FormState, flash: Flash): Page;
  /** Left out by a section whose creating is its own (channels: a page per kind). */
  create?: {
    schema: C;
    save(db: DbOrTx, actor: Actor, input: z.output<C>, now: Date, c: SignedInCtx): Promise<unknown>;
    refused?: Refusal<z.output<C>>;
  };
  update: {
    schema: U;
    /** False when the item is not this actor's to change. */
    save(db: DbOrTx, actor: Actor, id: number, input: z.output<U>, now: Date, c: SignedInCtx): Promise<boolean>;
    refused?: Refusal<z.output<U>>;
  };
  /** False when the item is not this actor's; left out by a section whose deleting is its own. */
  remove?(db: DbOrTx, actor: Actor, id: number, now: Date): Promise<boolean>;
  /** For hand-ordered lists: adds `POST /:id/move` with `direction=up|down`. */
  move?(db: DbOrTx, actor: Actor, id: number, direction: Direction, now: Date): Promise<boolean>;
}

type PageOptions = { form?: FormState; flash?: Flash; status?: 200 | 422 };

export const ID = "/:id{[0-9]{1,15}}";
export const idOf = (c: SignedInCtx) => idParam(c);

const moveSchema = z.object({ direction: z.enum(directions) });

/**
 * What a section's handlers work with. `db` runs each save in its own transaction whose events are
 * published after commit, so open screens hear of the change (a new tag reaches an open inbox).
 */
function scope(c: SignedInCtx) {
  const { database, clock } = c.get("deps");
  const actor = c.get("actor");
  return { db: database.db, actor, now: () => clock.now(), published: <T,>(work: (db: DbOrTx) => Promise<T>) => commitWritten(database, actor.orgId, work) };
}

/**
 * A NameTaken refusal (see unique-names.ts): the form as typed, with "already taken" under the name.
 * `values` gives the input back as form values.
 */
export function nameTaken<In>(values: (input: In) => FormValues): Refusal<In> {
  return (c, e, input) => (e instanceof NameTaken ? { values: values(input), errors: { [e.field]: c.get("t")(e.reason) } } : null);
}

/** The section's routes, and its two pages for the routes a section adds itself. */
export function adminResource<L extends Listing, Item, C extends z.ZodType, U extends z.ZodType>(r: AdminResource<L, Item, C, U>) {
  const listHref = (c: SignedInCtx) => r.listHref?.(c) ?? r.base;

  async function listPage(c: SignedInCtx, opts: PageOptions = {}) {
    const { db, actor } = scope(c);
    const list = await r.list(db, actor, decodeCursor(c.req.query("after")), c);
    if (isHtmx(c) && c.req.method === "GET" && c.req.query("after")) return render(c, r.rows(c, list));
    const form = opts.form ?? emptyForm(r.blank?.(c));
    return render(c, await r.listPage(c, list, form, opts.flash ?? takeFlash(c)), opts.status ?? 200);
  }

  async function editPage(c: SignedInCtx, id: number, opts: PageOptions = {}) {
    const { db, actor } = scope(c);
    const item = await r.find(db, actor, id, c);
    if (!item) return c.notFound();
    const form = opts.form ?? emptyForm(r.formOf(item));
    return render(c, await r.editPage(c, item, form, opts.flash ?? takeFlash(c)), opts.status ?? 200);
  }

  const app = new Hono<SignedInEnv>();

  app.get("/", (c) => listPage(c));

  if (r.create) {
    const { schema, save, refused } = r.create;
    app.post(
      "/",
      validForm(schema, (c: SignedInCtx, errors, values) => listPage(c, { form: { errors, values }, status: 422 })),
      async (c) => {
        const input = c.req.valid("form") as z.output<C>;
        const { actor, now, published } = scope(c);
        try {
          await published((db) => save(db, actor, input, now(), c));
        } catch (e) {
          const form = refused?.(c, e, input);
          if (!form) throw e;
          return listPage(c, { form, status: 422 });
        }
        return saved(c, (message) => listPage(c, { flash: message }), listHref(c));
      },
    );
  }

  app.get(ID, (c) => editPage(c, idOf(c)));

  const { schema, save, refused } = r.update;
  app.post(
    ID,
    validForm(schema, (c: SignedInCtx, errors, values) => editPage(c, idOf(c), { form: { errors, values }, status: 422 })),
    async (c) => {
      const input = c.req.valid("form") as z.output<U>;
      const { actor, now, published } = scope(c);
      try {
        if (!(await published((db) => save(db, actor, idOf(c), input, now(), c)))) return c.notFound();
      } catch (e) {
        const form = refused?.(c, e, input);
        if (!form) throw e;
        return editPage(c, idOf(c), { form, status: 422 });
      }
      return saved(c, (message) => editPage(c, idOf(c), { flash: message }), `${r.base}/${idOf(c)}`);
    },
  );

  const { remove, move } = r;
  if (remove) {
    app.post(`${ID}/delete`, async (c) => {
      const { actor, now, published } = scope(c);
      if (!(await published((db) => remove(db, actor, idOf(c), now())))) return c.notFound();
      flash(c, "ok", "common.deleted");
      return redirect(c, listHref(c));
    });
  }

  if (move) {
    app.post(
      `${ID}/move`,
      validForm(moveSchema, (c: SignedInCtx) => c.text(c.get("t")("error.badRequest"), 400)),
      async (c) => {
        const { actor, now, published } = scope(c);
        if (!(await published((db) => move(db, actor, idOf(c), c.req.valid("form").direction, now())))) return c.notFound();
        return redirect(c, r.base);
      },
    );
  }

  return { routes: app, listPage, editPage };
}
