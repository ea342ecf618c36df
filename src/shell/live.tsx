// The header's live part: a person's status switch follows their status, on every page.
import type { Actor } from "../context";
import type { LiveRenderer } from "../realtime/renderers";
import { partial } from "../realtime/fragments";
import { uiFor } from "../web";
import { StatusSwitch } from "../../views/layout";

export const statusSwitchLive: LiveRenderer<{}> = {
  events: new Set(["status_changed"]),
  async render(event, viewer) {
    if (event.subjectUserId !== viewer.actor.userId) return "";
    const status = (event.data as { to?: string }).to as Actor["status"];
    return partial("#status-switch", String(<StatusSwitch ui={uiFor({ ...viewer.actor, status }, viewer.locale)} />));
  },
};
