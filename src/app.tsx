// The app and its URL map: shared middleware, then every feature's routes mounted at its own
// prefix, in the order requests meet them. Each feature's routes module says what it does under its
// prefix; signed-in ones are built with `signedInRoutes(...roles)`, which checks the session first.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv, Deps } from "./context";
import { buildRuntime, liveRenderers } from "./runtime";
import { createAuth } from "./auth/lucia";
import { requireActor, sessionMiddleware } from "./auth/middleware";
import { invitationRoutes, loginRoutes, logoutRoutes, organizationPickerRoutes, passwordRoutes, setupRoutes } from "./auth/routes";
import { adminRoutes } from "./admin/routes";
import { healthRoutes, meRoutes } from "./shell/routes";
import { staticFiles, staticRoutes } from "./static";
import { compressResponses } from "./compression";
import { webhookRoutes } from "./channels/webhook-routes";
import { supportRoutes } from "./channels/support";
import { webchatRoutes, widgetScriptRoutes } from "./channels/webchat/routes";
import { paymentWebhookRoutes } from "./billing/webhook-routes";
import { billingApiRoutes } from "./billing/api-routes";
import { billingWidgetRoutes } from "./billing/widget-routes";
import { apiTokensAdminRoutes, paymentsAdminRoutes } from "./billing/admin-routes";
import { importAdminRoutes } from "./billing/import-routes";
import { botAdminRoutes } from "./bot/admin-routes";
import { pollRoutes } from "./bot/poll-routes";
import { mentionsRoutes } from "./inbox/mentions-routes";
import { typingRoutes } from "./inbox/typing-routes";
import { inboxRoutes } from "./inbox/routes";
import { snoozeRoutes } from "./inbox/snooze-routes";
import { bulkActionRoutes } from "./inbox/bulk-routes";
import { commentRoutes } from "./comments/routes";
import { conversationFileRoutes, mediaRoutes } from "./media/routes";
import { contactsRoutes } from "./contacts/routes";
import { contactEditingRoutes } from "./contacts/edit-routes";
import { startingRoutes } from "./inbox/starting-routes";
import { cockpitRoutes } from "./cockpit/routes";
import { reportsRoutes } from "./reports/routes";
import { bulkRoutes } from "./bulk/routes";
import { bulkContactRoutes } from "./bulk/contact-routes";
import { workflowsRoutes } from "./workflows/routes";
import { businessHoursRoutes } from "./workflows/hours-routes";
import { realtimeRoutes } from "./realtime/routes";
import { ErrorPage } from "../views/auth/pages";
import { isDatabaseUnavailable } from "@db/client";
import { csrfGuard, localeMiddleware, redirect, refuseNul, render, requestLog, securityHeaders, ui, type Ctx } from "./web";
import { NotFound } from "./not-found";

/** Seconds after which a page or webhook refused for an unavailable database is tried again. */
const RETRY_AFTER_S = 5;

export function createApp(deps: Deps) {
  const auth = createAuth(deps.database.db, deps.config.SESSION_DAYS);
  const runtime = buildRuntime(deps);
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

  // Callers that prove themselves otherwise: no locale, session or CSRF check.
  app.route("/webhooks", webhookRoutes(runtime.background)); // channels' providers, by signature
  app.route("/payments/webhooks", paymentWebhookRoutes()); // payment providers, by signature
  app.route("/support/api", supportRoutes()); // the support desk, by bearer token
  app.route("/api/v1", billingApiRoutes()); // the billing API, by bearer token (no cookies read)

  app.use("*", localeMiddleware);
  app.use("*", refuseNul);
  app.use("*", csrfGuard(["/webhooks/", "/widget/api/"]));
  app.use("*", sessionMiddleware(auth));

  // Anyone.
  app.route("/healthz", healthRoutes());
  app.route("/me", meRoutes()); // the language for anyone; status and preferences once signed in
  app.get("/", (c) => redirect(c, c.get("user") ? "/inbox" : "/login"));
  app.route("/login", loginRoutes(auth));
  app.route("/logout", logoutRoutes(auth));
  app.route("/organizations", organizationPickerRoutes());
  app.route("/invitations", invitationRoutes());
  app.route("/setup", setupRoutes(auth));
  app.route("/password", passwordRoutes());
  app.route("/widget.js", widgetScriptRoutes());
  app.route("/widget", webchatRoutes(runtime.bus)); // the demo page, and the widget's API for visitors

  // Signed in (each module checks it, and the roles it wants, itself).
  app.route("/inbox", inboxRoutes());
  app.route("/inbox", startingRoutes()); // "New conversation": an agent writes first
  app.route("/inbox", billingWidgetRoutes()); // the conversation's billing widget
  app.route("/inbox", conversationFileRoutes()); // uploads, gallery, file box
  app.route("/inbox", commentRoutes()); // a comment thread's replies, moderation and post picture
  app.route("/inbox", pollRoutes()); // an agent's quick poll
  app.route("/inbox", typingRoutes()); // an agent typing: told to the customer and colleagues
  app.route("/mentions", mentionsRoutes()); // notes that named the reader, until read
  app.route("/inbox", snoozeRoutes()); // snooze a conversation until a time, wake it now
  app.route("/inbox", bulkActionRoutes()); // assign, close, tag or mark as spam several conversations at once
  app.route("/media", mediaRoutes());
  app.route("/contacts", contactsRoutes());
  app.route("/contacts", contactEditingRoutes()); // new, edit, delete (privacy requests), merge
  app.route("/cockpit", cockpitRoutes()); // supervisors and admins
  app.route("/reports", reportsRoutes()); // supervisors and admins
  app.route("/bulk", bulkRoutes()); // supervisors and admins
  app.route("/contacts", bulkContactRoutes()); // opting a contact out of bulk messages and back in
  app.route("/admin", adminRoutes()); // admins: users, organization, workgroups, brands, channels, tags…
  app.route("/admin/payments", paymentsAdminRoutes());
  app.route("/admin/api-tokens", apiTokensAdminRoutes());
  app.route("/admin/imports", importAdminRoutes());
  app.route("/admin/workflows", workflowsRoutes());
  app.route("/admin/business-hours", businessHoursRoutes());
  app.route("/admin/bot", botAdminRoutes());
  // The live stream knows no feature (src/realtime): the sign-in check is put in front of it here.
  app.use("/events", requireActor);
  app.route("/events", realtimeRoutes(runtime.bus, liveRenderers(deps, runtime), runtime.streams));

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
