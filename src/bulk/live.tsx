// What an open bulk send page receives live: its progress (figures from each bulk_progress event,
// published by the process running the send) and its controls when someone steers it.
import { and, eq } from "drizzle-orm";
import type { Database } from "@db/client";
import { bulkSends } from "@db/schema";
import type { LiveRenderer, LiveView } from "../realtime/renderers";
import { Drawn } from "../realtime/renderers";
import { partial } from "../realtime/fragments";
import { uiFor } from "../web";
import { BulkProgress } from "../../views/bulk/progress";
import { BulkControls } from "../../views/bulk/detail";
import { bulkCounts, type BulkCounts } from "./progress";
import { mayBulkSend } from "./sends";

export interface BulkPage {
  send?: number;
}

export function bulkLive(database: Database): LiveView<BulkPage> {
  const drawn = new Drawn();
  const progress: LiveRenderer<BulkPage> = {
    events: new Set(["bulk_progress", "bulk_changed"]),
    async render(event, viewer) {
      const id = Number(event.data.bulkSendId);
      if (!mayBulkSend(viewer.actor) || viewer.send !== id || event.orgId !== viewer.actor.orgId) return "";
      const ui = uiFor(viewer.actor, viewer.locale);
      if (event.type === "bulk_progress") {
        return drawn.once(`bulk:${event.id}:${viewer.locale}`, async () =>
          partial("#bulk-progress", String(<BulkProgress ui={ui} counts={event.data.counts as BulkCounts} status={String(event.data.status)} pace={Number(event.data.pace)} />)),
        );
      }
      return drawn.once(`bulk:${event.id}:${viewer.locale}`, async () => {
        const [send] = await database.db.select().from(bulkSends).where(and(eq(bulkSends.id, id), eq(bulkSends.orgId, event.orgId)));
        if (!send) return "";
        const counts = await bulkCounts(database.db, id);
        return partial("#bulk-controls", String(<BulkControls ui={ui} send={send} />)) + partial("#bulk-progress", String(<BulkProgress ui={ui} counts={counts} status={send.status} pace={send.currentPace} />));
      });
    },
  };
  return { name: "bulk", page: (query) => ({ send: /^\d{1,15}$/.test(query.send ?? "") ? Number(query.send) : undefined }), renderers: [progress] };
}
