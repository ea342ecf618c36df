// The list's rows with a "Load more" link; htmx swaps the next page in place of that link.
import type { ConversationRow as Row, Tab } from "../../src/inbox/list";
import type { InboxFilters } from "../../src/inbox/filters";
import type { ThreadData } from "../../src/inbox/thread";
import type { Ui } from "../ui";
import { filterQuery, inboxHref } from "./links";
import { ConversationRow } from "./row";

/** What the rows are drawn from: the page's props, or a later page's. */
export interface ListProps {
  ui: Ui;
  tab: Tab;
  search: string;
  rows: Row[];
  next: string | null;
  now: Date;
  /** The open conversation, whose row is marked current. */
  thread: ThreadData | null;
  filters?: InboxFilters;
}

export function ConversationRows({ ui, rows, next, tab, search, now, thread, filters }: ListProps) {
  const fq = filterQuery(filters);
  const more = next ? inboxHref(tab, search, { after: next }, "/inbox", fq) : "";
  return (
    <>
      {/* Called, not wrapped in elements: fifty JSX nodes around the rows' HTML cost as much as the rows. */}
      {rows.map((r) => ConversationRow({ ui, row: r, tab, search, now, current: thread?.conversation.id === r.id, filters: fq }))}
      {next ? (
        <li class="load-more">
          <a href={more} hx-get={more} hx-target="closest li" hx-swap="outerHTML">
            {ui.t("common.loadMore")}
          </a>
        </li>
      ) : null}
    </>
  );
}
