// The inbox page: tabs with counts, the conversation list, and the open thread beside it, each
// drawn by the same fragment that htmx swaps and live updates send.
import type { ConversationRow as Row, Tab } from "../../src/inbox/list";
import type { ThreadOptions } from "../../src/inbox/composer";
import { filterParams, isFiltered, noFilters, type FilterChoices } from "../../src/inbox/filters";
import type { Draft, Earlier } from "../../src/inbox/thread";
import type { WidgetData } from "../../src/inbox/widgets";
import type { MessageKey } from "../../src/i18n";
import { Layout } from "../layout";
import { MediaViewer } from "../media/attachments";
import type { Ui } from "../ui";
import type { BulkChoices } from "../../src/inbox/bulk-actions";
import { BulkBar } from "./bulk-bar";
import { FilterPanel } from "./filters";
import { filterQuery, inboxHref } from "./links";
import { ConversationRows, type ListProps } from "./list";
import { ConversationRow } from "./row";
import { TabCounts } from "./tabs";
import { Thread } from "./thread";
import { Widgets } from "./widgets";

export interface InboxProps extends ListProps {
  counts: Record<Tab, number>;
  /** Kanal's support line, pinned above the list. */
  pinned?: Row | null;
  options: ThreadOptions | null;
  widgets: WidgetData | null;
  earlier: Earlier | null;
  draft?: Draft;
  filterChoices?: FilterChoices;
  /** What the bulk bar offers; no bar without it. */
  bulk?: BulkChoices;
}

export function InboxPage(props: InboxProps) {
  const { ui, tab, search } = props;
  const live = new URLSearchParams({ view: "inbox", tab });
  if (props.thread) live.set("conversation", String(props.thread.conversation.id));
  if (search) live.set("q", search);
  const filters = props.filters ?? noFilters;
  const fq = filterQuery(filters);
  // A filtered or re-sorted list is redrawn in place by live updates, never reordered.
  if (fq) live.set("f", "1");
  if (filters.types.includes("spam")) live.set("spam", "1");
  if (filters.types.includes("bot")) live.set("bot", "1");
  return (
    <Layout ui={ui} title={props.thread ? props.thread.conversation.contactName : ui.t("inbox.title")} live={live.toString()}>
      <div class="inbox">
        <section class="inbox-list" aria-label={ui.t("inbox.conversations")}>
          <h1 class="visually-hidden">{ui.t("inbox.title")}</h1>
          <TabCounts ui={ui} tab={tab} search={search} counts={props.counts} filters={fq} />
          {props.filterChoices ? <FilterPanel ui={ui} tab={tab} search={search} filters={filters} choices={props.filterChoices} count={isFiltered(filters) ? filterParams({ ...filters, sort: "activity" }).length : 0} /> : null}
          <a class="button primary new-conversation-link" href="/inbox/new">
            {ui.t("newConversation.title")}
          </a>
          <form class="search" method="get" action="/inbox" role="search">
            {tab !== "open" ? <input type="hidden" name="tab" value={tab} /> : null}
            {filterParams(filters).map(([k, v]) => (
              <input type="hidden" name={k} value={v} />
            ))}
            <label class="visually-hidden" for="inbox-q">
              {ui.t("common.search")}
            </label>
            <input id="inbox-q" type="search" name="q" value={search} placeholder={ui.t("inbox.searchPlaceholder")} />
            <button type="submit">{ui.t("common.search")}</button>
          </form>
          <ul class="conversations pinned" id="pinned-rows" aria-label={ui.t("inbox.pinned")}>
            {props.pinned ? <ConversationRow ui={ui} row={props.pinned} tab={tab} search={search} now={props.now} current={props.thread?.conversation.id === props.pinned.id} filters={fq} /> : null}
          </ul>
          {props.bulk ? <BulkBar ui={ui} choices={props.bulk} pageIds={props.rows.map((r) => r.id)} action={inboxHref(tab, search, {}, "/inbox/bulk", fq)} /> : null}
          <div id="bulk-summary"></div>
          <ul class="conversations" id="conversation-rows">
            <ConversationRows {...props} />
          </ul>
          {props.rows.length === 0 ? <p class="empty">{search ? ui.t("inbox.noMatches", { term: search }) : ui.t("inbox.empty")}</p> : null}
        </section>
        {props.thread && props.options ? (
          <Thread ui={ui} thread={props.thread} options={props.options} draft={props.draft} back={inboxHref(tab, search)} earlier={props.earlier} now={props.now} />
        ) : (
          <section class="thread" id="thread">
            <p class="empty center">{ui.t("inbox.selectConversation")}</p>
          </section>
        )}
        {props.widgets ? <Widgets ui={ui} data={props.widgets} /> : null}
      </div>
      <Shortcuts ui={ui} />
      <MediaViewer ui={ui} />
    </Layout>
  );
}

/** The list `?` opens; static/app.js implements the keys. */
function Shortcuts({ ui }: { ui: Ui }) {
  const keys: [string, MessageKey][] = [
    ["j", "shortcuts.next"],
    ["k", "shortcuts.previous"],
    ["r", "shortcuts.reply"],
    ["/", "shortcuts.quickReplies"],
    ["a", "shortcuts.assign"],
    ["e", "shortcuts.close"],
    ["s", "shortcuts.spam"],
    ["?", "shortcuts.help"],
    ["Esc", "shortcuts.escape"],
  ];
  return (
    <dialog id="shortcuts" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title">{ui.t("shortcuts.title")}</h2>
      <dl>
        {keys.map(([key, label]) => (
          <>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{ui.t(label)}</dd>
          </>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit">{ui.t("common.cancel")}</button>
      </form>
    </dialog>
  );
}
