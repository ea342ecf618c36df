// Admin pages share one frame: the section list on the side, the page on the right.
import type { Child } from "hono/jsx";
import { Layout } from "../layout";
import type { Ui } from "../ui";
import type { MessageKey } from "../../src/i18n";

export const adminSections: { href: string; label: MessageKey }[] = [
  { href: "/admin/users", label: "admin.users" },
  { href: "/admin/workgroups", label: "admin.workgroups" },
  { href: "/admin/brands", label: "admin.brands" },
  { href: "/admin/channels", label: "admin.channels" },
  { href: "/admin/tags", label: "admin.tags" },
  { href: "/admin/quick-replies", label: "admin.quickReplies" },
  { href: "/admin/closing-messages", label: "admin.closingMessages" },
  { href: "/admin/custom-fields", label: "admin.customFields" },
  { href: "/admin/payments", label: "payments.title" },
  { href: "/admin/api-tokens", label: "apiTokens.title" },
  { href: "/admin/imports", label: "imports.title" },
  { href: "/admin/workflows", label: "admin.workflows" },
  { href: "/admin/business-hours", label: "admin.businessHours" },
  { href: "/admin/bot", label: "bot.admin.title" },
  { href: "/admin/blocked-contacts", label: "admin.blockedContacts" },
  { href: "/admin/organization", label: "admin.organization" },
];

/** `live`: the page's live stream query, for an admin page that updates live (an import's progress). */
export function AdminLayout({ ui, title, children, live }: { ui: Ui; title: string; children: Child; live?: string }) {
  return (
    <Layout ui={ui} title={title} live={live}>
      <div class="admin">
        <nav class="admin-nav" aria-label={ui.t("admin.title")}>
          <h2>{ui.t("admin.title")}</h2>
          <ul>
            {adminSections.map((s) => (
              <li>
                <a href={s.href} aria-current={ui.path.startsWith(s.href) ? "page" : undefined}>
                  {ui.t(s.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <section class="admin-page">{children}</section>
      </div>
    </Layout>
  );
}

/**
 * "Load more": htmx replaces this row with the next rows (the server answers htmx with rows only);
 * without JS it is a link to the next page.
 */
export function LoadMore({ ui, href }: { ui: Ui; href: string }) {
  return (
    <tr class="load-more">
      <td colspan={99}>
        <a href={href} hx-get={href} hx-target="closest tr" hx-swap="outerHTML">
          {ui.t("common.loadMore")}
        </a>
      </td>
    </tr>
  );
}

/** Builds a URL keeping the current query but with some keys replaced or removed. */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
