// One conversation in the list: drawn by the page, by "Load more", and by live updates alike.
import type { ConversationRow, Tab } from "../../src/inbox/list";
import { chipStyle } from "../contrast";
import { shortTime } from "../format";
import { html, type Html } from "../html";
import type { Ui } from "../ui";
import { ChannelIcon } from "./channel-icon";
import { inboxHref } from "./links";
import { queueLabel } from "./queue-label";

/**
 * Each row's markup as last drawn, and what else it was drawn for. Kept pages (src/inbox/kept-pages.ts)
 * hand out the same row objects until the organization changes, so a page between changes draws
 * none of its fifty rows again.
 */
const drawnRows = new WeakMap<ConversationRow, { key: string; html: Html }>();

/** A list row. Drawn fifty times a page, so with the `html` template rather than JSX (views/html.ts). */
export function ConversationRow({ ui, row, tab, search, now, current, filters = "" }: { ui: Ui; row: ConversationRow; tab: Tab; search: string; now: Date; current: boolean; filters?: string }): Html {
  const time = shortTime(row.lastMessageAt, now, ui.locale, ui.actor!.timezone);
  const who = row.assigneeName ?? (row.workgroupName ? queueLabel(ui, row.workgroupName, row.waitingSince, now) : ui.t("inbox.unassigned"));
  const key = `${ui.locale}|${tab}|${search}|${filters}|${current}|${time}|${who}`;
  const drawn = drawnRows.get(row);
  if (drawn?.key === key) return drawn.html;
  const markup = drawRow(ui, row, tab, search, current, filters, time, who);
  drawnRows.set(row, { key, html: markup });
  return markup;
}

function drawRow(ui: Ui, row: ConversationRow, tab: Tab, search: string, current: boolean, filters: string, time: string, who: string): Html {
  const unread = row.unread && !current;
  const classes = `conversation${current ? " current" : ""}${unread ? " unread" : ""}`;
  const dot = unread ? html`<span class="unread-dot" title="${ui.t("inbox.unread")}"><span class="visually-hidden">${ui.t("inbox.unread")}: </span></span>` : null;
  // Picked for a bulk action (views/inbox/bulk-bar.tsx); Kanal's own support line is not.
  const pick = row.channelKind === "support" ? null : html`<label class="pick"><input type="checkbox" class="bulk-pick" name="ids" value="${row.id}" form="bulk-form" aria-label="${ui.t("bulkActions.select", { name: row.contactName })}"></label>`;
  return html`<li id="conv-${row.id}" class="${classes}">
    ${pick}<a href="/inbox/${row.id}${listQuery(tab, search, filters)}">
      ${ChannelIcon({ ui, kind: row.channelKind })}
      <span class="who">
        <strong>${dot}${row.contactName}</strong>
        <time datetime="${row.lastMessageAt.toISOString()}">${time}</time>
      </span>
      <span class="preview">${row.preview}</span>
      <span class="meta">
        <span class="assignee">${who}</span>
        ${row.tags.map((tag) => html`<span class="tag" style="${chipStyle(tag.color)}">${tag.name}</span>`)}
      </span>
    </a>
  </li>`;
}

/** What a row's link keeps of the list (`inboxHref` without a base), without URLSearchParams in the common case. */
function listQuery(tab: Tab, search: string, filters: string): string {
  if (!search && !filters) return tab === "open" ? "" : `?tab=${tab}`;
  return inboxHref(tab, search, {}, "", filters);
}
