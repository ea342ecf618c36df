// Request plumbing shared by every module: language, flash messages, rendering, CSRF, request logs.
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { Actor, AppEnv, SignedInEnv } from "./context";
import { isLocale, negotiateLocale, translator, type Locale, type MessageKey, type Params } from "./i18n";
import type { Flash, Ui } from "../views/ui";
import { carriesNul } from "./plain-text";

export type Ctx = Context<AppEnv>;
/** A request behind the sign-in check: its actor, user and session are set. */
export type SignedInCtx = Context<SignedInEnv>;
/** What the helpers here take: any request, signed in or not. */
export type AnyCtx = Ctx | SignedInCtx;

export const LOCALE_COOKIE = "kanal_lang";
const FLASH_COOKIE = "kanal_flash";

export function isSecureRequest(c: AnyCtx): boolean {
  const publicUrl = (c as Ctx).get("deps").config.PUBLIC_URL;
  if (publicUrl) return publicUrl.startsWith("https:");
  return new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https";
}

export function cookieDefaults(c: AnyCtx) {
  return { path: "/", httpOnly: true, sameSite: "Lax" as const, secure: isSecureRequest(c) };
}

/** Language: the user's choice, else the cookie, else the browser's preference, else English. */
export const localeMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  const cookie = getCookie(c, LOCALE_COOKIE);
  const locale = (isLocale(cookie) ? cookie : undefined) ?? negotiateLocale(c.req.header("accept-language")) ?? "en";
  c.set("locale", locale);
  c.set("t", translator(locale));
  await next();
};

export function setLocale(c: AnyCtx, locale: "en" | "tr") {
  const asked = c as Ctx;
  asked.set("locale", locale);
  asked.set("t", translator(locale));
}

/**
 * What every view gets. `since`: where the page's live stream starts, the newest event heard before
 * the page's data was read (by default, now).
 */
export function ui(c: AnyCtx, since?: number): Ui {
  const asked = c as Ctx;
  const actor = asked.get("actor");
  const liveSince = actor ? asked.get("runtime").bus.pageResumePoint(actor.orgId, since) : undefined;
  return { t: asked.get("t"), locale: asked.get("locale"), path: c.req.path, search: new URL(c.req.url).search, user: asked.get("user"), actor, liveSince };
}

/** What a view drawn outside a request (a live fragment) gets: the person and their language. */
export function uiFor(actor: Actor, locale: Locale): Ui {
  return { t: translator(locale), locale, path: "", user: null, actor };
}

export function render(c: AnyCtx, page: JSX.Element, status: 200 | 201 | 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 503 = 200) {
  return c.html(page as unknown as string, status);
}

/** True when htmx made the request (it will swap the response into the page). */
export function isHtmx(c: AnyCtx): boolean {
  return c.req.header("hx-request") === "true";
}

/** A message shown once on the next page, for redirects after a plain form post. */
export function flash(c: AnyCtx, kind: "ok" | "error", key: MessageKey, params?: Params) {
  setCookie(c, FLASH_COOKIE, encodeURIComponent(JSON.stringify({ kind, key, params })), { ...cookieDefaults(c), maxAge: 60 });
}

export function takeFlash(c: AnyCtx): Flash {
  const raw = getCookie(c, FLASH_COOKIE);
  if (!raw) return null;
  deleteCookie(c, FLASH_COOKIE, { path: "/" });
  try {
    const { kind, key, params } = JSON.parse(decodeURIComponent(raw));
    return { kind: kind === "error" ? "error" : "ok", text: (c as Ctx).get("t")(key, params) };
  } catch {
    return null;
  }
}

/**
 * A user-supplied redirect target, kept only when a browser would read it as a page of this app:
 * it is parsed as a URL against the app's own origin (which strips tabs and newlines and turns `\`
 * into `/`, as browsers do), and what is returned is the parsed path, not the text that came in.
 */
export function sameOriginPath(target: string | undefined | null): string | undefined {
  if (!target || !target.startsWith("/")) return undefined;
  const origin = "http://kanal.invalid";
  let url: URL;
  try {
    url = new URL(target, origin);
  } catch {
    return undefined;
  }
  return url.origin === origin ? url.pathname + url.search + url.hash : undefined;
}

/** After a successful post: htmx follows `HX-Redirect`-free 303s itself; plain forms too. */
export function redirect(c: AnyCtx, to: string) {
  return c.redirect(to, 303);
}

/**
 * After a successful save: htmx redraws the page in place with "Saved."; a plain form post is
 * redirected (post/redirect/get) and the next page shows the same message.
 */
export function saved(c: AnyCtx, redraw: (message: Flash) => Response | Promise<Response>, to: string) {
  if (isHtmx(c)) return redraw({ kind: "ok", text: (c as Ctx).get("t")("common.saved") });
  flash(c, "ok", "common.saved");
  return redirect(c, to);
}

/** Only same-origin pages may change state. Webhooks and the widget API prove themselves otherwise. */
export function csrfGuard(exemptPrefixes: string[]): MiddlewareHandler<AppEnv> {
  const safe = new Set(["GET", "HEAD", "OPTIONS"]);
  return async (c, next) => {
    if (safe.has(c.req.method) || exemptPrefixes.some((p) => c.req.path.startsWith(p))) return next();
    const site = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    const allowed = new Set([new URL(c.req.url).origin]);
    const publicUrl = c.get("deps").config.PUBLIC_URL;
    if (publicUrl) allowed.add(new URL(publicUrl).origin);
    const ok = origin ? allowed.has(origin) : site === "same-origin";
    if (!ok) return c.text(c.get("t")("error.csrf"), 403);
    return next();
  };
}

const secretPath = /^\/(password|webhooks)\/[^/]+/;

/** One JSON line per request; paths that carry secrets are masked. */
export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  const requestId = c.req.header("x-request-id") ?? crypto.randomUUID();
  c.set("requestId", requestId);
  c.header("x-request-id", requestId);
  await next();
  if (c.req.path === "/healthz" || c.req.path.startsWith("/static/")) return;
  c.get("deps").log.info("request", {
    requestId,
    method: c.req.method,
    path: c.req.path.replace(secretPath, "/$1/:token"),
    status: c.res.status,
    ms: Math.round((performance.now() - started) * 10) / 10,
    user: c.get("user")?.id,
    org: c.get("actor")?.orgId,
  });
};

/**
 * Content-Security-Policy for the app's own pages: scripts only from this origin (no inline script,
 * no eval: htmx is used without hx-on or `js:` values), live updates and uploads to this origin,
 * images and recordings also from `data:`/`blob:` (the composer's previews). Style attributes are
 * allowed, style elements are not: tag colours are drawn as attributes, and an attribute cannot run
 * script; everything else comes from /static/app.css.
 */
export const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Files people and providers uploaded, and the widget's answers to other sites: data, never a
 * document of this origin. Opened on their own, they run nothing and reach nothing (sandbox).
 * Media may be shown in a frame of the app itself; widget answers are read from any site by CORS,
 * which no frame policy touches.
 */
export const MEDIA_POLICY = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'";
export const WIDGET_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'";

/** Microphone for the app's own voice notes; nothing else a page could ask the browser for. */
export const PERMISSIONS_POLICY = "microphone=(self), camera=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), midi=(), display-capture=()";

const mediaPath = /^\/(media\/|inbox\/[0-9]+\/files\/)/;

function headersFor(path: string): Record<string, string> {
  const widget = path === "/widget.js" || path.startsWith("/widget/api/");
  const policy = widget ? WIDGET_POLICY : mediaPath.test(path) ? MEDIA_POLICY : PAGE_POLICY;
  return {
    "content-security-policy": policy,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": PERMISSIONS_POLICY,
    "x-frame-options": policy === MEDIA_POLICY ? "SAMEORIGIN" : "DENY",
  };
}

/**
 * Security headers on every response. Given before the handler runs, so responses made through the
 * context are born with them: a header written into a finished response makes Hono copy it, its
 * body turned into a stream. Responses made outside the context get them afterwards.
 */
export const refuseNul: MiddlewareHandler<AppEnv> = async (c, next) => {
  const url = new URL(c.req.url);
  const contentType = (c.req.header("content-type") ?? "").toLowerCase();
  // Files are bytes, not text, and stored as they came: multipart forms, and raw uploads, which carry
  // the file's own type (text/csv, application/json…) and its name in X-Filename, and are streamed.
  const textBody =
    c.req.method !== "GET" && c.req.method !== "HEAD" && !c.req.header("x-filename") && /^application\/(x-www-form-urlencoded|json)/.test(contentType);
  if (!carriesNul(contentType, textBody ? await c.req.text() : "", url.searchParams)) return next();
  const text = c.get("t")("error.nulCharacter");
  if (url.pathname.startsWith("/widget/api/") || contentType.startsWith("application/json")) return c.json({ error: "nul_character", message: text }, 400);
  return c.text(text, 400);
};

export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  const headers = headersFor(c.req.path);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  await next();
  for (const [name, value] of Object.entries(headers)) if (!c.res.headers.has(name)) c.header(name, value);
};

/**
 * The client's address for rate limits. X-Forwarded-For is anyone's to write, so it counts only
 * with TRUST_PROXY, and then its last entry (the one the proxy itself added).
 */
export function clientAddress(c: AnyCtx): string | null {
  if ((c as Ctx).get("deps").config.TRUST_PROXY) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").map((s) => s.trim()).filter(Boolean);
    if (forwarded?.length) return forwarded[forwarded.length - 1];
  }
  return c.env?.server?.requestIP(c.req.raw)?.address ?? null;
}
