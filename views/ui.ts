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
   * The newest event of the organization this process had heard of as the page was drawn: the
   * live stream replays from there, so what commits while the page loads is not missed.
   */
  liveSince?: number;
}

export type Flash = { kind: "ok" | "error"; text: string } | null;
