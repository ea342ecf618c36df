// The header's live part: a person's status switch follows their status, on every page.
import { and, eq } from "drizzle-orm";
import type { Database } from "@db/client";
import { memberships } from "@db/schema";
import type { LiveRenderer } from "../realtime/renderers";
import { partial } from "../realtime/fragments";
import { uiFor } from "../web";
import { StatusSwitch } from "../../views/layout";

/**
 * Draws the status as it is now, not as the event says: a stream's replay may send an older
 * change again (signing in brought them Online) after a newer one was drawn (they chose Break),
 * and drawing the event's own status would put the old one back.
 */
export function statusSwitchLive(database: Database): LiveRenderer<{}> {
  return {
    events: new Set(["status_changed"]),
    async render(event, viewer) {
      if (event.subjectUserId !== viewer.actor.userId) return "";
      const [row] = await database.db
        .select({ status: memberships.status })
        .from(memberships)
        .where(and(eq(memberships.orgId, viewer.actor.orgId), eq(memberships.userId, viewer.actor.userId)));
      if (!row) return "";
      return partial("#status-switch", String(<StatusSwitch ui={uiFor({ ...viewer.actor, status: row.status }, viewer.locale)} />));
    },
  };
}
