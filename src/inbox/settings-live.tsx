// The open conversation's pickers and widgets, kept live: what admins change (tags, quick replies,
// users, workgroups) and agents' statuses reach the tag picker, the quick replies and the assignment
// list without a reload; new files reach the contact's gallery and file box. Only the pieces that
// hold no typing are redrawn (an agent's draft, a tag being typed, stay as they are).
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@db/client";
import { attachments, conversations } from "@db/schema";
import type { LiveEvent } from "../realtime/bus";
import { partial } from "../realtime/fragments";
import { Drawn, type LiveRenderer, type Viewer } from "../realtime/renderers";
import { uiFor } from "../web";
import { fileBox } from "../media/file-box";
import { gallery } from "../media/attachments";
import { FileBoxWidget, GalleryWidget } from "../../views/media/attachments";
import { AssignTargets } from "../../views/inbox/menus";
import { QuickReplyChips } from "../../views/inbox/quick-replies";
import { TagOptions, TagsWidget } from "../../views/inbox/widgets";
import type { WidgetData } from "./widgets";
import { assignmentChoices } from "./assignment";
import { composerOptions } from "./composer";
import type { InboxPage } from "./live";
import { conversationScope } from "./visibility";
import type { Actor } from "../context";
import { conversationTagList, mayCreateTags, orgTags } from "./tagging";

const ROSTER = new Set(["user_invited", "user_updated", "user_deactivated", "user_reactivated", "workgroup_changed", "status_changed"]);
const FILES = new Set(["file_added", "file_removed"]);

type Open = { contactId: number; assigneeId: string | null };

export class InboxSettingsLive implements LiveRenderer<InboxPage> {
  events = new Set([...ROSTER, ...FILES, "tag_changed", "quick_reply_changed", "message_created"]);
  #drawn = new Drawn();

  constructor(private database: Database) {}

  async render(event: LiveEvent, viewer: Viewer<InboxPage>): Promise<string> {
    const conversationId = viewer.conversationId;
    if (!conversationId) return "";
    if (event.type === "message_created" && event.conversationId !== conversationId) return "";
    // The open conversation as the viewer may see it (their organization, their visibility).
    const open = await this.#open(event, conversationId, viewer.actor);
    if (!open) return "";
    const ui = uiFor(viewer.actor, viewer.locale);
    const { db } = this.database;
    if (ROSTER.has(event.type)) {
      const choices = await this.#drawn.once(`choices:${event.id}`, () => assignmentChoices(db, viewer.actor));
      return partial("#assign-target", String(<AssignTargets ui={ui} options={choices} current={open.assigneeId ? `user:${open.assigneeId}` : ""} />));
    }
    if (event.type === "quick_reply_changed") {
      const data = event.data as { scope?: string };
      // Someone's personal quick reply is theirs alone.
      if (data.scope === "personal" && event.actorId !== viewer.actor.userId) return "";
      const options = await composerOptions(db, viewer.actor);
      return partial("#quick-reply-chips", String(<QuickReplyChips ui={ui} base={`/inbox/${conversationId}`} options={options} />));
    }
    if (event.type === "tag_changed") {
      const [tags, allTags] = await Promise.all([conversationTagList(db, viewer.actor.orgId, conversationId), this.#drawn.once(`tags:${event.id}`, () => orgTags(db, viewer.actor.orgId))]);
      const unused = allTags.filter((tag) => !tags.some((t) => t.id === tag.id));
      // Who may type a new tag keeps what they type: only the suggestions change under it.
      if (mayCreateTags(viewer.actor)) return partial("#w-tag-options", String(<TagOptions tags={unused} />));
      const data = { conversationId, tags, allTags, mayCreateTags: false } as WidgetData;
      return partial("#widget-tags", String(<TagsWidget ui={ui} data={data} />));
    }
    if (FILES.has(event.type)) {
      const data = event.data as { contactId?: number };
      // The one who added or removed it has the widget back from their own request.
      if (data.contactId !== open.contactId || event.actorId === viewer.actor.userId) return "";
      const files = await this.#drawn.once(`files:${event.id}`, () => fileBox(db, viewer.actor.orgId, open.contactId));
      return partial("#widget-files", String(<FileBoxWidget ui={ui} files={files} conversationId={conversationId} />));
    }
    // A message into the open conversation: the gallery only changes when it brought media.
    const messageId = Number((event.data as { messageId?: number }).messageId);
    const media = await this.#drawn.once(`media:${event.id}`, async () => {
      if (!Number.isSafeInteger(messageId)) return null;
      const [found] = await db
        .select({ id: attachments.id })
        .from(attachments)
        .where(and(eq(attachments.messageId, messageId), sql`split_part(${attachments.mime}, '/', 1) in ('image', 'video', 'audio')`))
        .limit(1);
      return found ? await gallery(db, viewer.actor.orgId, open.contactId) : null;
    });
    if (!media) return "";
    return partial("#widget-gallery", String(<GalleryWidget ui={ui} items={media.items} more={media.more} conversationId={conversationId} />));
  }

  #open(event: LiveEvent, conversationId: number, actor: Actor): Promise<Open | null> {
    return this.#drawn.once(`open:${event.id}:${conversationId}:${actor.userId}`, async () => {
      const { db } = this.database;
      const [row] = await db
        .select({ contactId: conversations.contactId, assigneeId: conversations.assigneeId })
        .from(conversations)
        .where(and(eq(conversations.id, conversationId), await conversationScope(db, actor)));
      return row ?? null;
    });
  }
}
