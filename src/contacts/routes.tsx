// Contacts routes: search list with "Load more", and one contact.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { validQuery } from "../forms";
import { decodeCursor } from "../admin/pagination";
import { isHtmx, render, ui } from "../web";
import { ContactPage, ContactRows, ContactsPage } from "../../views/contacts/page";
import { findContacts, getContact } from "./contacts";

const listQuery = z.object({ q: z.string().max(200).optional().default(""), after: z.string().max(300).optional() });

export function contactsRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", validQuery(listQuery), async (c) => {
    const { q, after } = c.req.valid("query");
    const search = q.trim();
    const list = await findContacts(c.get("deps").database.db, c.get("actor")!, search || undefined, decodeCursor(after));
    if (isHtmx(c) && after) return render(c, <ContactRows ui={ui(c)} rows={list.items} next={list.next} search={search} />);
    return render(c, <ContactsPage ui={ui(c)} rows={list.items} next={list.next} search={search} />);
  });
  app.get("/:id{[0-9]+}", async (c) => {
    const detail = await getContact(c.get("deps").database.db, c.get("actor")!, Number(c.req.param("id")));
    if (!detail) return c.notFound();
    return render(c, <ContactPage ui={ui(c)} detail={detail} />);
  });
  return app;
}
