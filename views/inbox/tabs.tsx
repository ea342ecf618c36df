// The tabs above the list with their counts; live updates swap them on their own (#tab-counts).
import { tabs, type Tab } from "../../src/inbox/list";
import type { Ui } from "../ui";
import { inboxHref } from "./links";

export function TabCounts({ ui, tab, search, counts, filters = "" }: { ui: Ui; tab: Tab; search: string; counts: Record<Tab, number>; filters?: string }) {
  return (
    <nav class="tabs" id="tab-counts" aria-label={ui.t("inbox.conversations")}>
      {tabs.map((name) => (
        <a href={inboxHref(name, search, {}, "/inbox", filters)} aria-current={name === tab ? "page" : undefined}>
          {ui.t(`inbox.tab.${name}`)} <span class="count">{counts[name]}</span>
        </a>
      ))}
    </nav>
  );
}
