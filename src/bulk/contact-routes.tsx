// On a contact's page: opt the contact out of bulk messages, or back in.
import { signedInRoutes } from "../auth/middleware";
import { flash, redirect } from "../web";
import { idParam } from "../forms";
import { commit } from "../realtime/changes";
import { setBulkOptOut } from "./opt-out";

export function bulkContactRoutes() {
  const app = signedInRoutes();
  for (const choice of ["in", "out"] as const) {
    app.post(`/:id{[0-9]+}/bulk-opt-${choice}`, async (c) => {
      const { database, clock } = c.get("deps");
      const actor = c.get("actor");
      const id = idParam(c);
      const done = await commit(database, actor.orgId, (db) => setBulkOptOut(db, actor, id, choice === "out", clock.now()));
      if (!done) return c.notFound();
      flash(c, "ok", choice === "out" ? "bulk.optedOut" : "bulk.optedIn");
      return redirect(c, `/contacts/${id}`);
    });
  }
  return app;
}
