// What a supervisor's open cockpit receives live: the board, redrawn for the brand or channel,
// search and sort it shows.
import type { Database } from "@db/client";
import type { LiveRenderer, LiveView } from "../realtime/renderers";
import { Drawn } from "../realtime/renderers";
import { partial } from "../realtime/fragments";
import { uiFor } from "../web";
import { boardQueryString, CockpitBoard } from "../../views/cockpit/page";
import { boardQuery, cockpitRows, defaultBoardView, type BoardView } from "./board";

export interface CockpitPage {
  board?: BoardView;
}

/** Events that change what the cockpit board shows. */
const boardEvents = new Set(["status_changed", "assigned", "forwarded", "closed", "reactivated", "conversation_created", "metrics_refreshed", "poll_answered", "user_deactivated", "user_reactivated", "user_invited"]);

export function cockpitLive(database: Database, now: () => Date): LiveView<CockpitPage> {
  const drawn = new Drawn();
  const board: LiveRenderer<CockpitPage> = {
    events: boardEvents,
    async render(event, viewer) {
      if (viewer.actor.role === "agent") return "";
      // Rows are read once per event and board choice; each supervisor's own row differs (they may
      // go offline), so the fragment is drawn per person.
      const view = viewer.board ?? defaultBoardView;
      const choice = boardQueryString(view);
      return drawn.once(`board:${event.id}:${viewer.locale}:${viewer.actor.userId}:${choice}`, async () => {
        const rows = await drawn.once(`board-rows:${event.id}:${choice}`, () => cockpitRows(database.db, viewer.actor, view, now()));
        return partial("#cockpit-board", String(<CockpitBoard ui={uiFor(viewer.actor, viewer.locale)} rows={rows} view={view} />));
      });
    },
  };
  return { name: "cockpit", page: (query) => ({ board: boardQuery.parse(query) }), renderers: [board] };
}
