// What the thread's controls offer the agent: people and workgroups to assign, closing messages,
// and the quick replies this agent sees (shared ones and their own).
import { and, eq, isNull, or } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { channels, conversations, quickReplies, type ClosingTemplate } from "@db/schema";
import { channelTemplates } from "./replies";
import type { Actor } from "../context";
import { listQuickReplies } from "../admin/quick-replies";
import { assignmentChoices } from "./assignment";
import { closingChoices } from "./closing";
import { mentionCandidates, type MentionCandidate } from "./mentions";
import { variableValues, type VariableValues } from "./reply-variables";

/** What the thread's controls offer: assignees, closing messages, quick replies, templates. */
export interface ThreadOptions {
  people: { id: string; name: string; status: string }[];
  groups: { id: number; name: string }[];
  closings: { id: number; builtinKey: string | null; body: string; template: ClosingTemplate | null }[];
  quickReplies: QuickReplyChoice[];
  /** Whether the viewer may save a quick reply for the whole organization (admins). */
  mayShareQuickReplies: boolean;
  /** Approved templates of the conversation's channel (sent once the reply window has closed). */
  templates?: TemplateChoice[];
  /** Colleagues who may see the conversation: whom "@" offers in a note (mentions.ts). */
  mentionable?: MentionCandidate[];
  /** What {{contact.name}} and the other variables stand for here: the composer's preview. */
  variables?: VariableValues;
}

export interface QuickReplyChoice {
  id: number;
  title: string;
  body: string;
  scope: "shared" | "personal";
}

export interface TemplateChoice {
  name: string;
  language: string;
  body: string;
  /** How many {{n}} parameters the body takes. */
  params: number;
}

const COMPOSER_QUICK_REPLIES = 100;

export async function composerOptions(db: DbOrTx, actor: Actor, conversationId?: number): Promise<ThreadOptions> {
  const [{ people, groups }, closings, replies, templates, mentionable, variables] = await Promise.all([
    assignmentChoices(db, actor),
    closingChoices(db, actor),
    listQuickReplies(db, actor, { limit: COMPOSER_QUICK_REPLIES }),
    conversationId ? templatesFor(db, actor, conversationId) : [],
    conversationId ? mentionCandidates(db, actor, conversationId) : [],
    conversationId ? variableValues(db, actor, conversationId) : undefined,
  ]);
  return { people, groups, closings, quickReplies: replies.items.map(({ id, title, body, scope }) => ({ id, title, body, scope })), mayShareQuickReplies: actor.role === "admin", templates, mentionable, variables };
}

/** The approved templates of the conversation's channel (WhatsApp), for the closed-window notice. */
async function templatesFor(db: DbOrTx, actor: Actor, conversationId: number) {
  const [row] = await db
    .select({ config: channels.config })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(eq(conversations.orgId, actor.orgId), eq(conversations.id, conversationId)));
  return row ? channelTemplates(row.config) : [];
}

/** A quick reply the actor may use: shared in their organization, or their own. */
export async function visibleQuickReply(db: DbOrTx, actor: Actor, id: number) {
  const [row] = await db
    .select({ body: quickReplies.body })
    .from(quickReplies)
    .where(and(eq(quickReplies.orgId, actor.orgId), eq(quickReplies.id, id), or(isNull(quickReplies.userId), eq(quickReplies.userId, actor.userId))));
  return row ?? null;
}
