// What each live stream receives for an event: server-rendered fragments as <hx-partial> swaps.
// A fragment is rendered once per process for each audience (language, page, person), then shared.
import type { Database } from "@db/client";
import { agentBoard } from "../cockpit/board";
import type { Actor } from "../context";
import { translator, type Locale } from "../i18n";
import { CockpitBoard } from "../../views/cockpit/page";
import { StatusSwitch } from "../../views/layout";
import type { Ui } from "../../views/ui";
import type { LiveEvent } from "./bus";

export type LiveView = "cockpit" | "inbox" | "other";

export interface Viewer {
  actor: Actor;
  locale: Locale;
  view: LiveView;
}

function partial(target: string, html: string, swap = "outerHTML") {
  return `<hx-partial hx-target="${target}" hx-swap="${swap}">${html}</hx-partial>`;
}

function viewerUi(viewer: Viewer, actor: Actor = viewer.actor): Ui {
  return { t: translator(viewer.locale), locale: viewer.locale, path: "", user: null, actor };
}

export class LiveRenderer {
  #cache = new Map<string, Promise<string>>();

  constructor(private database: Database) {}

  /** The fragments for one viewer, or "" when the event changes nothing they can see. */
  async render(event: LiveEvent, viewer: Viewer): Promise<string> {
    const parts: string[] = [];
    if (event.type === "status_changed") {
      if (event.subjectUserId === viewer.actor.userId) {
        const status = (event.data as { to?: string }).to as Actor["status"];
        parts.push(partial("#status-switch", String(<StatusSwitch ui={viewerUi(viewer, { ...viewer.actor, status })} />)));
      }
    }
    if (viewer.view === "cockpit" && viewer.actor.role !== "agent" && boardEvents.has(event.type)) {
      // Rows are read once per event; each supervisor's own row differs (they may go offline), so render per person.
      parts.push(await this.#shared(`board:${event.id}:${viewer.locale}:${viewer.actor.userId}`, async () => {
        const rows = await this.#boardRows(event, viewer.actor);
        return partial("#cockpit-board", String(<CockpitBoard ui={viewerUi(viewer)} rows={rows} />));
      }));
    }
    return parts.join("");
  }

  #boardRows(event: LiveEvent, actor: Actor) {
    return this.#sharedValue(`board-rows:${event.id}`, () => agentBoard(this.database.db, actor));
  }

  #shared(key: string, make: () => Promise<string>): Promise<string> {
    return this.#sharedValue(key, make);
  }

  #sharedValue<T>(key: string, make: () => Promise<T>): Promise<T> {
    const cache = this.#cache as unknown as Map<string, Promise<T>>;
    let hit = cache.get(key);
    if (!hit) {
      if (cache.size > 2000) cache.clear();
      hit = make();
      cache.set(key, hit);
      hit.catch(() => cache.delete(key));
    }
    return hit;
  }
}

/** Events that change what the cockpit board shows. */
const boardEvents = new Set(["status_changed", "assigned", "forwarded", "closed", "reactivated", "conversation_created", "user_deactivated", "user_reactivated", "user_invited"]);
