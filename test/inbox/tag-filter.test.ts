// The tag filter: in the inbox filter panel and in the contacts list, in the URL, without JavaScript.
import { describe, expect, it } from "bun:test";
import { channels, contacts, conversations, conversationTags, organizations, tags } from "@db/schema";
import { eq } from "drizzle-orm";
import { newWebhookKey } from "../../src/admin/organizations";
import { useTestApp } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

/** Conversations by contact name with their tags (by name); returns the tags' ids. */
async function tagged(w: World, specs: Record<string, string[]>) {
  const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const made = await t.db.insert(tags).values([{ orgId: w.orgId, name: "VIP" }, { orgId: w.orgId, name: "İade" }, { orgId: w.orgId, name: "Kargo" }]).returning();
  const id = Object.fromEntries(made.map((g) => [g.name, g.id]));
  let minute = 0;
  for (const [name, names] of Object.entries(specs)) {
    const [contact] = await t.db.insert(contacts).values({ orgId: w.orgId, name }).returning();
    const [conv] = await t.db.insert(conversations).values({ orgId: w.orgId, contactId: contact.id, channelId: wa.id, lastMessageAt: new Date(t.clock.now().getTime() - ++minute * 60_000) }).returning();
    if (names.length) await t.db.insert(conversationTags).values(names.map((n) => ({ conversationId: conv.id, tagId: id[n] })));
  }
  // Tags change the roster: the filter panel's kept choices are read again.
  await t.db.update(organizations).set({ rosterVersion: Date.now() % 1_000_000 }).where(eq(organizations.id, w.orgId));
  return id;
}

const listOf = (html: string) => html.slice(html.indexOf('id="conversation-rows"'));

describe("the tag filter", () => {
  it("in the inbox narrows the list to conversations with any chosen tag, kept in the URL and the panel", async () => {
    const w = await t.world();
    const id = await tagged(w, { Ayla: ["VIP"], Bora: ["İade", "Kargo"], Cenk: [], Derin: ["Kargo"] });
    const agent = await t.signIn(w.supervisor.email, w.orgId);
    const panel = (await agent.html("/inbox")).text;
    expect(panel).toContain('<select name="tag" multiple');
    expect(panel).toContain(`<option value="${id["İade"]}">İade</option>`);
    const vipPage = await agent.html(`/inbox?tab=all&tag=${id.VIP}`);
    const vip = listOf(vipPage.text);
    expect(vip).toContain("Ayla");
    expect(vip).not.toContain("Bora");
    expect(vip).not.toContain("Cenk");
    const either = await agent.html(`/inbox?tab=all&tag=${id.VIP}&tag=${id.Kargo}`);
    const rows = listOf(either.text);
    expect(["Ayla", "Bora", "Derin"].every((n) => rows.includes(n))).toBe(true);
    expect(rows).not.toContain("Cenk");
    // The panel shows what is chosen, and counts it.
    expect(either.text).toContain(`<option value="${id.Kargo}" selected="">Kargo</option>`);
    expect(either.text).toMatch(/Filters \(2\)|2 filters/);
    expect((await agent.get("/inbox?tag=abc")).status).toBe(400);
  });

  it("in the contacts list narrows to contacts with a conversation carrying the tag; another organization's tag finds nothing", async () => {
    const w = await t.world();
    const other = await t.world();
    const id = await tagged(w, { Ayla: ["VIP"], Bora: ["İade"], Cenk: [] });
    const theirs = await tagged(other, { Zerrin: ["VIP"] });
    const admin = await t.signIn(w.admin.email, w.orgId);
    const all = (await admin.html("/contacts")).text;
    expect(all).toContain('<select id="contacts-tag" name="tag">');
    const vip = (await admin.html(`/contacts?tag=${id.VIP}`)).text;
    expect(vip).toContain("Ayla");
    expect(vip).not.toContain(">Bora<");
    expect(vip).toContain(`<option value="${id.VIP}" selected="">VIP</option>`);
    const foreign = (await admin.html(`/contacts?tag=${theirs.VIP}`)).text;
    expect(foreign).not.toContain("Zerrin");
    expect(foreign).not.toContain(">Ayla<");
    // Search and tag together.
    expect((await admin.html(`/contacts?q=Bo&tag=${id.VIP}`)).text).not.toContain(">Bora<");
    expect((await admin.html(`/contacts?q=Bo&tag=${id["İade"]}`)).text).toContain(">Bora<");
  });
});
