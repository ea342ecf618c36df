// Cockpit routes (supervisors and admins): the board, and changing a member's status.
import { z } from "zod";
import { agentStatuses } from "@db/schema";
import { signedInRoutes } from "../auth/middleware";
import { validForm } from "../forms";
import { commit } from "../realtime/changes";
import { flash, redirect, render, sameOriginPath, takeFlash, ui, type SignedInCtx } from "../web";
import { CockpitPage } from "../../views/cockpit/page";
import { boardQuery, cockpitRows, pastDay, scopeChoices } from "./board";
import { todayIn } from "./metrics";
import { changeStatus, StatusChangeRefused } from "./statuses";

const statusSchema = z.object({ userId: z.string().min(1).max(64), status: z.enum(agentStatuses), back: z.string().optional() });

export function cockpitRoutes() {
  const app = signedInRoutes("admin", "supervisor");
  app.get("/", async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    const view = boardQuery.parse(c.req.query());
    const [rows, choices] = await Promise.all([cockpitRows(database.db, actor, view, clock.now()), scopeChoices(database.db, actor)]);
    const day = { today: todayIn(actor.timezone, clock.now()).day, past: pastDay(view, actor.timezone, clock.now()) };
    return render(c, <CockpitPage ui={ui(c)} rows={rows} flash={takeFlash(c)} view={view} choices={choices} day={day} />);
  });
  app.post("/status", validForm(statusSchema, (c: SignedInCtx) => c.text(c.get("t")("error.badRequest"), 400)), async (c) => {
    const { userId, status } = c.req.valid("form");
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    try {
      await commit(database, actor.orgId, (db) => changeStatus(db, actor, userId, status, clock.now()));
    } catch (e) {
      if (!(e instanceof StatusChangeRefused)) throw e;
      if (e.reason === "not_found") return c.notFound();
      flash(c, "error", "cockpit.refused");
      return redirect(c, "/cockpit");
    }
    flash(c, "ok", "common.saved");
    const back = sameOriginPath(c.req.valid("form").back);
    return redirect(c, back?.startsWith("/cockpit?") ? back : "/cockpit");
  });
  return app;
}
