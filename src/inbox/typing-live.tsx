// Live typing in an open thread: a visitor's or a colleague's signal shows under the messages of
// those who have the conversation open (and may see it); their message then clears it.
import type { Database } from "@db/client";
import type { LiveRenderer } from "../realtime/renderers";
import { partial } from "../realtime/fragments";
import { uiFor } from "../web";
import { TypingIndicator } from "../../views/inbox/typing";
import type { InboxPage } from "./live";
import { typingIsFresh, type TypingData } from "./typing";
import { maySeeConversation } from "./visibility";

export function typingLive(database: Database, now: () => Date): LiveRenderer<InboxPage> {
  return {
    events: new Set(["typing", "message_created"]),
    async render(event, viewer) {
      if (!event.conversationId || viewer.conversationId !== event.conversationId) return "";
      const ui = uiFor(viewer.actor, viewer.locale);
      if (event.type === "message_created") {
        // The one who was typing sent it: the indicator goes (a note or another's reply leaves it).
        const direction = (event.data as { direction?: string }).direction;
        return direction === "in" || direction === "out" ? partial("#typing-indicator", String(<TypingIndicator ui={ui} />)) : "";
      }
      if (event.actorId === viewer.actor.userId || !typingIsFresh(event, now())) return "";
      if (!(await maySeeConversation(database.db, viewer.actor, event.conversationId))) return "";
      const name = (event.data as Partial<TypingData>).name || ui.t("typing.anyone");
      return partial("#typing-indicator", String(<TypingIndicator ui={ui} name={name} />));
    },
  };
}
