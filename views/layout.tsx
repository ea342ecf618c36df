// The page frame: head, navigation, the user's status and language switches.
import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { agentStatuses, locales } from "../db/schema";
import { here, type Ui } from "./ui";
import { staticUrl } from "../src/static";
import { MentionsBadge } from "./inbox/mentions-badge";

export function Document({ ui, title, children, bodyClass }: { ui: Ui; title: string; children: Child; bodyClass?: string }) {
  const prefs = ui.actor?.preferences ?? {};
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={ui.locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${title} · ${ui.t("app.name")}`}</title>
          <link rel="stylesheet" href={staticUrl("app.css")} />
          <link rel="icon" href={staticUrl("favicon.svg")} type="image/svg+xml" />
          <script src={staticUrl("htmx.min.js")} defer></script>
          <script src={staticUrl("hx-sse.min.js")} defer></script>
          <script src={staticUrl("app.js")} defer></script>
          <script src={staticUrl("composer.js")} defer></script>
          <script src={staticUrl("composer-aids.js")} defer></script>
        </head>
        <body class={bodyClass} data-sound={prefs.sound ? "1" : undefined} data-desktop={prefs.desktopNotifications ? "1" : undefined}>
          {children}
        </body>
      </html>
    </>
  );
}

/**
 * `live` is the live stream's query: it tells the server which page this is (and, for the inbox,
 * which tab and conversation), so the stream sends just the fragments this page shows.
 * One stream per tab: browsers allow only six connections per origin.
 */
export function Layout({ ui, title, children, live = "view=other" }: { ui: Ui; title: string; children: Child; live?: string }) {
  return (
    <Document ui={ui} title={title}>
      {ui.actor ? <div id="live" hx-sse:connect={`/events?${live}${ui.liveSince ? `&since=${ui.liveSince}` : ""}`} hx-swap="none" hidden></div> : null}
      {ui.actor ? <div id="live-sink" hidden></div> : null}
      <a class="skip" href="#main">
        {ui.t("nav.skipToContent")}
      </a>
      <header class="topbar">
        <a class="brand" href="/inbox">
          {ui.t("app.name")}
        </a>
        {ui.actor ? <Navigation ui={ui} /> : null}
        <div class="topbar-end">
          {ui.actor ? <StatusSwitch ui={ui} /> : null}
          <LanguageSwitch ui={ui} />
          {ui.user ? <UserMenu ui={ui} /> : null}
        </div>
      </header>
      <main id="main">{children}</main>
    </Document>
  );
}

function Navigation({ ui }: { ui: Ui }) {
  const role = ui.actor?.role;
  const items: { href: string; label: string; badge?: Child }[] = [
    { href: "/inbox", label: ui.t("nav.inbox") },
    { href: "/mentions", label: ui.t("nav.mentions"), badge: <MentionsBadge ui={ui} count={ui.actor?.unreadMentions ?? 0} /> },
    { href: "/contacts", label: ui.t("nav.contacts") },
  ];
  if (role === "admin" || role === "supervisor") items.push({ href: "/cockpit", label: ui.t("nav.cockpit") }, { href: "/reports", label: ui.t("nav.reports") }, { href: "/bulk", label: ui.t("nav.bulk") });
  if (role === "admin") items.push({ href: "/admin", label: ui.t("nav.admin") });
  return (
    <nav aria-label="Main">
      <ul>
        {items.map((item) => (
          <li>
            <a href={item.href} aria-current={ui.path === item.href || ui.path.startsWith(item.href + "/") ? "page" : undefined}>
              {item.label}
              {item.badge}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function StatusSwitch({ ui }: { ui: Ui }) {
  const status = ui.actor!.status;
  return (
    <form id="status-switch" class={`status-switch status-${status}`} method="post" action="/me/status" hx-post="/me/status" hx-trigger="change" hx-swap="outerHTML">
      <input type="hidden" name="back" value={here(ui)} />
      <label class="visually-hidden" for="status-select">
        {ui.t("status.label")}
      </label>
      <span class="status-dot" aria-hidden="true"></span>
      <select id="status-select" name="status" autocomplete="off">
        {agentStatuses.map((s) => (
          <option value={s} selected={s === status}>
            {ui.t(`status.${s}`)}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit">{ui.t("common.save")}</button>
      </noscript>
    </form>
  );
}

function LanguageSwitch({ ui }: { ui: Ui }) {
  return (
    <form class="language-switch" method="post" action="/me/locale">
      <input type="hidden" name="back" value={here(ui)} />
      <span class="visually-hidden">{ui.t("language.label")}</span>
      {locales.map((l) => (
        <button type="submit" name="locale" value={l} aria-pressed={l === ui.locale ? "true" : "false"} lang={l} title={ui.t(`language.${l}`)}>
          {l.toUpperCase()}
        </button>
      ))}
    </form>
  );
}

function UserMenu({ ui }: { ui: Ui }) {
  return (
    <details class="user-menu">
      <summary>
        <span class="avatar" aria-hidden="true">
          {initials(ui.user!.name)}
        </span>
        <span class="visually-hidden">{ui.user!.name}</span>
      </summary>
      <div class="menu">
        <p>
          <strong>{ui.user!.name}</strong>
          <br />
          <small>{ui.user!.email}</small>
          {ui.actor ? (
            <>
              <br />
              <small>
                {ui.actor.orgName} · {ui.t(`role.${ui.actor.role}`)}
              </small>
            </>
          ) : null}
        </p>
        {ui.actor ? <NotificationSettings ui={ui} /> : null}
        <a href="/organizations">{ui.t("nav.switchOrganization")}</a>
        <form method="post" action="/logout">
          <button type="submit" class="link">
            {ui.t("nav.signOut")}
          </button>
        </form>
      </div>
    </details>
  );
}

/** Per-person choice: a sound and a desktop notification for new messages while the tab is hidden. */
function NotificationSettings({ ui }: { ui: Ui }) {
  const prefs = ui.actor!.preferences ?? {};
  return (
    <form method="post" action="/me/preferences" class="preferences">
      <input type="hidden" name="back" value={here(ui)} />
      <strong>{ui.t("prefs.title")}</strong>
      <label>
        <input type="checkbox" name="sound" checked={!!prefs.sound} /> {ui.t("prefs.sound")}
      </label>
      <label>
        <input type="checkbox" name="desktopNotifications" checked={!!prefs.desktopNotifications} data-asks-permission /> {ui.t("prefs.desktop")}
      </label>
      <button type="submit">{ui.t("common.save")}</button>
    </form>
  );
}

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toLocaleUpperCase())
    .join("");
}

/** A simple page body with a heading, for error pages and small screens. */
export function Message({ title, text }: { title: string; text: string }) {
  return (
    <section class="message-page">
      <h1>{title}</h1>
      <p>{text}</p>
    </section>
  );
}
