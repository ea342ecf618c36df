// The kept first pages of the inbox: read once between two changes of the organization, each
// change shown as soon as its event is heard (here or through another process's NOTIFY), with
// every viewer's own unread markers on the shared rows.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import type { Db } from "@db/client";
import { channels, closingMessages, contacts, conversations, users } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { assignConversation } from "../../src/inbox/assignment";
import { closeConversation } from "../../src/inbox/closing";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { commit } from "../../src/realtime/changes";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function setup() {
  const w = await t.world();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const admin = (await actorFor(t.db, w.admin.id, w.orgId))!;
  const inbound = async (externalId: string, body: string, publish = true) => {
    const change = (db: Db) => ingestInbound(db, { orgId: w.orgId, channelId: channel.id, externalId, contactName: `Contact ${externalId}`, body, providerMessageId: crypto.randomUUID(), at: t.clock.now() });
    return publish ? commit(t.database, w.orgId, change) : change(t.db);
  };
  /** A conversation written straight into the table, with no event: a kept page does not show it. */
  const unannounced = async (name: string) => {
    const [contact] = await t.db.insert(contacts).values({ orgId: w.orgId, name, createdAt: t.clock.now(), updatedAt: t.clock.now() }).returning();
    await t.db.insert(conversations).values({ orgId: w.orgId, contactId: contact.id, channelId: channel.id, startedBy: "contact", createdAt: t.clock.now(), lastMessageAt: t.clock.now() });
  };
  await t.app.runtime.bus.start();
  const adminPage = await t.signIn(w.admin.email, w.orgId);
  const agentPage = await t.signIn(w.agent.email, w.orgId);
  return { w, admin, inbound, unannounced, adminPage, agentPage };
}

/** The list part of a page (the pinned support row and the tabs left out). */
function listOf(html: string) {
  const from = html.indexOf('id="conversation-rows"');
  expect(from).toBeGreaterThan(-1);
  return html.slice(from, html.indexOf("</ul>", from));
}

function rowOf(html: string, conversationId: number) {
  const from = html.indexOf(`id="conv-${conversationId}"`);
  return from < 0 ? null : html.slice(from, html.indexOf("</li>", from));
}

describe("kept inbox pages", () => {
  it("shows each change as soon as its event is heard, and nothing unannounced in between", async () => {
    const { w, admin, inbound, unannounced, adminPage } = await setup();
    const first = await inbound("905550000401", "merhaba");
    expect(listOf((await adminPage.html("/inbox?tab=open")).text)).toContain("merhaba");

    // Kept: a row written with no event is not read again for the next page.
    await unannounced("Sessiz Kişi");
    expect(listOf((await adminPage.html("/inbox?tab=open")).text)).not.toContain("Sessiz Kişi");

    // A new message's event drops the kept page: its preview shows, and so does what was written meanwhile.
    await inbound("905550000401", "bir sorum var");
    const open = listOf((await adminPage.html("/inbox?tab=open")).text);
    expect(open).toContain("bir sorum var");
    expect(open).toContain("Sessiz Kişi");

    // Assigned: out of Open, into Assigned.
    await commit(t.database, w.orgId, (db) => assignConversation(db, admin, first.conversationId, { userId: w.agent.id }, t.clock.now()));
    expect(rowOf((await adminPage.html("/inbox?tab=open")).text, first.conversationId)).toBeNull();
    expect(rowOf((await adminPage.html("/inbox?tab=assigned")).text, first.conversationId)).toContain("Okan");

    // Closed: out of Assigned, into Closed.
    const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId));
    await commit(t.database, w.orgId, (db) => closeConversation(db, admin, first.conversationId, closing.id, "en", t.clock.now()));
    expect(rowOf((await adminPage.html("/inbox?tab=assigned")).text, first.conversationId)).toBeNull();
    expect(rowOf((await adminPage.html("/inbox?tab=closed")).text, first.conversationId)).not.toBeNull();
  });

  it("marks unread for each viewer on the rows they share", async () => {
    const { inbound, adminPage, agentPage } = await setup();
    const { conversationId } = await inbound("905550000411", "okunmadı");
    expect(rowOf((await adminPage.html("/inbox?tab=open")).text, conversationId)).toContain("unread-dot");
    expect(rowOf((await agentPage.html("/inbox?tab=open")).text, conversationId)).toContain("unread-dot");
    // The agent reads it (no event: reading is the reader's own); the admin has not.
    expect((await agentPage.html(`/inbox/${conversationId}?tab=open`)).status).toBe(200);
    expect(rowOf((await agentPage.html("/inbox?tab=open")).text, conversationId)).not.toContain("unread-dot");
    expect(rowOf((await adminPage.html("/inbox?tab=open")).text, conversationId)).toContain("unread-dot");
    // A new message is unread again for the reader.
    t.clock.advance("1m");
    await inbound("905550000411", "yeni mesaj");
    expect(rowOf((await agentPage.html("/inbox?tab=open")).text, conversationId)).toContain("unread-dot");
  });

  it("drops the kept page for a change published by another process, heard only through NOTIFY", async () => {
    const { w, inbound, adminPage } = await setup();
    await inbound("905550000421", "ilk");
    expect(listOf((await adminPage.html("/inbox?tab=all")).text)).toContain("ilk");
    const later = await inbound("905550000421", "başka süreçten", false);
    expect(listOf((await adminPage.html("/inbox?tab=all")).text)).not.toContain("başka süreçten");
    // What another process's publish looks like here: the notification alone.
    await t.database.notify("kanal_events", JSON.stringify({ orgId: w.orgId, ids: later.eventIds }));
    let list = "";
    for (let i = 0; i < 100 && !list.includes("başka süreçten"); i++) {
      await Bun.sleep(10);
      list = listOf((await adminPage.html("/inbox?tab=all")).text);
    }
    expect(list).toContain("başka süreçten");
  });

  it("reads the rows again when the roster changes: an assignee renamed shows under the new name", async () => {
    const { w, admin, inbound, adminPage } = await setup();
    const { conversationId } = await inbound("905550000431", "merhaba");
    await commit(t.database, w.orgId, (db) => assignConversation(db, admin, conversationId, { userId: w.agent.id }, t.clock.now()));
    expect(rowOf((await adminPage.html("/inbox?tab=assigned")).text, conversationId)).not.toContain("Okan Yeniden");
    // Straight into the table, with no event: the roster_version trigger alone tells.
    await t.db.update(users).set({ name: "Okan Yeniden" }).where(eq(users.id, w.agent.id));
    expect(rowOf((await adminPage.html("/inbox?tab=assigned")).text, conversationId)).toContain("Okan Yeniden");
  });
});
