// The kept tab counts: one reading of the database's counts serves every page between two of the
// organization's events; any event has them read again, whichever process published it.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { channels, closingMessages, contacts, conversations } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { assignConversation } from "../../src/inbox/assignment";
import { closeConversation } from "../../src/inbox/closing";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { joinConversation } from "../../src/inbox/joining";
import { commit } from "../../src/realtime/changes";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function setup() {
  const w = await t.world();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const admin = (await actorFor(t.db, w.admin.id, w.orgId))!;
  const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
  const inbound = async (externalId: string, body: string) => {
    return commit(t.database, w.orgId, (db) => ingestInbound(db, { orgId: w.orgId, channelId: channel.id, externalId, contactName: `Contact ${externalId}`, body, providerMessageId: crypto.randomUUID(), at: t.clock.now() }));
  };
  /** A conversation written straight into the table, with no event: the kept counts cannot know of it. */
  const unannounced = async () => {
    const [contact] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Quiet", createdAt: t.clock.now(), updatedAt: t.clock.now() }).returning();
    await t.db.insert(conversations).values({ orgId: w.orgId, contactId: contact.id, channelId: channel.id, startedBy: "contact", createdAt: t.clock.now(), lastMessageAt: t.clock.now() });
  };
  const counts = () => t.app.runtime.tabCounts.counts(t.db, admin);
  await t.app.runtime.bus.start();
  return { w, admin, agent, inbound, unannounced, counts };
}

describe("kept tab counts", () => {
  it("keeps the counts between events, and reads them again after any event", async () => {
    const { w, admin, agent, inbound, unannounced, counts } = await setup();
    const first = await inbound("905550000301", "merhaba");
    expect(await counts()).toEqual({ open: 1, assigned: 0, snoozed: 0, closed: 0, all: 1 });
    // Nothing announced it: the kept counts stand.
    await unannounced();
    expect(await counts()).toEqual({ open: 1, assigned: 0, snoozed: 0, closed: 0, all: 1 });
    // Any event has them read again, and they hold everything committed by then.
    await inbound("905550000301", "bir şey daha");
    expect(await counts()).toEqual({ open: 2, assigned: 0, snoozed: 0, closed: 0, all: 2 });
    await inbound("905550000302", "selam");
    expect(await counts()).toEqual({ open: 3, assigned: 0, snoozed: 0, closed: 0, all: 3 });
    await commit(t.database, w.orgId, (db) => assignConversation(db, admin, first.conversationId, { userId: w.agent.id }, t.clock.now()));
    expect(await counts()).toEqual({ open: 2, assigned: 1, snoozed: 0, closed: 0, all: 3 });
    const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId));
    await commit(t.database, w.orgId, (db) => closeConversation(db, agent, first.conversationId, closing.id, "en", t.clock.now()));
    expect(await counts()).toEqual({ open: 2, assigned: 0, snoozed: 0, closed: 1, all: 3 });
  });

  it("reads them again for a change published by another process, heard only through NOTIFY", async () => {
    const { w, agent, inbound, counts } = await setup();
    const { conversationId } = await inbound("905550000311", "merhaba");
    expect(await counts()).toEqual({ open: 1, assigned: 0, snoozed: 0, closed: 0, all: 1 });
    const joined = await joinConversation(t.db, agent, conversationId, t.clock.now());
    // What another process's publish looks like here: the notification alone.
    await t.database.notify("kanal_events", JSON.stringify({ orgId: w.orgId, ids: joined.eventIds }));
    for (let i = 0; i < 100 && (await counts()).assigned === 0; i++) await Bun.sleep(10);
    expect(await counts()).toEqual({ open: 0, assigned: 1, snoozed: 0, closed: 0, all: 1 });
  });
});
