// The app shell's own routes: the health check (/healthz), and the user's language, status and
// preferences (/me).
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { z } from "zod";
import { and, eq } from "drizzle-orm";
import { agentStatuses, locales, memberships } from "@db/schema";
import type { AppEnv } from "../context";
import { setUserLocale } from "../auth/accounts";
import { requireActor } from "../auth/middleware";
import { changeStatus } from "../cockpit/statuses";
import { checkHealth } from "./health";
import { field, validForm } from "../forms";
import { commit } from "../realtime/changes";
import { StatusSwitch } from "../../views/layout";
import { cookieDefaults, flash, isHtmx, LOCALE_COOKIE, redirect, render, sameOriginPath, setLocale, ui } from "../web";

const statusSchema = z.object({ status: z.enum(agentStatuses), back: z.string().optional() });
const localeSchema = z.object({ locale: z.enum(locales), back: z.string().optional() });
const preferencesSchema = z.object({ sound: field.checkbox(), desktopNotifications: field.checkbox(), back: z.string().optional() });

/** 200 only when every part is well; the JSON body says which is not (README: Monitoring). */
export function healthRoutes() {
  return new Hono<AppEnv>().get("/", async (c) => {
    const { database, clock } = c.get("deps");
    const health = await checkHealth(database, clock.now(), c.get("runtime").startedAt);
    c.header("cache-control", "no-store");
    return c.json(health, health.ok ? 200 : 503);
  });
}

/** The user's own settings. The language may be picked before signing in; the rest after. */
export function meRoutes() {
  const app = new Hono<AppEnv>();

  app.post("/locale", validForm(localeSchema, (c) => redirect(c, "/")), async (c) => {
    const { locale, back } = c.req.valid("form");
    setCookie(c, LOCALE_COOKIE, locale, { ...cookieDefaults(c), httpOnly: false, maxAge: 365 * 86400 });
    const user = c.get("user");
    if (user) await setUserLocale(c.get("deps").database.db, user.id, locale);
    setLocale(c, locale);
    return redirect(c, sameOriginPath(back) ?? "/");
  });

  app.post("/preferences", requireActor, validForm(preferencesSchema, (c) => c.text(c.get("t")("error.badRequest"), 400)), async (c) => {
    const actor = c.get("actor");
    const { sound, desktopNotifications, back } = c.req.valid("form");
    await c.get("deps").database.db
      .update(memberships)
      .set({ preferences: { sound, desktopNotifications } })
      .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, actor.userId)));
    flash(c, "ok", "common.saved");
    return redirect(c, sameOriginPath(back) ?? "/inbox");
  });

  app.post("/status", requireActor, validForm(statusSchema, (c) => c.text(c.get("t")("error.badRequest"), 400)), async (c) => {
    const actor = c.get("actor");
    const { database, clock } = c.get("deps");
    const { status, back } = c.req.valid("form");
    await commit(database, actor.orgId, (db) => changeStatus(db, actor, actor.userId, status, clock.now()));
    c.set("actor", { ...actor, status });
    if (isHtmx(c)) return render(c, <StatusSwitch ui={ui(c)} />);
    return redirect(c, sameOriginPath(back) ?? "/inbox");
  });

  return app;
}
