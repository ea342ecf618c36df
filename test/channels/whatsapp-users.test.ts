// WhatsApp users who hide their phone number behind a username: Meta names them by business-scoped
// user id (BSUID: contacts[].user_id, messages[].from_user_id) and leaves `from`/`wa_id` out. They are
// kept (never dropped), keyed by the BSUID, and joined with their phone identity once a webhook names
// both, so the customer stays one contact with one conversation.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { contactIdentities, contacts, conversations, messages } from "@db/schema";
import { useTestApp } from "../support/app";
import { wamid, whatsappPayload } from "../support/channels";
import { metaCustomer } from "./support/meta-customer";
import { whatsappAdapter } from "../../src/channels/whatsapp";
import { GraphClient } from "../../src/channels/graph";

const t = useTestApp();
const ts = (at = Date.now()) => String(Math.floor(at / 1000));

describe("WhatsApp business-scoped user ids", () => {
  it("a message without a phone number is kept under the BSUID, named by the username", async () => {
    const s = await metaCustomer(t, "whatsapp", "81");
    const bsuid = "TR.1502576394655843";
    await s.post(
      whatsappPayload(s.own, {
        contacts: [{ profile: { name: "", username: "elif.kara" }, user_id: bsuid }],
        messages: [{ from_user_id: bsuid, id: wamid(), timestamp: ts(), type: "text", text: { body: "Numaramı gizledim ama sipariş vermek istiyorum" } }],
      }),
    );
    const [identity] = await t.db.select().from(contactIdentities).where(eq(contactIdentities.channelId, s.channel.id));
    expect(identity.externalId).toBe(bsuid);
    const [contact] = await t.db.select().from(contacts).where(eq(contacts.id, identity.contactId));
    expect(contact.name).toBe("@elif.kara");
    expect(contact.phone).toBeNull();
    const [c] = await t.db.select().from(conversations).where(eq(conversations.contactId, contact.id));
    expect(c.status).toBe("open");
    expect(c.waitingSince).not.toBeNull();
  });

  it("joins the BSUID with the phone when a later webhook names both: one contact, one conversation", async () => {
    const s = await metaCustomer(t, "whatsapp", "82");
    const bsuid = "TR.9988776655443322";
    const at = Date.now() - 60_000;
    await s.post(
      whatsappPayload(s.own, {
        contacts: [{ profile: { name: "Elif", username: "elif.k" }, user_id: bsuid }],
        messages: [{ from_user_id: bsuid, id: wamid(), timestamp: ts(at), type: "text", text: { body: "Merhaba" } }],
      }),
    );
    // Now the phone shows (the business is in the customer's contact book): both ids, two messages.
    await s.post(
      whatsappPayload(s.own, {
        contacts: [{ profile: { name: "Elif", username: "elif.k" }, wa_id: s.customer, user_id: bsuid }],
        messages: [
          { from: s.customer, from_user_id: bsuid, id: wamid(), timestamp: ts(at + 1000), type: "text", text: { body: "Numaram da görünüyor artık" } },
          { from: s.customer, from_user_id: bsuid, id: wamid(), timestamp: ts(at + 2000), type: "text", text: { body: "Siparişim 1234" } },
        ],
      }),
    );
    const ids = await t.db.select().from(contactIdentities).where(eq(contactIdentities.channelId, s.channel.id));
    expect(ids.map((i) => i.externalId).sort()).toEqual([s.customer, bsuid].sort());
    expect(new Set(ids.map((i) => i.contactId)).size).toBe(1);
    const [contact] = await t.db.select().from(contacts).where(eq(contacts.id, ids[0].contactId));
    expect(contact.phone).toBe(`+${s.customer}`);
    const list = await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id));
    expect(list.length).toBe(1);
    const stored = await t.db.select().from(messages).where(eq(messages.conversationId, list[0].id)).orderBy(messages.id);
    expect(stored.map((m) => m.body)).toEqual(["Merhaba", "Numaram da görünüyor artık", "Siparişim 1234"]);

    // Back to the BSUID alone (the number hidden again): still the same conversation.
    await s.post(whatsappPayload(s.own, { contacts: [{ profile: { name: "Elif" }, user_id: bsuid }], messages: [{ from_user_id: bsuid, id: wamid(), timestamp: ts(at + 3000), type: "text", text: { body: "Teşekkürler" } }] }));
    expect((await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id))).length).toBe(1);
    expect((await t.db.select().from(messages).where(eq(messages.conversationId, list[0].id))).length).toBe(4);
  });

  it("a phone contact and a BSUID contact made apart are joined: the BSUID's conversation moves to the phone contact", async () => {
    const s = await metaCustomer(t, "whatsapp", "83");
    const bsuid = "TR.5566778899001122";
    const at = Date.now() - 120_000;
    await s.post(whatsappPayload(s.own, { contacts: [{ profile: { name: "Elif" }, wa_id: s.customer }], messages: [{ from: s.customer, id: wamid(), timestamp: ts(at), type: "text", text: { body: "Telefonla yazdım" } }] }));
    await s.post(whatsappPayload(s.own, { contacts: [{ profile: { name: "", username: "elif.k" }, user_id: bsuid }], messages: [{ from_user_id: bsuid, id: wamid(), timestamp: ts(at + 1000), type: "text", text: { body: "Kullanıcı adıyla yazdım" } }] }));
    expect(new Set((await t.db.select().from(contactIdentities).where(eq(contactIdentities.channelId, s.channel.id))).map((i) => i.contactId)).size).toBe(2);

    await s.post(
      whatsappPayload(s.own, {
        contacts: [{ profile: { name: "Elif" }, wa_id: s.customer, user_id: bsuid }],
        messages: [{ from: s.customer, from_user_id: bsuid, id: wamid(), timestamp: ts(at + 2000), type: "text", text: { body: "İkisi de benim" } }],
      }),
    );
    const ids = await t.db.select().from(contactIdentities).where(eq(contactIdentities.channelId, s.channel.id));
    expect(new Set(ids.map((i) => i.contactId)).size).toBe(1);
    const list = await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id)).orderBy(conversations.id);
    expect(new Set(list.map((c) => c.contactId))).toEqual(new Set([ids[0].contactId]));
    // Still one open conversation for the contact (the BSUID's was closed as it moved).
    expect(list.filter((c) => c.status === "open").length).toBe(1);
  });

  it("replies to a BSUID-only customer address them by `recipient`", async () => {
    const sent: unknown[] = [];
    class Capture extends GraphClient {
      override async json<T>(_method: string, _url: string, _token: string, body?: unknown): Promise<T> {
        sent.push(body);
        return { messages: [{ id: "wamid.X" }] } as T;
      }
    }
    const graph = new Capture({ baseUrl: "https://graph.test", version: "v25.0" });
    const adapter = whatsappAdapter(graph);
    await adapter.send({ id: 1, orgId: 1, kind: "whatsapp", config: { phoneNumberId: "1" }, secrets: { accessToken: "t" } } as never, { messageId: 1, to: "TR.1502576394655843", kind: "text", body: "Merhaba" });
    await adapter.send({ id: 1, orgId: 1, kind: "whatsapp", config: { phoneNumberId: "1" }, secrets: { accessToken: "t" } } as never, { messageId: 2, to: "905551112233", kind: "text", body: "Merhaba" });
    expect(sent[0]).toMatchObject({ recipient: "TR.1502576394655843" });
    expect(sent[0]).not.toHaveProperty("to");
    expect(sent[1]).toMatchObject({ to: "905551112233" });
  });
});
