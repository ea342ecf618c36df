// Builds the Hono app: shared middleware, then each module's routes.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv, Deps, Runtime } from "./context";
import { EventBus } from "./realtime/bus";
import { TabCountCache } from "./inbox/tab-counts";
import { KeptInboxPages } from "./inbox/kept-pages";
import { LiveRenderers } from "./realtime/renderers";
import { realtimeRoutes } from "./realtime/routes";
import { StreamStanding } from "./realtime/standing";
import { statusSwitchLive } from "./shell/live";
import { cockpitLive } from "./cockpit/live";
import { inboxLive } from "./inbox/live";
import { createAuth } from "./auth/lucia";
import { requireActor, sessionMiddleware } from "./auth/middleware";
import { authRoutes } from "./auth/routes";
import { adminRoutes } from "./admin/routes";
import { shellRoutes } from "./shell/routes";
import { workspaceRoutes } from "./shell/workspace";
import { staticFiles, staticRoutes } from "./static";
import { compressResponses } from "./compression";
import { Background } from "./background";
import { webhookRoutes } from "./channels/webhook-routes";
import { supportRoutes } from "./channels/support";
import { OutboxWorker } from "./channels/outbox";
import { WorkflowWorker } from "./workflows/engine";
import { RoutingWorker } from "./routing/worker";
import { onCommitted } from "./realtime/changes";
import { webchatRoutes } from "./channels/webchat/routes";
import { paymentWebhookRoutes } from "./billing/webhook-routes";
import { billingApiRoutes } from "./billing/api-routes";
import { billingLive } from "./billing/live";
import { importLive } from "./billing/import-live";
import { inboxPage } from "./inbox/live";
import { ErrorPage } from "../views/auth/pages";
import { isDatabaseUnavailable } from "@db/client";
import { csrfGuard, localeMiddleware, refuseNul, render, requestLog, securityHeaders, ui, type Ctx } from "./web";
import { NotFound } from "./not-found";

/** Seconds after which a page or webhook refused for an unavailable database is tried again. */
const RETRY_AFTER_S = 5;

export function createApp(deps: Deps) {
  const auth = createAuth(deps.database.db, deps.config.SESSION_DAYS);
  const bus = new EventBus(deps.database, deps.log);
  const background = new Background(deps.log);
  const outbox = new OutboxWorker(deps);
  const workflows = new WorkflowWorker(deps);
  const runtime: Runtime = { bus, background, outbox, workflows, tabCounts: new TabCountCache(bus), inboxPages: new KeptInboxPages(bus), startedAt: deps.clock.now(), streams: new StreamStanding(deps.database, () => deps.clock.now(), deps.log) };
  // A send queued in any process wakes this process's worker too (LISTEN/NOTIFY).
  bus.observe(() => outbox.wake());
  // So do committed events for the workflow engine, which makes their runs once across processes.
  bus.observe(() => workflows.wake());
  // Routing follows this process's committed changes; the sweep job covers other processes' crashes.
  const routing = new RoutingWorker(deps, background);
  onCommitted(deps.database, (orgId, ids) => routing.heard(orgId, ids));
  const app = Object.assign(new Hono<AppEnv>(), { runtime });

  app.use("*", async (c, next) => {
    c.set("deps", deps);
    c.set("runtime", runtime);
    await next();
  });
  app.use("*", requestLog);
  app.use("*", compressResponses);
  app.use("*", securityHeaders);
  app.route("/static", staticRoutes(staticFiles()));
  // Providers' webhooks need neither a locale, a session nor CSRF: their signature is the check.
  app.route("/", webhookRoutes(background));
  app.route("/", supportRoutes());
  app.route("/", paymentWebhookRoutes());
  // The billing API authenticates by bearer token: no session, no CSRF (no cookies are read).
  app.route("/api/v1", billingApiRoutes());
  app.use("*", localeMiddleware);
  app.use("*", refuseNul);
  app.use("*", csrfGuard(["/webhooks/", "/widget/api/"]));
  app.use("*", sessionMiddleware(auth));

  app.route("/", shellRoutes());
  app.route("/", authRoutes(auth));
  app.use("/admin/*", requireActor);
  app.use("/admin", requireActor);
  app.route("/admin", adminRoutes());
  app.route("/", workspaceRoutes());
  app.route("/", webchatRoutes(bus));
  // Each feature draws its own live fragments; the stream only asks the registry.
  const now = () => deps.clock.now();
  const live = new LiveRenderers()
    .everyView(statusSwitchLive)
    .view(cockpitLive(deps.database, now))
    .view(inboxLive(deps.database, now, runtime.tabCounts))
    // Billing draws its widget's lists on the same inbox pages.
    .view({ name: "inbox", page: inboxPage, renderers: [billingLive(deps.database, now)] })
    .view(importLive(deps.database));
  app.use("/events", requireActor);
  app.route("/", realtimeRoutes(bus, live, runtime.streams));

  const notFound = (c: Ctx) => {
    const t = c.get("t");
    if (!t) return c.text("Not found", 404);
    return render(c, <ErrorPage ui={ui(c)} title={t("error.notFound")} text={t("error.notFoundText")} />, 404);
  };
  app.notFound(notFound);

  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    if (isDatabaseUnavailable(err)) {
      // Answered at once and retried, instead of holding the page (or Meta's webhook) open: 503 tells
      // Meta to send the webhook again, and the browser reloads the page by itself.
      deps.log.warn("database unavailable", { requestId: c.get("requestId"), path: c.req.path, error: err instanceof Error ? err.message : String(err) });
      c.header("retry-after", String(RETRY_AFTER_S));
      c.header("refresh", String(RETRY_AFTER_S));
      const t = c.get("t");
      if (!t) return c.text("The database is unavailable; retry later.", 503);
      return render(c, <ErrorPage ui={ui(c)} title={t("error.databaseSlow")} text={t("error.databaseSlowText")} />, 503);
    }
    // An impossible id, another organization's, or a conversation hidden from the asker: as unknown as a wrong URL.
    if (err instanceof NotFound) return notFound(c);
    deps.log.error("unhandled error", { requestId: c.get("requestId"), path: c.req.path, error: err });
    const t = c.get("t");
    if (!t) return c.text("Internal error", 500);
    return render(c, <ErrorPage ui={ui(c)} title={t("error.server")} text={t("error.serverText")} />, 500);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
