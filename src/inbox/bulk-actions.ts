// Bulk actions on the conversation list: assign, close, tag or mark as spam several conversations at
// once. Each one goes through the same domain function as the single action (its rules, its access
// check, its events, published per conversation), in a transaction of its own, so one refusal
// leaves the others done; the outcome says what was done and what was refused, and why.
import { and, eq, inArray } from "drizzle-orm";
import type { Database, DbOrTx } from "@db/client";
import { contacts, conversations } from "@db/schema";
import type { Actor } from "../context";
import { NotFound } from "../not-found";
import { commit } from "../realtime/changes";
import { assignConversation, type AssignTarget } from "./assignment";
import { ConversationRuleBroken } from "./changes";
import { closeConversation, closingChoices, type ClosingSent } from "./closing";
import type { FilterChoices } from "./filters";
import { tagsOf } from "./row-tags";
import { markAsSpam } from "./spam";
import { tagConversation, TaggingRefused } from "./tagging";
import { conversationScope } from "./visibility";

/** The most conversations one bulk action takes (two list pages). */
export const MOST_AT_ONCE = 100;

export type BulkAction = { kind: "assign"; target: AssignTarget } | { kind: "close"; closingMessageId: number | null } | { kind: "tag"; tagId: number } | { kind: "spam" };

/** Why a conversation was not acted on: a conversation rule, or a tag's. */
export type BulkRefusal = ConversationRuleBroken["reason"] | TaggingRefused["reason"];

export interface BulkOutcome {
  action: BulkAction["kind"];
  /** Acted on; `closing` says how a closing message went (not sent once the reply window passed). */
  done: { id: number; name: string; closing?: ClosingSent }[];
  /** Not acted on. `name` is null for a conversation the actor may not see: nothing about it is told. */
  refused: { id: number; name: string | null; reason: BulkRefusal }[];
}

/**
 * Applies one action to each of `ids` (duplicates once, at most MOST_AT_ONCE), one change each.
 * A conversation of another organization, or hidden from the actor, is refused as not found before
 * anything is tried on it.
 */
export async function actOnMany(database: Database, actor: Actor, ids: number[], action: BulkAction, locale: "en" | "tr", now: Date): Promise<BulkOutcome> {
  const unique = [...new Set(ids)].slice(0, MOST_AT_ONCE);
  const names = await visibleNames(database.db, actor, unique);
  // A tag of another organization (or deleted since the page was drawn) is no tag to add to any of them.
  const noSuchTag = action.kind === "tag" && !(await tagsOf(database.db, actor.orgId)).has(action.tagId);
  const outcome: BulkOutcome = { action: action.kind, done: [], refused: [] };
  for (const id of unique) {
    const name = names.get(id);
    if (name === undefined || noSuchTag) {
      outcome.refused.push({ id, name: name ?? null, reason: name === undefined ? "not_found" : "bad_target" });
      continue;
    }
    try {
      const closing = await actOnOne(database, actor, id, action, locale, now);
      outcome.done.push(closing ? { id, name, closing } : { id, name });
    } catch (e) {
      const reason = refusalOf(e);
      if (!reason) throw e;
      outcome.refused.push({ id, name: reason === "not_found" ? null : name, reason });
    }
  }
  return outcome;
}

/** One conversation's change, committed and published on its own. */
async function actOnOne(database: Database, actor: Actor, id: number, action: BulkAction, locale: "en" | "tr", now: Date): Promise<ClosingSent | undefined> {
  switch (action.kind) {
    case "assign":
      await commit(database, actor.orgId, (db) => assignConversation(db, actor, id, action.target, now));
      return undefined;
    case "close":
      return (await commit(database, actor.orgId, (db) => closeConversation(db, actor, id, action.closingMessageId, locale, now))).sent;
    case "tag":
      await commit(database, actor.orgId, (db) => tagConversation(db, actor, id, { id: action.tagId }, now));
      return undefined;
    case "spam":
      await commit(database, actor.orgId, (db) => markAsSpam(db, actor, id, now));
      return undefined;
  }
}

function refusalOf(e: unknown): BulkRefusal | null {
  if (e instanceof ConversationRuleBroken || e instanceof TaggingRefused) return e.reason;
  if (e instanceof NotFound) return "not_found";
  return null;
}

/** The contacts' names of the conversations among `ids` the actor may see (the visibility rule), in one query. */
async function visibleNames(db: DbOrTx, actor: Actor, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const found = await db
    .select({ id: conversations.id, name: contacts.name })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(inArray(conversations.id, ids), await conversationScope(db, actor)));
  return new Map(found.map((r) => [r.id, r.name]));
}

/** What the bulk bar offers: the filter panel's people and workgroups, the closing messages, the tags. */
export interface BulkChoices {
  people: FilterChoices["people"];
  groups: FilterChoices["groups"];
  closings: Awaited<ReturnType<typeof closingChoices>>;
  tags: { id: number; name: string }[];
}

export async function bulkChoices(db: DbOrTx, actor: Actor, roster: FilterChoices): Promise<BulkChoices> {
  const [closings, tags] = await Promise.all([closingChoices(db, actor), tagsOf(db, actor.orgId, actor.rosterVersion)]);
  return { people: roster.people, groups: roster.groups, closings, tags: [...tags].map(([id, t]) => ({ id, name: t.name })) };
}

/** The bulk bar's one choice ("assign:user:…", "close:none", "tag:3", "spam") as an action; null when malformed. */
export function parseBulkChoice(choice: string): BulkAction | null {
  const [kind, ...rest] = choice.split(":");
  const value = rest.join(":");
  const id = (s: string) => (/^\d{1,15}$/.test(s) && Number(s) > 0 ? Number(s) : null);
  switch (kind) {
    case "assign":
      if (value === "none") return { kind, target: { unassign: true } };
      if (/^user:[\w-]{1,64}$/.test(value)) return { kind, target: { userId: value.slice(5) } };
      if (value.startsWith("group:") && id(value.slice(6))) return { kind, target: { workgroupId: id(value.slice(6))! } };
      return null;
    case "close":
      if (value === "none") return { kind, closingMessageId: null };
      return id(value) ? { kind, closingMessageId: id(value) } : null;
    case "tag":
      return id(value) ? { kind, tagId: id(value)! } : null;
    case "spam":
      return value === "" ? { kind } : null;
    default:
      return null;
  }
}
