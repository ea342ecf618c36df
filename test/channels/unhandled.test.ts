// Nothing is dropped without a trace: whatever a webhook carries that Kanal does not handle (a field,
// an event, a message type, an entry for another account id) is counted per channel and kind with an
// example, its body kept; the channel's admin page lists them, and says when the configured id never
// matches the id webhooks name. Nothing of it opens or moves a conversation.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { conversations, webhookDeliveries, webhookUnhandled } from "@db/schema";
import { useTestApp } from "../support/app";
import { metaJson, signedPost, wamid, whatsappPayload } from "../support/channels";
import { metaCustomer } from "./support/meta-customer";

const t = useTestApp();

describe("unhandled webhook items", () => {
  it("WhatsApp: an unknown field and an unsupported message are counted with examples, once per delivery", async () => {
    const s = await metaCustomer(t, "whatsapp", "91");
    const body = {
      object: "whatsapp_business_account",
      entry: [
        { id: "310000000000001", changes: [{ field: "account_update", value: { phone_number: "15550001111", event: "VERIFIED_ACCOUNT" } }] },
        {
          id: "310000000000001",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550001111", phone_number_id: s.own },
                contacts: [{ profile: { name: "Derya" }, wa_id: s.customer }],
                messages: [{ from: s.customer, id: wamid(), timestamp: String(Math.floor(Date.now() / 1000)), type: "unsupported", unsupported: { type: "poll_creation" }, errors: [{ code: 131051, title: "Message type unknown", message: "Message type unknown" }] }],
              },
            },
          ],
        },
      ],
    };
    await s.post(body);
    const rows = await t.db.select().from(webhookUnhandled).where(eq(webhookUnhandled.channelId, s.channel.id)).orderBy(webhookUnhandled.kind);
    expect(rows.map((r) => [r.kind, r.count])).toEqual([
      ["field:account_update", 1],
      ["message:poll_creation", 1],
    ]);
    expect(rows[0].example).toContain("VERIFIED_ACCOUNT");
    // The delivery is processed, its body kept; the unsupported message is still stored in its conversation.
    const [delivery] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.channelId, s.channel.id));
    expect(delivery.processedAt).not.toBeNull();
    expect(delivery.body).toContain("account_update");
    expect((await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id))).length).toBe(1);

    const admin = await t.signIn(s.w.admin.email, s.w.orgId);
    const page = (await admin.html(`/admin/channels/${s.channel.id}`)).text;
    expect(page).toContain("Webhook items Kanal did not handle");
    expect(page).toContain("field:account_update");
    expect(page).toContain("message:poll_creation");
    expect(page).not.toContain('id="unmatched-id"');
  });

  it("Messenger: unknown events and entry keys are counted; an entry for another page id is reported on the admin page", async () => {
    const s = await metaCustomer(t, "messenger", "92");
    await s.post({
      object: "page",
      entry: [
        {
          id: s.own,
          time: Date.now(),
          messaging: [
            { sender: { id: s.customer }, recipient: { id: s.own }, timestamp: Date.now(), optin: { type: "notification_messages", payload: "x", notification_messages_token: "t" } },
            { sender: { id: s.customer }, recipient: { id: s.own }, timestamp: Date.now(), pass_thread_control: { new_owner_app_id: "123", metadata: "" } },
          ],
          hop_context: [{ app_id: 1 }],
        },
        { id: "999000111222333", time: Date.now(), messaging: [{ sender: { id: s.customer }, recipient: { id: "999000111222333" }, timestamp: Date.now(), message: { mid: "m_other", text: "Başka sayfa" } }] },
      ],
    });
    const rows = await t.db.select().from(webhookUnhandled).where(eq(webhookUnhandled.channelId, s.channel.id)).orderBy(webhookUnhandled.kind);
    expect(rows.map((r) => [r.kind, r.count])).toEqual([
      ["entry:hop_context", 1],
      ["event:optin", 1],
      ["event:pass_thread_control", 1],
      ["unmatched_id", 1],
    ]);
    expect(await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id))).toEqual([]);

    const admin = await t.signIn(s.w.admin.email, s.w.orgId);
    const page = (await admin.html(`/admin/channels/${s.channel.id}`)).text;
    expect(page).toContain("Webhooks arrive for id 999000111222333, which is not this channel&#39;s configured id");
    // Agents and supervisors do not see channel settings.
    const agent = await t.signIn(s.w.agent.email, s.w.orgId);
    expect((await agent.html(`/admin/channels/${s.channel.id}`)).status).not.toBe(200);
  });

  it("a delivery processed again after an error does not count its items twice", async () => {
    const s = await metaCustomer(t, "instagram", "93");
    const raw = metaJson({ object: "instagram", entry: [{ id: s.own, time: Date.now(), messaging: [{ sender: { id: s.customer }, recipient: { id: s.own }, timestamp: Date.now(), messaging_feedback: { feedback_screens: [] } }] }] });
    const res = await t.app.request(`/webhooks/${s.channel.webhookKey}`, signedPost(raw));
    expect(res.status).toBe(200);
    await t.app.runtime.background.idle();
    const [delivery] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.channelId, s.channel.id));
    const { processDelivery } = await import("../../src/channels/inbound");
    await t.db.update(webhookDeliveries).set({ processedAt: null }).where(eq(webhookDeliveries.id, delivery.id));
    await processDelivery(t.deps, delivery.id);
    const [row] = await t.db.select().from(webhookUnhandled).where(eq(webhookUnhandled.channelId, s.channel.id));
    expect(row).toMatchObject({ kind: "event:messaging_feedback", count: 1 });
  });
});
