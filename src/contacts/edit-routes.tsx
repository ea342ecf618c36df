// Contacts made, corrected, erased and merged by agents: each action a form page, a confirmation
// where something is lost for good, and a redirect to the result.
import { z } from "zod";
import { signedInRoutes } from "../auth/middleware";
import { field, idParam, validForm } from "../forms";
import { flash, redirect, render, ui, type SignedInCtx } from "../web";
import { commit } from "../realtime/changes";
import { storageFor } from "../media/storage";
import { ContactDeletePage, ContactFormPage } from "../../views/contacts/edit";
import { ContactMergePage } from "../../views/contacts/merge";
import { findContacts, getContact } from "./contacts";
import { e164 } from "./phone";
import { ContactRefused, createContact, deletionSummary, deleteContact, updateContact, type ContactFields } from "./editing";
import { mergeContacts } from "./merging";

const contactForm = z.object({
  name: field.text(200),
  phone: z
    .string()
    .max(40)
    .optional()
    .transform((v) => v?.trim() ?? "")
    .refine((v) => v === "" || e164(v) !== null, "contacts.error.phone"),
  email: z
    .string()
    .max(320)
    .optional()
    .transform((v) => v?.trim().toLowerCase() ?? "")
    .pipe(z.union([z.literal(""), z.email("validation.email")])),
});
const fieldsOf = (f: z.output<typeof contactForm>): ContactFields => ({ name: f.name, phone: f.phone ? e164(f.phone) : null, email: f.email || null });

/** The form again, as typed, with the refusal on the phone field (and a link to the contact that has the number). */
function refusedPhone(c: SignedInCtx, e: ContactRefused, typed: z.output<typeof contactForm>, contactId?: number) {
  const form = { values: { name: typed.name, phone: typed.phone, email: typed.email }, errors: { phone: c.get("t")("contacts.error.phoneTaken") } };
  return render(c, <ContactFormPage ui={ui(c)} contactId={contactId} form={form} taken={e.details.contactId} />, 422);
}

export function contactEditingRoutes() {
  const app = signedInRoutes();
  const invalid = (c: SignedInCtx, errors: Record<string, string>, values: Record<string, string | string[]>) => {
    const id = c.req.param("id");
    return render(c, <ContactFormPage ui={ui(c)} contactId={id ? idParam(c) : undefined} form={{ values, errors }} />, 422);
  };

  app.get("/new", (c) => render(c, <ContactFormPage ui={ui(c)} form={{ values: {}, errors: {} }} />));
  app.post("/", validForm(contactForm, invalid), async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    try {
      const made = await commit(database, actor.orgId, (db) => createContact(db, actor, fieldsOf(c.req.valid("form")), clock.now()));
      flash(c, "ok", "contacts.created");
      return redirect(c, `/contacts/${made.contactId}`);
    } catch (e) {
      if (e instanceof ContactRefused && e.reason === "phone_taken") return refusedPhone(c, e, c.req.valid("form"));
      throw e;
    }
  });

  app.get("/:id{[0-9]+}/edit", async (c) => {
    const detail = await getContact(c.get("deps").database.db, c.get("actor"), idParam(c));
    if (!detail) return c.notFound();
    const { name, phone, email } = detail.contact;
    return render(c, <ContactFormPage ui={ui(c)} contactId={detail.contact.id} form={{ values: { name, phone: phone ?? "", email: email ?? "" }, errors: {} }} />);
  });
  app.post("/:id{[0-9]+}/edit", validForm(contactForm, invalid), async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    const id = idParam(c);
    try {
      await commit(database, actor.orgId, (db) => updateContact(db, actor, id, fieldsOf(c.req.valid("form")), clock.now()));
      flash(c, "ok", "common.saved");
      return redirect(c, `/contacts/${id}`);
    } catch (e) {
      if (e instanceof ContactRefused && e.reason === "phone_taken") return refusedPhone(c, e, c.req.valid("form"), id);
      throw e;
    }
  });

  app.get("/:id{[0-9]+}/delete", async (c) => {
    const db = c.get("deps").database.db;
    const detail = await getContact(db, c.get("actor"), idParam(c));
    if (!detail) return c.notFound();
    const summary = await deletionSummary(db, c.get("actor"), detail.contact.id);
    return render(c, <ContactDeletePage ui={ui(c)} contact={detail.contact} summary={summary} error={null} />);
  });
  app.post("/:id{[0-9]+}/delete", validForm(z.object({ confirm: field.checkbox() }), (c: SignedInCtx) => c.text(c.get("t")("error.badRequest"), 400)), async (c) => {
    const { database, clock, config } = c.get("deps");
    const actor = c.get("actor");
    const id = idParam(c);
    if (!c.req.valid("form").confirm) {
      const detail = await getContact(database.db, actor, id);
      if (!detail) return c.notFound();
      const summary = await deletionSummary(database.db, actor, id);
      return render(c, <ContactDeletePage ui={ui(c)} contact={detail.contact} summary={summary} error={c.get("t")("contacts.delete.confirmRequired")} />, 422);
    }
    await commit(database, actor.orgId, (db) => deleteContact(db, storageFor(config), actor, id, clock.now()));
    flash(c, "ok", "contacts.deleted");
    return redirect(c, "/contacts");
  });

  app.get("/:id{[0-9]+}/merge", async (c) => {
    const db = c.get("deps").database.db;
    const actor = c.get("actor");
    const q = (c.req.query("q") ?? "").trim().slice(0, 200);
    const otherId = Number(c.req.query("other") ?? "") || null;
    const detail = await getContact(db, actor, idParam(c));
    if (!detail) return c.notFound();
    const [found, other] = await Promise.all([q ? findContacts(db, actor, q, null, 10) : Promise.resolve({ items: [] }), otherId && otherId !== detail.contact.id ? getContact(db, actor, otherId) : Promise.resolve(null)]);
    return render(c, <ContactMergePage ui={ui(c)} kept={detail} other={other} matches={found.items.filter((r) => r.id !== detail.contact.id)} search={q} clashes={[]} />);
  });
  app.post("/:id{[0-9]+}/merge", validForm(z.object({ mergedId: field.id() }), (c: SignedInCtx) => c.text(c.get("t")("error.badRequest"), 400)), async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    const keptId = idParam(c);
    const mergedId = c.req.valid("form").mergedId;
    try {
      await commit(database, actor.orgId, (db) => mergeContacts(db, actor, keptId, mergedId, clock.now()));
      flash(c, "ok", "contacts.merged");
      return redirect(c, `/contacts/${keptId}`);
    } catch (e) {
      if (!(e instanceof ContactRefused)) throw e;
      if (e.reason !== "both_open") return c.notFound();
      const [kept, other] = await Promise.all([getContact(database.db, actor, keptId), getContact(database.db, actor, mergedId)]);
      if (!kept || !other) return c.notFound();
      return render(c, <ContactMergePage ui={ui(c)} kept={kept} other={other} matches={[]} search="" clashes={e.details.conversationIds ?? []} />, 409);
    }
  });
  return app;
}
