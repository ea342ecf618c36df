// Admin area (admins only): each section mounts its own routes.
import { Hono } from "hono";
import type { AppEnv } from "../context";
import { requireRole } from "../auth/middleware";
import { redirect } from "../web";
import { usersRoutes } from "./users-routes";

export function adminRoutes() {
  const app = new Hono<AppEnv>();
  app.use("*", requireRole("admin"));
  app.get("/", (c) => redirect(c, "/admin/users"));
  app.route("/users", usersRoutes());
  return app;
}
