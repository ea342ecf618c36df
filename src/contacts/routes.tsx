// Contacts routes: search list with "Load more", and one contact.
import { z } from "zod";
import { signedInRoutes } from "../auth/middleware";
import { decodeCursor } from "../admin/pagination";
import { flash, isHtmx, redirect, render, takeFlash, ui, type SignedInCtx } from "../web";
import { field, idParam, validForm, validQuery } from "../forms";
import { commit } from "../realtime/changes";
import { ConversationRuleBroken } from "../inbox/changes";
import { startConversation } from "../inbox/opening";
import { contactRatings } from "../bot/polls";
import { ContactPage, ContactRows, ContactsPage } from "../../views/contacts/page";
import { orgTags } from "../inbox/tagging";
import { findContacts, getContact, startableChannels } from "./contacts";

const listQuery = z.object({ q: z.string().max(200).optional().default(""), tag: z.union([z.literal(""), field.id()]).optional(), after: z.string().max(300).optional() });

export function contactsRoutes() {
  const app = signedInRoutes();
  app.get("/", validQuery(listQuery), async (c) => {
    const { q, after } = c.req.valid("query");
    const search = q.trim();
    const tag = c.req.valid("query").tag || null;
    const db = c.get("deps").database.db;
    const actor = c.get("actor");
    const [list, tags] = await Promise.all([findContacts(db, actor, search || undefined, decodeCursor(after), undefined, tag), orgTags(db, actor.orgId)]);
    if (isHtmx(c) && after) return render(c, <ContactRows ui={ui(c)} rows={list.items} next={list.next} search={search} tag={tag} />);
    return render(c, <ContactsPage ui={ui(c)} rows={list.items} next={list.next} search={search} tags={tags} tag={tag} flash={takeFlash(c)} />);
  });
  app.get("/:id{[0-9]+}", async (c) => {
    const db = c.get("deps").database.db;
    const actor = c.get("actor");
    const [detail, channels] = await Promise.all([getContact(db, actor, idParam(c)), startableChannels(db, actor)]);
    if (!detail) return c.notFound();
    const ratings = await contactRatings(db, actor.orgId, detail.contact.id);
    return render(c, <ContactPage ui={ui(c)} detail={detail} channels={channels} ratings={ratings} flash={takeFlash(c)} />);
  });

  // An agent starts a conversation with the contact; it opens assigned to them.
  app.post("/:id{[0-9]+}/conversations", validForm(z.object({ channelId: field.id() }), (c: SignedInCtx) => c.text(c.get("t")("error.badRequest"), 400)), async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    const contactId = idParam(c);
    try {
      const started = await commit(database, actor.orgId, (db) => startConversation(db, actor, { contactId, channelId: c.req.valid("form").channelId }, clock.now()));
      return redirect(c, `/inbox/${started.conversationId}?tab=assigned`);
    } catch (e) {
      if (!(e instanceof ConversationRuleBroken)) throw e;
      if (e.reason === "already_open" && e.conversationId) {
        flash(c, "error", "inbox.error.alreadyOpen");
        return redirect(c, `/inbox/${e.conversationId}?tab=all`);
      }
      return c.notFound();
    }
  });
  return app;
}
