// The inbox search: a rare term is looked up through the trigram indexes, a common or short one is
// checked conversation by conversation in the page's order; both give the same answer.
import { describe, expect, it } from "bun:test";
import { sql } from "drizzle-orm";
import { channels, contacts, conversations } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { newWebhookKey } from "../../src/admin/organizations";
import { decodeInboxCursor, findConversations, type Tab } from "../../src/inbox/list";
import { SEARCH_SET_LIMIT } from "../../src/inbox/search";
import { noFilters } from "../../src/inbox/filters";
import { useTestApp } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

/**
 * `count` contacts with a conversation each, the newest first by one minute apart; conversation i
 * gets `messagesEach(i)` messages whose texts are `text(i, j)`. Returns the conversation ids in
 * activity order, newest first.
 */
async function inbox(w: World, count: number, text: (i: number, j: number) => string, messagesEach = (_i: number) => 1, name = (i: number) => `Customer ${i}`) {
  const now = t.clock.now().getTime();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(now - (i + 1) * 60_000);
    const [contact] = await t.db.insert(contacts).values({ orgId: w.orgId, name: name(i), phone: `+9055500${String(i).padStart(5, "0")}` }).returning();
    const [conversation] = await t.db
      .insert(conversations)
      .values({ orgId: w.orgId, contactId: contact.id, channelId: channel.id, status: i % 3 === 0 ? "closed" : "open", lastMessageAt: at, lastMessagePreview: "…" })
      .returning();
    const texts = Array.from({ length: messagesEach(i) }, (_, j) => text(i, j));
    // Many messages at once, as one statement.
    await t.db.execute(sql`
      insert into messages (org_id, conversation_id, channel_id, direction, body, created_at)
      select ${w.orgId}, ${conversation.id}, ${channel.id}, 'in', body, ${at.toISOString()}::timestamptz
      from unnest(${`{${texts.map((s) => `"${s.replace(/["\\]/g, "\\$&")}"`).join(",")}}`}::text[]) as body`);
    ids.push(conversation.id);
  }
  return ids;
}

async function search(w: World, term: string, tab: Tab = "all") {
  const admin = (await actorFor(t.db, w.admin.id, w.orgId))!;
  const found: number[] = [];
  let cursor = null;
  for (;;) {
    const page = await findConversations(t.db, admin, { tab, search: term, cursor, filters: noFilters });
    found.push(...page.items.map((c) => c.id));
    if (!page.next) return found;
    cursor = decodeInboxCursor(page.next);
  }
}

describe("inbox search", () => {
  it("finds a rare term's conversations newest first, page after page, on each tab", async () => {
    const w = await t.world();
    const ids = await inbox(w, 70, (i) => (i % 10 === 9 ? `hello` : `order KN-4242 item ${i}`));
    const expected = ids.filter((_, i) => i % 10 !== 9);
    expect(await search(w, "kn-4242")).toEqual(expected);
    expect(await search(w, "KN-4242", "closed")).toEqual(expected.filter((id) => ids.indexOf(id) % 3 === 0));
    expect(await search(w, "KN-4243")).toEqual([]);
  });

  it(`a term in more than ${SEARCH_SET_LIMIT} messages finds the same conversations, in the same order`, async () => {
    const w = await t.world();
    // Conversations 0, 2, 4… mention the term in every one of their 100 messages; the others never.
    const ids = await inbox(w, 60, (i, j) => (i % 2 === 0 ? `kargo ${j} nerede?` : `fatura ${j}`), () => 100);
    const expected = ids.filter((_, i) => i % 2 === 0);
    expect(30 * 100).toBeGreaterThan(SEARCH_SET_LIMIT);
    expect(await search(w, "KARGO")).toEqual(expected);
    expect(await search(w, "kargo", "open")).toEqual(expected.filter((id) => ids.indexOf(id) % 3 !== 0));
  });

  it("matches names and phone numbers, and terms of one or two characters", async () => {
    const w = await t.world();
    const names = ["Ayşe Yılmaz", "Mehmet Öztürk", "John Carter"];
    const ids = await inbox(w, 3, () => "merhaba", undefined, (i) => names[i]);
    expect(await search(w, "öztürk")).toEqual([ids[1]]);
    expect(await search(w, "Öz")).toEqual([ids[1]]);
    expect(await search(w, "00002")).toEqual([ids[2]]);
    expect(await search(w, "y")).toEqual([ids[0]]);
  });

  it("takes % and _ as themselves, however the term is looked up", async () => {
    const w = await t.world();
    const ids = await inbox(w, 3, (i) => ["yüzde 50% indirim", "yüzde 500 indirim", "snake_case"][i]);
    expect(await search(w, "50%")).toEqual([ids[0]]);
    expect(await search(w, "%")).toEqual([ids[0]]);
    expect(await search(w, "e_c")).toEqual([ids[2]]);
    expect(await search(w, "_")).toEqual([ids[2]]);
  });

  it("never finds another organization's conversations, however often they mention the term", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    await inbox(rival, 25, () => "gizli teklif", () => 100);
    const [mine] = await inbox(w, 1, () => "gizli teklif");
    expect(await search(w, "gizli teklif")).toEqual([mine]);
    expect(await search(w, "gizli")).toEqual([mine]);
  });
});
