// What every page needs to draw its frame: language, who is signed in, where we are.
import type { Actor, SignedInUser } from "../src/context";
import type { Locale, Translate } from "../src/i18n";

export interface Ui {
  t: Translate;
  locale: Locale;
  path: string;
  /** The page's query ("?range=7d&channel=3", or ""), so a form that comes back keeps the view. */
  search?: string;
  user: SignedInUser | null;
  actor: Actor | null;
  /**
   * Where the page's live stream starts ("id:xmin", see ResumePoint): the newest event this process
   * had heard of as the page was drawn, and a transaction older than its data read, so what commits
   * while the page loads (whatever its id) is not missed.
   */
  liveSince?: string;
}

export type Flash = { kind: "ok" | "error"; text: string } | null;

/** Where a form posted from this page sends the browser back to: the page, its query included. */
export function here(ui: Ui): string {
  return ui.path + (ui.search ?? "");
}
