// Admin → Blocked contacts: the list (contacts marked as spam) and Unblock.
import { Hono } from "hono";
import type { SignedInEnv } from "../context";
import { ConversationRuleBroken } from "../inbox/changes";
import { blockedContacts, unblockContact } from "../inbox/spam";
import { commit } from "../realtime/changes";
import { flash, redirect, render, takeFlash, ui } from "../web";
import { BLOCKED_BASE, BlockedContactsPage } from "../../views/admin/blocked-contacts";
import { ID, idOf } from "./resource";

export function blockedContactsRoutes() {
  const app = new Hono<SignedInEnv>();
  app.get("/", async (c) => {
    const rows = await blockedContacts(c.get("deps").database.db, c.get("actor").orgId);
    return render(c, <BlockedContactsPage ui={ui(c)} rows={rows} flash={takeFlash(c)} />);
  });
  app.post(`${ID}/unblock`, async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    try {
      const done = await commit(database, actor.orgId, (db) => unblockContact(db, actor, idOf(c), clock.now()));
      flash(c, "ok", "blockedContacts.unblocked", { name: done.name });
    } catch (e) {
      if (e instanceof ConversationRuleBroken && e.reason === "not_found") return c.notFound();
      throw e;
    }
    return redirect(c, BLOCKED_BASE);
  });
  return app;
}
