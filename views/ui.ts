// What every page needs to draw its frame: language, who is signed in, where we are.
import type { Actor, SignedInUser } from "../src/context";
import type { Locale, Translate } from "../src/i18n";

export interface Ui {
  t: Translate;
  locale: Locale;
  path: string;
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
