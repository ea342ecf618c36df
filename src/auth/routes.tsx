// Sign-in, sign-out, the organization picker, first-run setup and one-time password links.
import { Hono } from "hono";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { sessions } from "@db/schema";
import type { AppEnv } from "../context";
import { field, validForm } from "../forms";
import { isLocale } from "../i18n";
import { emptyForm } from "../../views/components/form";
import { LoginPage, OrganizationPicker, SetPasswordPage, SetupPage } from "../../views/auth/pages";
import { changeStatus, goOffline } from "../cockpit/statuses";
import { commit } from "../realtime/changes";
import { clientAddress, flash, redirect, render, sameOriginPath, takeFlash, ui, type Ctx } from "../web";
import { isValidTimezone, timezoneChoices } from "../admin/organizations";
import {
  actorFor,
  authenticate,
  completeSetup,
  findPasswordToken,
  needsSetup,
  organizationsOf,
  SetupAlreadyDone,
  setPasswordWithToken,
} from "./accounts";
import type { Auth } from "./lucia";
import { writeSessionCookie } from "./middleware";
import { passwordMinLength } from "./passwords";
import { acceptInvitation, declineInvitation, invitationsFor } from "./invitations";
import { attemptKeys, clearFailures, countAttempt } from "./rate-limit";

const loginSchema = z.object({
  email: z.string().trim().min(1, "validation.required").max(320),
  password: z.string().min(1, "validation.required").max(1000),
  next: z.string().optional(),
});

const setupSchema = z.object({
  organizationName: field.text(120),
  timezone: z.string().refine(isValidTimezone, "validation.invalid"),
  name: field.text(120),
  email: field.email(),
  password: z.string().min(passwordMinLength, "validation.tooShort").max(1000, "validation.tooLong"),
  locale: z.string().optional().transform((v) => (isLocale(v) ? v : "en")),
});

const passwordSchema = z
  .object({
    password: z.string().min(passwordMinLength, "validation.tooShort").max(1000, "validation.tooLong"),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { message: "auth.passwordMismatch", path: ["confirm"] });

/** Only this app's own pages are followed after sign-in (no open redirects). */
const safeNext = sameOriginPath;

/**
 * Starts the session's work in an organization the user belongs to; false when they do not.
 * Starting work brings an offline agent online (signing out reverses it).
 */
async function enterOrganization(c: Ctx, userId: string, sessionId: string, orgId: number): Promise<boolean> {
  const { database, clock } = c.get("deps");
  const actor = await actorFor(database.db, userId, orgId);
  if (!actor) return false;
  await database.db.update(sessions).set({ orgId }).where(eq(sessions.id, sessionId));
  if (actor.status === "offline") await commit(database, orgId, (db) => changeStatus(db, actor, actor.userId, "online", clock.now()));
  return true;
}

/** Signing in: the form, and the check of what it sends (rate-limited by address and email). */
export function loginRoutes(auth: Auth) {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => {
    const db = c.get("deps").database.db;
    if (await needsSetup(db)) return redirect(c, "/setup");
    if (c.get("user")) return redirect(c, "/organizations");
    return render(c, <LoginPage ui={ui(c)} form={emptyForm()} flash={takeFlash(c)} next={safeNext(c.req.query("next"))} />);
  });

  app.post(
    "/",
    validForm(loginSchema, (c, errors, values) => render(c, <LoginPage ui={ui(c)} form={{ errors, values }} flash={null} />, 422)),
    async (c) => {
      const { db } = c.get("deps").database;
      const { config, clock } = c.get("deps");
      const { email, password, next } = c.req.valid("form");
      const keys = attemptKeys(email, clientAddress(c));
      const limit = { maxFailures: config.LOGIN_MAX_FAILURES, windowMs: config.LOGIN_WINDOW_MINUTES * 60_000 };
      const t = c.get("t");
      const attempt = await countAttempt(db, keys, limit, clock.now());
      if (attempt.limited) {
        const form = { values: { email }, errors: { _form: t("auth.rateLimited", { minutes: config.LOGIN_WINDOW_MINUTES }) } };
        return render(c, <LoginPage ui={ui(c)} form={form} flash={{ kind: "error", text: form.errors._form }} />, 429);
      }
      const user = await authenticate(db, email, password);
      if (!user) {
        return render(c, <LoginPage ui={ui(c)} form={{ values: { email }, errors: {} }} flash={{ kind: "error", text: t("auth.invalid") }} next={safeNext(next)} />, 401);
      }
      await clearFailures(db, keys, attempt.ids);
      const session = await auth.createSession(user.id, { orgId: null });
      writeSessionCookie(c, auth, session.id, session.expiresAt);
      const target = safeNext(next);
      // A member of one organization, with no invitation to answer, has nothing to pick: straight in.
      const [orgs, invitations] = await Promise.all([organizationsOf(db, user.id), invitationsFor(db, user.id)]);
      if (orgs.length === 1 && invitations.length === 0 && (await enterOrganization(c, user.id, session.id, orgs[0]!.orgId))) return redirect(c, target ?? "/inbox");
      return redirect(c, target ? `/organizations?next=${encodeURIComponent(target)}` : "/organizations");
    },
  );
  return app;
}

/** Signing out: the session ends, its live streams too, and the agent goes offline. */
export function logoutRoutes(auth: Auth) {
  const app = new Hono<AppEnv>();
  app.post("/", async (c) => {
    const sessionId = c.get("sessionId");
    const actor = c.get("actor");
    if (sessionId) {
      await auth.invalidateSession(sessionId);
      // This process's streams of the session end now; other processes' at their next sweep.
      await c.get("runtime").streams.sweep();
      if (actor) {
        const { database, clock } = c.get("deps");
        await commit(database, actor.orgId, (db) => goOffline(db, actor.orgId, actor.userId, clock.now()));
      }
    }
    writeSessionCookie(c, auth, "", 0);
    flash(c, "ok", "auth.signedOut");
    return redirect(c, "/login");
  });
  return app;
}

/** The organizations a signed-in user works in, and picking one for this session. */
export function organizationPickerRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => {
    const user = c.get("user");
    if (!user) return redirect(c, "/login");
    const db = c.get("deps").database.db;
    const [orgs, invitations] = await Promise.all([organizationsOf(db, user.id), invitationsFor(db, user.id)]);
    return render(c, <OrganizationPicker ui={ui(c)} organizations={orgs} invitations={invitations} next={safeNext(c.req.query("next"))} flash={takeFlash(c)} />);
  });

  app.post("/", validForm(z.object({ orgId: field.id(), next: z.string().optional() }), (c) => redirect(c, "/organizations")), async (c) => {
    const user = c.get("user");
    const sessionId = c.get("sessionId");
    if (!user || !sessionId) return redirect(c, "/login");
    const { orgId } = c.req.valid("form");
    if (!(await enterOrganization(c, user.id, sessionId, orgId))) return redirect(c, "/organizations");
    return redirect(c, safeNext(c.req.valid("form").next) ?? "/inbox");
  });
  return app;
}

/** Answering an invitation to an organization. */
export function invitationRoutes() {
  const app = new Hono<AppEnv>();
  app.post("/:id{[0-9]{1,15}}/:answer{accept|decline}", async (c) => {
    const user = c.get("user");
    if (!user) return redirect(c, "/login");
    const { database, clock } = c.get("deps");
    const id = Number(c.req.param("id"));
    if (c.req.param("answer") === "decline") {
      if (!(await declineInvitation(database.db, user.id, id))) return c.notFound();
      flash(c, "ok", "auth.invitationDeclined");
      return redirect(c, "/organizations");
    }
    const joined = await commit<Awaited<ReturnType<typeof acceptInvitation>>>(database, (done) => done.orgId, (db) => acceptInvitation(db, user.id, id, clock.now()));
    if (!joined) return c.notFound();
    flash(c, "ok", "auth.invitationAccepted");
    return redirect(c, "/organizations");
  });
  return app;
}

/** First run: the first organization and its first admin. */
export function setupRoutes(auth: Auth) {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => {
    if (!(await needsSetup(c.get("deps").database.db))) return redirect(c, "/login");
    return render(c, <SetupPage ui={ui(c)} form={emptyForm({ timezone: "Europe/Istanbul" })} timezones={timezoneChoices()} />);
  });

  app.post(
    "/",
    validForm(setupSchema, (c, errors, values) => render(c, <SetupPage ui={ui(c)} form={{ errors, values }} timezones={timezoneChoices()} />, 422)),
    async (c) => {
      const { database, clock } = c.get("deps");
      const input = c.req.valid("form");
      try {
        const { userId, orgId } = await completeSetup(database.db, { ...input, organizationName: input.organizationName }, clock.now());
        const session = await auth.createSession(userId, { orgId });
        writeSessionCookie(c, auth, session.id, session.expiresAt);
        return redirect(c, "/inbox");
      } catch (e) {
        if (e instanceof SetupAlreadyDone) return redirect(c, "/login");
        throw e;
      }
    },
  );
  return app;
}

/** One-time links that set a password. */
export function passwordRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/:token", async (c) => {
    const token = c.req.param("token");
    const found = await findPasswordToken(c.get("deps").database.db, token, c.get("deps").clock.now());
    return render(c, <SetPasswordPage ui={ui(c)} form={emptyForm()} token={token} email={found?.email} valid={!!found} />, found ? 200 : 404);
  });

  app.post(
    "/:token",
    validForm(passwordSchema, (c, errors, values) =>
      render(c, <SetPasswordPage ui={ui(c)} form={{ errors, values }} token={c.req.param("token")!} valid />, 422),
    ),
    async (c) => {
      const token = c.req.param("token");
      const { database, clock } = c.get("deps");
      const ok = await setPasswordWithToken(database.db, token, c.req.valid("form").password, clock.now());
      if (!ok) return render(c, <SetPasswordPage ui={ui(c)} form={emptyForm()} token={token} valid={false} />, 404);
      flash(c, "ok", "auth.passwordSet");
      return redirect(c, "/login");
    },
  );
  return app;
}
