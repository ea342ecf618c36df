// An import's page follows its run live: each batch's event redraws the title's status and the
// progress (then the outcome and problems), read once per event and drawn once per language.
import { and, eq } from "drizzle-orm";
import type { Database } from "@db/client";
import { ledgerImports } from "@db/schema";
import { partial } from "../realtime/fragments";
import { Drawn, type LiveView } from "../realtime/renderers";
import { uiFor } from "../web";
import { ImportStatus, ImportTitle } from "../../views/billing/import-page";
import { importProblems } from "./imports";

export type ImportLivePage = { importId?: number };

export function importPage(query: Record<string, string>): ImportLivePage {
  const id = Number(query.import);
  return { importId: Number.isSafeInteger(id) && id > 0 ? id : undefined };
}

export function importLive(database: Database): LiveView<ImportLivePage> {
  const drawn = new Drawn();
  return {
    name: "import",
    page: importPage,
    renderers: [
      {
        events: new Set(["ledger_import_progress"]),
        async render(event, viewer) {
          const importId = Number((event.data as { importId?: number }).importId);
          // Imports are admins' only; the stream is the viewer's organization's already.
          if (viewer.actor.role !== "admin" || !viewer.importId || importId !== viewer.importId) return "";
          const state = await drawn.once(`import:${event.id}`, async () => {
            const [row] = await database.db.select().from(ledgerImports).where(and(eq(ledgerImports.id, importId), eq(ledgerImports.orgId, event.orgId)));
            return row && row.status !== "draft" ? { row, problems: await importProblems(database.db, row.id, 100) } : null;
          });
          if (!state || state.row.orgId !== viewer.actor.orgId) return "";
          return drawn.once(`html:${event.id}:${viewer.locale}:${viewer.actor.timezone}`, async () => {
            const ui = uiFor(viewer.actor, viewer.locale);
            return partial("#import-title", String(<ImportTitle ui={ui} row={state.row} />)) + partial("#import-status", String(<ImportStatus ui={ui} row={state.row} problems={state.problems} />));
          });
        },
      },
    ],
  };
}
