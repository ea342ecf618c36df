// Live mentions: the person named gets their header badge redrawn with an alert (every page), and
// the new entry on their Mentions view; reading them redraws the badge on the reader's other screens.
// Nothing is drawn for anyone who may not see the conversation, and no one's count for anyone else.
import { and, eq } from "drizzle-orm";
import type { Database } from "@db/client";
import { contacts, conversations, mentions, messages, users } from "@db/schema";
import type { LiveEvent } from "../realtime/bus";
import { partial, remove, upsert } from "../realtime/fragments";
import type { LiveRenderer, LiveView } from "../realtime/renderers";
import { uiFor } from "../web";
import { MentionEntry } from "../../views/inbox/mentions";
import { MentionsBadge } from "../../views/inbox/mentions-badge";
import { unreadMentionCount, type MentionItem } from "./mentions";
import { maySeeConversation } from "./visibility";

/**
 * The badge on every page of its owner: with an alert when they are named, without one when they
 * read mentions (in any tab or on any device, so their other screens show the new count).
 */
export function mentionsBadgeLive(database: Database): LiveRenderer<{}> {
  return {
    events: new Set(["mentioned", "mentions_read"]),
    async render(event, viewer) {
      const ui = uiFor(viewer.actor, viewer.locale);
      if (event.type === "mentions_read") {
        // The reader's own count, drawn for the reader's screens only.
        if (event.subjectUserId !== viewer.actor.userId) return "";
        const count = await unreadMentionCount(database.db, viewer.actor.orgId, viewer.actor.userId);
        return partial("#mentions-badge", String(<MentionsBadge ui={ui} count={count} />));
      }
      const item = await mentionFor(database, event, viewer.actor);
      if (!item) return "";
      const count = await unreadMentionCount(database.db, viewer.actor.orgId, viewer.actor.userId);
      const alert = ui.t("mentions.alert", { author: item.authorName ?? ui.t("mentions.someone"), contact: item.contactName });
      return partial("#mentions-badge", String(<MentionsBadge ui={ui} count={count} alert={alert} href={`/inbox/${item.conversationId}?tab=all`} />));
    },
  };
}

/** The new entry at the top of the Mentions view; entries read elsewhere leave it. */
export function mentionsLive(database: Database): LiveView<{}> {
  return {
    name: "mentions",
    page: () => ({}),
    renderers: [
      {
        events: new Set(["mentioned", "mentions_read"]),
        async render(event, viewer) {
          if (event.type === "mentions_read") {
            if (event.subjectUserId !== viewer.actor.userId) return "";
            return ((event.data as { mentionIds?: number[] }).mentionIds ?? []).map((id) => remove(`mention-${Number(id)}`)).join("");
          }
          const item = await mentionFor(database, event, viewer.actor);
          if (!item) return "";
          return upsert(`mention-${item.id}`, "#mention-list", "top", String(<MentionEntry ui={uiFor(viewer.actor, viewer.locale)} m={item} />));
        },
      },
    ],
  };
}

/** The mention an event announces, when it names this viewer, is still unread and theirs to see. */
async function mentionFor(database: Database, event: LiveEvent, actor: Parameters<typeof maySeeConversation>[1]): Promise<MentionItem | null> {
  if (event.subjectUserId !== actor.userId || !event.conversationId) return null;
  const mentionId = Number((event.data as { mentionId?: number }).mentionId);
  if (!Number.isSafeInteger(mentionId)) return null;
  const [row] = await database.db
    .select({ id: mentions.id, conversationId: mentions.conversationId, messageId: mentions.messageId, body: messages.body, authorName: users.name, contactName: contacts.name, createdAt: mentions.createdAt, readAt: mentions.readAt })
    .from(mentions)
    .innerJoin(messages, eq(messages.id, mentions.messageId))
    .innerJoin(conversations, eq(conversations.id, mentions.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(users, eq(users.id, mentions.authorId))
    .where(and(eq(mentions.id, mentionId), eq(mentions.orgId, actor.orgId), eq(mentions.userId, actor.userId)));
  if (!row || row.readAt || !(await maySeeConversation(database.db, actor, row.conversationId))) return null;
  return { id: row.id, conversationId: row.conversationId, messageId: row.messageId, body: row.body, authorName: row.authorName, contactName: row.contactName, createdAt: row.createdAt };
}
