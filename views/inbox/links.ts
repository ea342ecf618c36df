// The inbox's links: every link of the list keeps its tab, search and filters.
import type { Tab } from "../../src/inbox/list";
import { filterParams, type InboxFilters } from "../../src/inbox/filters";

export function inboxHref(tab: Tab, search: string, extra: Record<string, string> = {}, base = "/inbox", filters = "") {
  const q = new URLSearchParams(filters);
  if (tab !== "open") q.set("tab", tab);
  if (search) q.set("q", search);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const qs = q.toString();
  return qs ? `${base}?${qs}` : base;
}

/** The filters as a query string, kept in every link of the list. */
export function filterQuery(filters: InboxFilters | undefined): string {
  return filters ? new URLSearchParams(filterParams(filters)).toString() : "";
}
