// The workspace areas behind sign-in: inbox and contacts for everyone, the cockpit and reports for supervisors.
import { Hono } from "hono";
import type { AppEnv } from "../context";
import { requireActor, requireRole } from "../auth/middleware";
import { cockpitRoutes } from "../cockpit/routes";
import { contactsRoutes } from "../contacts/routes";
import { inboxRoutes } from "../inbox/routes";
import { mediaRoutes } from "../media/routes";
import { reportsRoutes } from "../reports/routes";

export function workspaceRoutes() {
  const app = new Hono<AppEnv>();
  for (const area of ["/inbox", "/contacts", "/cockpit", "/reports", "/media"]) {
    app.use(area, requireActor);
    app.use(`${area}/*`, requireActor);
  }
  app.use("/cockpit", requireRole("admin", "supervisor"));
  app.use("/cockpit/*", requireRole("admin", "supervisor"));
  app.use("/reports", requireRole("admin", "supervisor"));
  app.use("/reports/*", requireRole("admin", "supervisor"));
  app.route("/inbox", inboxRoutes());
  app.route("/contacts", contactsRoutes());
  app.route("/cockpit", cockpitRoutes());
  app.route("/reports", reportsRoutes());
  app.route("/", mediaRoutes());
  return app;
}
