// Admin area (admins only): each section mounts its own routes.
import { Hono } from "hono";
import type { AppEnv } from "../context";
import { requireRole } from "../auth/middleware";
import { redirect } from "../web";
import { blockedContactsRoutes } from "./blocked-contacts-routes";
import { brandsRoutes } from "./brands-routes";
import { channelsRoutes } from "./channels-routes";
import { closingMessagesRoutes } from "./closing-messages-routes";
import { customFieldsRoutes } from "./custom-fields-routes";
import { quickRepliesRoutes } from "./quick-replies-routes";
import { tagsRoutes } from "./tags-routes";
import { organizationRoutes } from "./organization";
import { usersRoutes } from "./users-routes";
import { workgroupsRoutes } from "./workgroups-routes";
import { apiTokensAdminRoutes, paymentsAdminRoutes } from "../billing/admin-routes";
import { importAdminRoutes } from "../billing/import-routes";
import { workflowsRoutes } from "../workflows/routes";
import { businessHoursRoutes } from "../workflows/hours-routes";

export function adminRoutes() {
  const app = new Hono<AppEnv>();
  app.use("*", requireRole("admin"));
  app.get("/", (c) => redirect(c, "/admin/users"));
  app.route("/users", usersRoutes());
  app.route("/organization", organizationRoutes());
  app.route("/workgroups", workgroupsRoutes());
  app.route("/brands", brandsRoutes());
  app.route("/channels", channelsRoutes());
  app.route("/tags", tagsRoutes());
  app.route("/quick-replies", quickRepliesRoutes());
  app.route("/closing-messages", closingMessagesRoutes());
  app.route("/custom-fields", customFieldsRoutes());
  app.route("/payments", paymentsAdminRoutes());
  app.route("/api-tokens", apiTokensAdminRoutes());
  app.route("/imports", importAdminRoutes());
  app.route("/workflows", workflowsRoutes());
  app.route("/business-hours", businessHoursRoutes());
  app.route("/blocked-contacts", blockedContactsRoutes());
  return app;
}
