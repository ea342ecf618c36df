// Session widget routes: edit the contact's profile, tag the conversation, add contact notes.
// htmx swaps the widget that changed; plain form posts return to the conversation.
import { Hono } from "hono";
import { z } from "zod";
import type { Db } from "@db/client";
import type { SignedInEnv } from "../context";
import { field, fieldErrors, formValues, idParam } from "../forms";
import { addNote, fieldDefinitions, profileSchema, toProfileUpdate, updateProfile } from "../contacts/profile";
import { commit } from "../realtime/changes";
import { isHtmx, redirect, render, ui, type SignedInCtx } from "../web";
import { NotesWidget, ProfileWidget, TagsWidget, type WidgetState } from "../../views/inbox/widgets";
import { tagConversation, TaggingRefused, untagConversation } from "./tagging";
import { widgetData } from "./widgets";

const tagSchema = z.union([z.object({ tagId: field.id() }), z.object({ name: field.text(40) })]);
const noteSchema = z.object({ body: z.string().trim().min(1, "validation.required").max(2000, "validation.tooLong") });

const idOf = (c: SignedInCtx) => idParam(c);

async function answer(c: SignedInCtx, widget: "profile" | "tags" | "notes", state: WidgetState = {}, status: 200 | 422 = 200) {
  if (!isHtmx(c) && status === 200) return redirect(c, `/inbox/${idOf(c)}`);
  const data = await widgetData(c.get("deps").database.db, c.get("actor"), idOf(c), c.get("deps").clock.now());
  if (!data) return c.notFound();
  const u = ui(c);
  const html =
    widget === "profile" ? <ProfileWidget ui={u} data={data} state={state.profile} /> : widget === "tags" ? <TagsWidget ui={u} data={data} error={state.tagError} /> : <NotesWidget ui={u} data={data} error={state.noteError} />;
  return render(c, html, status);
}

/** A widget's change, committed through the one after-commit seam. */
function change(c: SignedInCtx, work: (db: Db) => Promise<number | null>) {
  return commit(c.get("deps").database, c.get("actor").orgId, work);
}

export function widgetRoutes() {
  const app = new Hono<SignedInEnv>();
  app.post("/:id{[0-9]+}/profile", async (c) => {
    const actor = c.get("actor");
    const { database, clock } = c.get("deps");
    const data = await widgetData(database.db, actor, idOf(c), clock.now());
    if (!data) return c.notFound();
    const body = formValues(await c.req.parseBody());
    const defs = await fieldDefinitions(database.db, actor.orgId);
    const parsed = profileSchema(defs).safeParse(body);
    if (!parsed.success) return answer(c, "profile", { profile: { values: body, errors: fieldErrors(parsed.error, c.get("t")) } }, 422);
    await change(c, (db) => updateProfile(db, actor, data.contact.id, toProfileUpdate(parsed.data, defs), clock.now()));
    return answer(c, "profile", { profile: undefined });
  });

  app.post("/:id{[0-9]+}/tags", async (c) => {
    const parsed = tagSchema.safeParse(formValues(await c.req.parseBody()));
    if (!parsed.success) return answer(c, "tags", { tagError: c.get("t")("validation.invalid") }, 422);
    const { database, clock } = c.get("deps");
    try {
      await change(c, (db) => tagConversation(db, c.get("actor"), idOf(c), "tagId" in parsed.data ? { id: parsed.data.tagId } : { name: parsed.data.name }, clock.now()));
    } catch (e) {
      if (!(e instanceof TaggingRefused)) throw e;
      if (e.reason === "not_found") return c.notFound();
      return answer(c, "tags", { tagError: c.get("t")(e.reason === "forbidden" ? "widgets.tagForbidden" : "validation.invalid") }, 422);
    }
    return answer(c, "tags");
  });

  app.post("/:id{[0-9]+}/tags/:tagId{[0-9]+}/remove", async (c) => {
    const { database, clock } = c.get("deps");
    try {
      await change(c, (db) => untagConversation(db, c.get("actor"), idOf(c), idParam(c, "tagId"), clock.now()));
    } catch (e) {
      if (e instanceof TaggingRefused) return c.notFound();
      throw e;
    }
    return answer(c, "tags");
  });

  app.post("/:id{[0-9]+}/notes", async (c) => {
    const body = formValues(await c.req.parseBody());
    const parsed = noteSchema.safeParse(body);
    if (!parsed.success) return answer(c, "notes", { noteError: { body: String(body.body ?? ""), error: fieldErrors(parsed.error, c.get("t")).body } }, 422);
    const actor = c.get("actor");
    const { database, clock } = c.get("deps");
    const data = await widgetData(database.db, actor, idOf(c), clock.now());
    if (!data) return c.notFound();
    await change(c, (db) => addNote(db, actor, data.contact.id, idOf(c), parsed.data.body, clock.now()));
    return answer(c, "notes");
  });

  return app;
}
