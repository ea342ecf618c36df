// Who is asking: the session cookie, the organization picked for it, and role checks for routes.
import { Hono, type MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Role } from "@db/schema";
import type { AppEnv, SignedInEnv } from "../context";
import { isLocale } from "../i18n";
import { cookieDefaults, isHtmx, render, setLocale, ui, type Ctx } from "../web";
import { ErrorPage } from "../../views/auth/pages";
import { actorFor } from "./accounts";
import { currentSession } from "./sessions";
import type { Auth } from "./lucia";

export function sessionMiddleware(auth: Auth): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("user", null);
    c.set("sessionId", null);
    c.set("actor", null);
    const sessionId = getCookie(c, auth.sessionCookieName);
    const current = sessionId ? await currentSession(c.get("deps").database.db, sessionId, c.get("deps").config.SESSION_DAYS * 86_400_000) : null;
    if (current) {
      c.set("user", current.user);
      c.set("sessionId", current.sessionId);
      if (isLocale(current.user.locale)) setLocale(c, current.user.locale);
      c.set("actor", current.actor);
    } else if (sessionId) {
      const { session, user } = await auth.validateSession(sessionId);
      if (!session) {
        writeSessionCookie(c, auth, "", 0);
      } else {
        if (session.fresh) writeSessionCookie(c, auth, session.id, session.expiresAt);
        c.set("user", { id: user.id, email: user.email, name: user.name, locale: user.locale });
        c.set("sessionId", session.id);
        if (isLocale(user.locale)) setLocale(c, user.locale);
        if (session.orgId) c.set("actor", await actorFor(c.get("deps").database.db, user.id, session.orgId));
      }
    }
    await next();
  };
}

export function writeSessionCookie(c: Parameters<MiddlewareHandler<AppEnv>>[0], auth: Auth, value: string, expires: Date | 0) {
  setCookie(c, auth.sessionCookieName, value, {
    ...cookieDefaults(c),
    ...(expires === 0 ? { maxAge: 0 } : { expires }),
  });
}

/**
 * Signed in and working inside an organization; otherwise off to sign in or to pick one. What it
 * lets through has a user, a session and an actor: the handlers after it read them as such.
 */
export const requireActor: MiddlewareHandler<SignedInEnv> = async (c, next) => {
  const asked = c as unknown as Ctx;
  if (!asked.get("user")) {
    const nextPath = c.req.method === "GET" ? `?next=${encodeURIComponent(c.req.path + (new URL(c.req.url).search || ""))}` : "";
    if (isHtmx(c)) return c.body(null, 401, { "HX-Redirect": "/login" });
    return c.redirect(`/login${nextPath}`, 303);
  }
  if (!asked.get("actor")) {
    if (isHtmx(c)) return c.body(null, 401, { "HX-Redirect": "/organizations" });
    return c.redirect("/organizations", 303);
  }
  await next();
};

/** Only these roles of the organization; anyone else sees "forbidden". After `requireActor`. */
export function requireRole(...roles: Role[]): MiddlewareHandler<SignedInEnv> {
  return async (c, next) => {
    if (!roles.includes(c.get("actor").role)) {
      const t = c.get("t");
      return render(c, <ErrorPage ui={ui(c)} title={t("error.forbidden")} text={t("error.forbiddenText")} />, 403);
    }
    await next();
  };
}

/**
 * Routes for signed-in people (of these roles, when given): every route the module adds, at every
 * path under the prefix it is mounted at, passes the checks first, and reads `c.get("actor")` as set.
 */
export function signedInRoutes(...roles: Role[]): Hono<SignedInEnv> {
  const app = new Hono<SignedInEnv>();
  app.use("*", requireActor);
  if (roles.length) app.use("*", requireRole(...roles));
  return app;
}
