// Contacts' live fragments on the inbox: a contact erased for a privacy request takes its
// conversations out of every open list at once, and an open thread of theirs says it is gone.
import type { InboxPage } from "../inbox/live";
import { partial, remove } from "../realtime/fragments";
import type { LiveRenderer } from "../realtime/renderers";
import { uiFor } from "../web";

export function contactsLive(): LiveRenderer<InboxPage> {
  return {
    events: new Set(["contact_deleted"]),
    async render(event, viewer) {
      // Ids only: rows a viewer never had are not found, so nothing about them is told.
      const ids = ((event.data as { conversationIds?: number[] }).conversationIds ?? []).map(Number);
      const out = ids.map((id) => remove(`conv-${id}`));
      if (viewer.conversationId && ids.includes(viewer.conversationId)) {
        const ui = uiFor(viewer.actor, viewer.locale);
        out.push(partial("#thread", String(<section class="thread" id="thread"><p class="empty center">{ui.t("contacts.deletedLive")}</p></section>)));
      }
      return out.join("");
    },
  };
}
