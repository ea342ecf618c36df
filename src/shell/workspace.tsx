// Inbox, Contacts and Cockpit pages of the workspace.
import { Hono } from "hono";
import type { AppEnv } from "../context";
import { requireActor, requireRole } from "../auth/middleware";
import { render, ui } from "../web";
import { Layout } from "../../views/layout";
import { inboxRoutes } from "../inbox/routes";

export function workspaceRoutes() {
  const app = new Hono<AppEnv>();
  app.use("/inbox/*", requireActor);
  app.use("/inbox", requireActor);
  app.use("/contacts", requireActor);
  app.use("/contacts/*", requireActor);
  app.use("/cockpit", requireActor, requireRole("admin", "supervisor"));

  app.route("/inbox", inboxRoutes());
  app.get("/contacts", (c) => {
    const t = c.get("t");
    return render(
      c,
      <Layout ui={ui(c)} title={t("contacts.title")}>
        <h1>{t("contacts.title")}</h1>
      </Layout>,
    );
  });
  app.get("/cockpit", (c) => {
    const t = c.get("t");
    return render(
      c,
      <Layout ui={ui(c)} title={t("cockpit.title")}>
        <h1>{t("cockpit.title")}</h1>
      </Layout>,
    );
  });
  return app;
}
