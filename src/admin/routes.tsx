// Admin area (admins only): each of its sections mounts its own routes. Other features' admin
// pages (payments, API tokens, workflows, business hours) are mounted by src/app.tsx.
import { signedInRoutes } from "../auth/middleware";
import { redirect } from "../web";
import { blockedContactsRoutes } from "./blocked-contacts-routes";
import { brandsRoutes } from "./brands-routes";
import { channelsRoutes } from "./channels-routes";
import { closingMessagesRoutes } from "./closing-messages-routes";
import { customFieldsRoutes } from "./custom-fields-routes";
import { quickRepliesRoutes } from "./quick-replies-routes";
import { tagsRoutes } from "./tags-routes";
import { organizationRoutes } from "./organization-routes";
import { usersRoutes } from "./users-routes";
import { workgroupsRoutes } from "./workgroups-routes";

export function adminRoutes() {
  const app = signedInRoutes("admin");
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
  app.route("/blocked-contacts", blockedContactsRoutes());
  return app;
}
