// Bad bytes from outside: a NUL character, which Postgres cannot store, is refused with a clear
// error where a person typed it and stripped where a provider sent it; a webhook that cannot be
// processed gets a bounded number of attempts, then waits, parked with its reason, for an admin.
import { beforeAll, describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { channels, contacts, conversations, messages, webhookDeliveries } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { MAX_DELIVERY_ATTEMPTS, processDueDeliveries } from "../../src/channels/inbound";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { ORIGIN, useTestApp } from "../support/app";
import { addChannel, metaJson, signedPost, wamid, waText, whatsappPayload } from "../support/channels";
import type { World } from "../support/world";
import { REFUSE, refuseMarkedMessages } from "./support/refusing-database";

// The Graph API refuses connections here, so a media download fails the same way every time.
const t = useTestApp({ META_GRAPH_URL: "http://127.0.0.1:9", TRUST_PROXY: "1" });
const PHONE_ID = "420000000000888";
const NUL = "\u0000";

describe("NUL characters", () => {
  let w: World;
  beforeAll(async () => {
    w = await t.world();
  });

  it("in a widget visitor's name or message: a 400 that says why, nothing stored", async () => {
    const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "webchat", name: "Site", config: {}, webhookKey: newWebhookKey() }).returning();
    const api = (path: string, body: object, token?: string) =>
      t.app.request(`${ORIGIN}/widget/api/${channel.webhookKey}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://shop.example", "x-forwarded-for": "203.0.113.77", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const named = await api("/session", { name: `Ay${NUL}şe` });
    expect(named.status).toBe(400);
    expect(((await named.json()) as { error: string }).error).toBe("nul_character");
    const session = (await (await api("/session", { name: "Ayşe" })).json()) as { token: string };
    const said = await api("/messages", { body: `Merhaba${NUL}`, clientId: "c1" }, session.token);
    expect(said.status).toBe(400);
    expect(((await said.json()) as { message: string }).message).toContain("NUL");
    expect(await t.db.select().from(messages).where(eq(messages.channelId, channel.id))).toEqual([]);
  });

  it("in an agent's form: a 400 that says why, not a 500", async () => {
    const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
    const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: "905551112299", contactName: "Özge", body: "Selam", providerMessageId: "wamid.nul", at: t.clock.now() });
    const agent = await t.signIn(w.agent.email, w.orgId);
    await agent.post(`/inbox/${conversationId}/join`);
    const res = await agent.post(`/inbox/${conversationId}/reply`, { body: `a${NUL}b`, as: "reply" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("NUL character");
    expect((await agent.get(`/inbox?q=${encodeURIComponent(NUL)}`)).status).toBe(400);
  });

  it("in a webhook: stripped, and the message reaches the inbox at once", async () => {
    const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId: PHONE_ID, wabaId: "310000000000001" });
    const text = waText("905550001234", `Ali${NUL}`, `Sipariş${NUL} nerede?`);
    const res = await t.app.request(`/webhooks/${channel.webhookKey}`, signedPost(metaJson(whatsappPayload(PHONE_ID, { contacts: [text.contact], messages: [text.message] }))));
    await t.app.runtime.background.idle();
    expect(res.status).toBe(200);
    const [delivery] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.channelId, channel.id));
    expect(delivery.processedAt).not.toBeNull();
    const [message] = await t.db.select().from(messages).where(and(eq(messages.channelId, channel.id), eq(messages.direction, "in")));
    expect(message.body).toBe("Sipariş nerede?");
    const [conversation] = await t.db.select({ contactId: conversations.contactId }).from(conversations).where(eq(conversations.id, message.conversationId));
    const [contact] = await t.db.select().from(contacts).where(eq(contacts.id, conversation.contactId));
    expect(contact.name).toBe("Ali");
  });
});

describe("a webhook that cannot be processed", () => {
  it("is tried a bounded number of times, then parked with its reason, listed for admins, and retried by hand", async () => {
    const w = await t.world();
    const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId: "420000000000999", wabaId: "310000000000001" });
    const from = "905550009999";
    await refuseMarkedMessages(t.db);
    const body = metaJson(
      whatsappPayload("420000000000999", {
        contacts: [{ profile: { name: "Img" }, wa_id: from }],
        messages: [{ from, id: wamid(), timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: `Kargom ${REFUSE}` } }],
      }),
    );
    expect((await t.app.request(`/webhooks/${channel.webhookKey}`, signedPost(body))).status).toBe(200);
    await t.app.runtime.background.idle();
    const delivery = async () => (await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.channelId, channel.id)))[0];
    for (let i = 0; i < MAX_DELIVERY_ATTEMPTS + 3; i++) {
      t.clock.advance(11 * 60_000);
      await processDueDeliveries(t.deps);
    }
    const parked = await delivery();
    expect(parked.attempts).toBe(MAX_DELIVERY_ATTEMPTS);
    expect(parked.failedAt).not.toBeNull();
    expect(parked.processedAt).toBeNull();
    expect(parked.lastError).toBeTruthy();
    // The retry job leaves it alone from now on.
    t.clock.advance(60 * 60_000);
    await processDueDeliveries(t.deps);
    expect((await delivery()).attempts).toBe(MAX_DELIVERY_ATTEMPTS);

    const admin = await t.signIn(w.admin.email, w.orgId);
    const page = await admin.html(`/admin/channels/${channel.id}`);
    expect(page.text).toContain("Failed webhooks (1)");
    expect(page.text).toContain(`/admin/channels/${channel.id}/webhooks/${parked.id}/retry`);
    expect(page.text).toContain(Bun.escapeHTML(parked.lastError!));
    // Another organization's admin can neither see nor retry it.
    const rival = await t.world("Rival");
    const stranger = await t.signIn(rival.admin.email, rival.orgId);
    expect((await stranger.post(`/admin/channels/${channel.id}/webhooks/${parked.id}/retry`)).status).toBe(404);
    // Retrying by hand: a fresh set of attempts, the first at once (here it fails again and says so).
    const retried = await admin.post(`/admin/channels/${channel.id}/webhooks/${parked.id}/retry`);
    expect(retried.status).toBe(303);
    const after = await delivery();
    expect(after.failedAt).toBeNull();
    expect(after.attempts).toBe(1);
    expect((await admin.html(`/admin/channels/${channel.id}`)).text).toContain("The webhook failed again");
  });
});
