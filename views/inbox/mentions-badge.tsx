// The header's Mentions badge (#mentions-badge): a live mention redraws it with what
// static/composer-aids.js announces.
import type { Ui } from "../ui";

/**
 * The header's count of unread mentions. A live mention redraws it with `alert` (what happened)
 * and `href` (where), which static/composer-aids.js shows, and rings per the person's settings.
 */
export function MentionsBadge({ ui, count, alert, href }: { ui: Ui; count: number; alert?: string; href?: string }) {
  return (
    <span id="mentions-badge" class="nav-badge" hidden={count === 0} data-alert={alert} data-href={href}>
      <span aria-hidden="true">{count >= 100 ? "99+" : String(count)}</span>
      <span class="visually-hidden">{ui.t("mentions.unread", { count })}</span>
    </span>
  );
}
