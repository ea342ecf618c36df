// Provider webhooks in: handshake, signatures over raw bytes, every entry/change/message, idempotence,
// statuses applied monotonically and out of order, and nothing acknowledged that is not stored.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import postgres from "postgres";
import { contacts, conversations, events, messages, webhookDeliveries } from "@db/schema";
import { processDueDeliveries } from "../../src/channels/inbound";
import { useTestApp, type TestApp } from "../support/app";
import { addChannel, metaJson, signedPost, wamid, waText, whatsappPayload, SECRETS } from "../support/channels";
import { REFUSE, refuseMarkedMessages } from "./support/refusing-database";

const t = useTestApp();
const PHONE_ID = "420000000000777";

async function setup(on: TestApp = t) {
  const w = await on.world();
  const channel = await addChannel(on.db, on.config, w.orgId, "whatsapp", { phoneNumberId: PHONE_ID, wabaId: "310000000000001" });
  const post = async (body: string, init = signedPost(body)) => {
    const res = await on.app.request(`/webhooks/${channel.webhookKey}`, init);
    await on.app.runtime.background.idle();
    return res;
  };
  const inbound = () => on.db.select().from(messages).where(and(eq(messages.channelId, channel.id), eq(messages.direction, "in"))).orderBy(messages.id);
  return { w, channel, post, inbound };
}

/** The conversation a customer's first message opens. */
async function opened(s: Awaited<ReturnType<typeof setup>>, from: string, text: string): Promise<number> {
  const first = waText(from, "Müşteri", text);
  await s.post(metaJson(whatsappPayload(PHONE_ID, { contacts: [first.contact], messages: [first.message] })));
  const [{ conversationId }] = await s.inbound();
  return conversationId;
}

/**
 * Another connection holding a conversation's row, as an agent's transaction does, after making
 * `change` to it; `commit` lets it finish.
 */
async function holdConversation(conversationId: number, change?: (tx: postgres.TransactionSql) => Promise<unknown>, on: TestApp = t) {
  const other = postgres(on.databaseUrl!, { max: 1, onnotice: () => {} });
  let locked!: () => void;
  let mayCommit!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const allowed = new Promise<void>((resolve) => (mayCommit = resolve));
  const holding = other.begin(async (tx) => {
    await tx`select id from conversations where id = ${conversationId} for update`;
    await change?.(tx);
    locked();
    await allowed;
  });
  await isLocked;
  const commit = async () => {
    mayCommit();
    await holding;
  };
  return {
    commit,
    end: async () => {
      await commit().catch(() => {});
      await other.end();
    },
  };
}

describe("webhook verification handshake", () => {
  it("echoes the challenge for the right verify token and refuses anything else", async () => {
    const { channel } = await setup();
    const url = (token: string, mode = "subscribe") => `/webhooks/${channel.webhookKey}?hub.mode=${mode}&hub.challenge=1158201444&hub.verify_token=${token}`;
    const ok = await t.app.request(url(SECRETS.verifyToken));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    expect((await t.app.request(url("wrong"))).status).toBe(403);
    expect((await t.app.request(url(SECRETS.verifyToken, "unsubscribe"))).status).toBe(403);
    expect((await t.app.request(`/webhooks/nope?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x`)).status).toBe(404);
  });
});

describe("signatures", () => {
  it("rejects a missing or wrong signature and stores nothing", async () => {
    const { post } = await setup();
    const m = waText("905550000001", "Ada", "çay ☕");
    const body = metaJson(whatsappPayload(PHONE_ID, { contacts: [m.contact], messages: [m.message] }));
    const before = await t.db.$count(webhookDeliveries);
    expect((await post(body, { method: "POST", headers: { "content-type": "application/json" }, body })).status).toBe(401);
    expect((await post(body, signedPost(body, "not-the-secret"))).status).toBe(401);
    // Signed over different bytes (re-serialised JSON) is not the same signature.
    expect((await post(body, { ...signedPost(JSON.stringify(JSON.parse(body))), body })).status).toBe(401);
    expect(await t.db.$count(webhookDeliveries)).toBe(before);
  });

  it("accepts Meta's escaped non-ASCII and emoji, signed over the raw bytes, and stores the text decoded", async () => {
    const { post, inbound } = await setup();
    const m = waText("905550000002", "Şükrü Çağlar", "Merhaba 👋 siparişim nerede? ¿Qué tal?");
    const body = metaJson(whatsappPayload(PHONE_ID, { contacts: [m.contact], messages: [m.message] }));
    expect(body).toContain("\\ud83d\\udc4b");
    const res = await post(body);
    expect(res.status).toBe(200);
    const [stored] = await inbound();
    expect(stored.body).toBe("Merhaba 👋 siparişim nerede? ¿Qué tal?");
    const [contact] = await t.db.select().from(contacts).innerJoin(conversations, eq(conversations.contactId, contacts.id)).where(eq(conversations.id, stored.conversationId));
    expect(contact.contacts.name).toBe("Şükrü Çağlar");
    expect(contact.contacts.phone).toBe("+905550000002");
  });
});

describe("payloads", () => {
  it("processes every entry, change and message in one POST", async () => {
    const { post, inbound } = await setup();
    const a1 = waText("905550000011", "A", "first");
    const a2 = waText("905550000011", "A", "second");
    const b1 = waText("905550000012", "B", "other contact");
    const first = whatsappPayload(PHONE_ID, { contacts: [a1.contact], messages: [a1.message, a2.message] });
    const second = whatsappPayload(PHONE_ID, { contacts: [b1.contact], messages: [b1.message] });
    const body = metaJson({ object: first.object, entry: [{ ...first.entry[0], changes: [...first.entry[0].changes, ...second.entry[0].changes] }, second.entry[0]] });
    expect((await post(body)).status).toBe(200);
    // b1 appears twice (in two entries): stored once.
    expect((await inbound()).map((m) => m.body)).toEqual(["first", "second", "other contact"]);
    const open = await t.db.select().from(conversations).where(and(eq(conversations.channelId, (await inbound())[0].channelId), eq(conversations.status, "open")));
    expect(open.length).toBe(2);
  });

  it("stores the same provider message id once, however often it arrives", async () => {
    const { post, inbound } = await setup();
    const m = waText("905550000021", "Dup", "only once");
    const body = metaJson(whatsappPayload(PHONE_ID, { contacts: [m.contact], messages: [m.message] }));
    await Promise.all([post(body), post(body), post(body)]);
    await post(body);
    expect((await inbound()).length).toBe(1);
    expect(await t.db.$count(webhookDeliveries, eq(webhookDeliveries.processedAt, webhookDeliveries.processedAt))).toBeGreaterThanOrEqual(4);
  });

  it("a message redelivered after its conversation was closed opens nothing", async () => {
    const { post, inbound } = await setup();
    const m = waText("905550000023", "Late Dup", "bir kez");
    const body = metaJson(whatsappPayload(PHONE_ID, { contacts: [m.contact], messages: [m.message] }));
    await post(body);
    const [stored] = await inbound();
    await t.db.update(conversations).set({ status: "closed", closedAt: t.clock.now() }).where(eq(conversations.id, stored.conversationId));
    await post(body);
    expect((await inbound()).length).toBe(1);
    const [contact] = await t.db.select({ id: conversations.contactId }).from(conversations).where(eq(conversations.id, stored.conversationId));
    const theirs = await t.db.select().from(conversations).where(eq(conversations.contactId, contact.id));
    expect(theirs.map((c) => c.status)).toEqual(["closed"]);
  });

  it("keeps locations, reactions, replies, buttons and unsupported types as such", async () => {
    const s = await setup();
    const { post, inbound } = s;
    const from = "905550000031";
    const original = waText(from, "Loc", "original question");
    await post(metaJson(whatsappPayload(PHONE_ID, { contacts: [original.contact], messages: [original.message] })));
    const ts = String(Math.floor(Date.now() / 1000));
    const more = [
      { from, id: wamid(), timestamp: ts, type: "location", location: { latitude: 41.0082, longitude: 28.9784, name: "Galata", address: "Beyoğlu, İstanbul" } },
      { from, id: wamid(), timestamp: ts, type: "reaction", reaction: { message_id: original.message.id, emoji: "❤️" } },
      { from, id: wamid(), timestamp: ts, type: "text", text: { body: "replying" }, context: { from, id: original.message.id } },
      { from, id: wamid(), timestamp: ts, type: "interactive", interactive: { type: "button_reply", button_reply: { id: "yes", title: "Yes, please" } } },
      { from, id: wamid(), timestamp: ts, type: "unsupported", unsupported: { type: "poll" }, errors: [{ code: 131051, title: "Message type unknown" }] },
    ];
    await post(metaJson(whatsappPayload(PHONE_ID, { contacts: [original.contact], messages: more })));
    const stored = await inbound();
    // The reaction marks the message it names (reactions.test.ts) rather than being one of its own.
    expect(stored.map((m) => m.kind)).toEqual(["text", "location", "text", "text", "unsupported"]);
    expect(stored[1].body).toBe("Galata, Beyoğlu, İstanbul");
    expect(stored[1].metadata).toMatchObject({ latitude: 41.0082, longitude: 28.9784 });
    expect(stored[0].metadata).toMatchObject({ reaction: { emoji: "❤️" } });
    expect(stored[2].replyToId).toBe(stored[0].id);
    expect(stored[3].body).toBe("Yes, please");
    expect(stored[4].metadata).toMatchObject({ providerType: "poll", errorCode: 131051 });
    // The thread shows each as what it is.
    const agent = await t.signIn(s.w.agent.email, s.w.orgId);
    const html = (await agent.html(`/inbox/${stored[0].conversationId}`)).text;
    expect(html).toContain("openstreetmap.org/?mlat=41.0082&amp;mlon=28.9784");
    expect(html).toContain('<span class="reaction-badge" title="The customer reacted ❤️">❤️</span>');
    expect(html).toContain('<blockquote class="reply-to">original question</blockquote>');
    expect(html).toContain("A message type Kanal cannot show (poll)");
  });

  it("ignores a payload for another phone number id", async () => {
    const { post, inbound } = await setup();
    const m = waText("905550000041", "X", "wrong number");
    expect((await post(metaJson(whatsappPayload("999", { contacts: [m.contact], messages: [m.message] })))).status).toBe(200);
    expect((await inbound()).length).toBe(0);
  });

  it("refuses webhooks for a deactivated channel", async () => {
    const { channel, post } = await setup();
    await t.db.update((await import("@db/schema")).channels).set({ active: false }).where(eq((await import("@db/schema")).channels.id, channel.id));
    const m = waText("905550000051", "Off", "hello?");
    expect((await post(metaJson(whatsappPayload(PHONE_ID, { contacts: [m.contact], messages: [m.message] })))).status).toBe(404);
  });
});

describe("statuses", () => {
  async function sentMessage() {
    const s = await setup();
    const m = waText("905550000061", "St", "hi");
    await s.post(metaJson(whatsappPayload(PHONE_ID, { contacts: [m.contact], messages: [m.message] })));
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id));
    const id = wamid();
    const [out] = await t.db
      .insert(messages)
      .values({ orgId: s.w.orgId, conversationId: conv.id, channelId: s.channel.id, direction: "out", body: "our reply", delivery: "sent", providerMessageId: id, createdAt: t.clock.now() })
      .returning();
    const status = (status: string, extra: Record<string, unknown> = {}) =>
      s.post(metaJson(whatsappPayload(PHONE_ID, { statuses: [{ id, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: "905550000061", ...extra }] })));
    const current = async () => (await t.db.select().from(messages).where(eq(messages.id, out.id)))[0];
    return { ...s, status, current, id };
  }

  it("moves forward only: read before delivered stays read; a late sent changes nothing", async () => {
    const { status, current } = await sentMessage();
    await status("read");
    expect((await current()).delivery).toBe("read");
    await status("delivered");
    await status("sent");
    const m = await current();
    expect(m.delivery).toBe("read");
    expect(m.readAt).not.toBeNull();
    expect(m.deliveredAt).not.toBeNull();
  });

  it("records a failure with the provider's code and text; failure after delivery is ignored", async () => {
    const { status, current } = await sentMessage();
    await status("failed", { errors: [{ code: 131047, title: "Re-engagement message", message: "Re-engagement message", error_data: { details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number." } }] });
    const m = await current();
    expect(m.delivery).toBe("failed");
    expect(m.errorCode).toBe("131047");
    expect(m.errorText).toContain("more than 24 hours");
    const again = await sentMessage();
    await again.status("delivered");
    await again.status("failed", { errors: [{ code: 131026, title: "Undeliverable" }] });
    expect((await again.current()).delivery).toBe("delivered");
  });

  it("keeps a status for a message not recorded yet and applies it on a retry", async () => {
    const s = await setup();
    const m = waText("905550000071", "Early", "hi");
    await s.post(metaJson(whatsappPayload(PHONE_ID, { contacts: [m.contact], messages: [m.message] })));
    const id = wamid();
    await s.post(metaJson(whatsappPayload(PHONE_ID, { statuses: [{ id, status: "delivered", timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: "905550000071" }] })));
    const [pending] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.channelId, s.channel.id)).orderBy(webhookDeliveries.id).offset(1);
    expect(pending.processedAt).toBeNull();
    expect(pending.attempts).toBe(1);
    // The outbox records the send a moment later…
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id));
    const [out] = await t.db
      .insert(messages)
      .values({ orgId: s.w.orgId, conversationId: conv.id, channelId: s.channel.id, direction: "out", body: "x", delivery: "sent", providerMessageId: id, createdAt: t.clock.now() })
      .returning();
    // …and the retry job applies the waiting status.
    t.clock.advance(60_000);
    expect(await processDueDeliveries(t.deps)).toBeGreaterThanOrEqual(1);
    expect((await t.db.select().from(messages).where(eq(messages.id, out.id)))[0].delivery).toBe("delivered");
  });
});

describe("durability", () => {
  it("acknowledges only after storing, and retries processing that failed", async () => {
    const s = await setup();
    // A message the database refuses to store (for now): the body is kept, its processing retried.
    const from = "905550000081";
    await refuseMarkedMessages(t.db);
    const body = metaJson(
      whatsappPayload(PHONE_ID, {
        contacts: [{ profile: { name: "Img" }, wa_id: from }],
        messages: [{ from, id: wamid(), timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: `Merhaba ${REFUSE}` } }],
      }),
    );
    const res = await s.post(body);
    expect(res.status).toBe(200);
    const [delivery] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.channelId, s.channel.id));
    expect(delivery.body).toBe(body);
    expect(delivery.processedAt).toBeNull();
    expect(delivery.lastError).toBeTruthy();
    expect((await s.inbound()).length).toBe(0);
  });

  it("acknowledges once the body is committed, then applies a message for an open conversation with its delivery marked processed", async () => {
    const s = await setup();
    const first = waText("905550000091", "Ada", "ilk mesaj");
    await s.post(metaJson(whatsappPayload(PHONE_ID, { contacts: [first.contact], messages: [first.message] })));
    const second = waText("905550000091", "Ada", "ikinci mesaj");
    const body = metaJson(whatsappPayload(PHONE_ID, { contacts: [second.contact], messages: [second.message] }));
    // Not waiting for background work: what the acknowledgement promises is already there.
    const res = await t.app.request(`/webhooks/${s.channel.webhookKey}`, signedPost(body));
    expect(res.status).toBe(200);
    expect(await t.db.$count(webhookDeliveries, eq(webhookDeliveries.body, body))).toBe(1);
    await t.app.runtime.background.idle();
    const [delivery] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.body, body));
    expect(delivery.processedAt).not.toBeNull();
    expect(delivery.attempts).toBe(1);
    expect(delivery.lastError).toBeNull();
    const stored = await s.inbound();
    expect(stored.map((m) => m.body)).toEqual(["ilk mesaj", "ikinci mesaj"]);
    expect(stored[1].conversationId).toBe(stored[0].conversationId);
    const [conversation] = await t.db.select().from(conversations).where(eq(conversations.id, stored[1].conversationId));
    expect(conversation.lastMessagePreview).toBe("ikinci mesaj");
    expect(conversation.waitingSince).not.toBeNull();
    const created = await t.db.select().from(events).where(and(eq(events.conversationId, conversation.id), eq(events.type, "message_created"))).orderBy(events.id);
    expect(created.map((e) => e.data.messageId)).toEqual(stored.map((m) => m.id));
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("acknowledges while an agent holds the conversation's row, and applies the message once it is free", async () => {
    const s = await setup();
    const from = "905550000093";
    const conversationId = await opened(s, from, "merhaba");
    const agent = await holdConversation(conversationId);
    try {
      const second = waText(from, "Müşteri", "kargom nerede?");
      const res = await t.app.request(`/webhooks/${s.channel.webhookKey}`, signedPost(metaJson(whatsappPayload(PHONE_ID, { contacts: [second.contact], messages: [second.message] }))));
      expect(res.status).toBe(200);
      await Bun.sleep(200);
      expect((await s.inbound()).map((m) => m.body)).toEqual(["merhaba"]);
      await agent.commit();
      await t.app.runtime.background.idle();
      const stored = await s.inbound();
      expect(stored.map((m) => m.body)).toEqual(["merhaba", "kargom nerede?"]);
      expect(stored[1].conversationId).toBe(conversationId);
    } finally {
      await agent.end();
    }
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("a message that arrives while an agent closes the conversation opens a new one, never joins the closed one", async () => {
    const s = await setup();
    const from = "905550000092";
    const conversationId = await opened(s, from, "merhaba");
    // An agent's close, holding the conversation's row until told to commit.
    const agent = await holdConversation(conversationId, (tx) => tx`update conversations set status = 'closed', closed_at = now(), waiting_since = null where id = ${conversationId}`);
    try {
      const second = waText(from, "Müşteri", "bir sorum daha var");
      let processed = false;
      const posting = s.post(metaJson(whatsappPayload(PHONE_ID, { contacts: [second.contact], messages: [second.message] }))).then((res) => ((processed = true), res));
      await Bun.sleep(300);
      expect(processed).toBe(false); // its processing waits on the conversation's row
      await agent.commit();
      expect((await posting).status).toBe(200);
      await t.app.runtime.background.idle();
      const stored = await s.inbound();
      expect(stored.map((m) => m.body)).toEqual(["merhaba", "bir sorum daha var"]);
      expect(stored[1].conversationId).not.toBe(conversationId);
      const [reopened] = await t.db.select().from(conversations).where(eq(conversations.id, stored[1].conversationId));
      expect(reopened.status).toBe("open");
    } finally {
      await agent.end();
    }
  });
});

describe("acknowledging ahead of processing", () => {
  // Every acknowledgement waits for its own webhook's processing, as all do beyond WEBHOOK_BACKLOG.
  const strict = useTestApp({ WEBHOOK_BACKLOG: "0" });

  it("beyond the backlog, answers a webhook only once its message is stored", async () => {
    const s = await setup(strict);
    const from = "905550000094";
    for (const text of ["ilk mesaj", "ikinci mesaj"]) {
      const m = waText(from, "Ada", text);
      const body = metaJson(whatsappPayload(PHONE_ID, { contacts: [m.contact], messages: [m.message] }));
      // Not waiting for background work: the answer itself says the message is in.
      const res = await strict.app.request(`/webhooks/${s.channel.webhookKey}`, signedPost(body));
      expect(res.status).toBe(200);
      const [delivery] = await strict.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.body, body));
      expect(delivery.processedAt).not.toBeNull();
    }
    expect((await s.inbound()).map((m) => m.body)).toEqual(["ilk mesaj", "ikinci mesaj"]);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("beyond the backlog, answers only once an agent holding the conversation lets the message in", async () => {
    const s = await setup(strict);
    const from = "905550000095";
    const conversationId = await opened(s, from, "merhaba");
    const agent = await holdConversation(conversationId, undefined, strict);
    try {
      const second = waText(from, "Müşteri", "kargom nerede?");
      let answered = false;
      const answer = Promise.resolve(strict.app.request(`/webhooks/${s.channel.webhookKey}`, signedPost(metaJson(whatsappPayload(PHONE_ID, { contacts: [second.contact], messages: [second.message] })))));
      void answer.then(() => (answered = true));
      await Bun.sleep(200);
      expect(answered).toBe(false);
      await agent.commit();
      expect((await answer).status).toBe(200);
      expect((await s.inbound()).map((m) => m.body)).toEqual(["merhaba", "kargom nerede?"]);
    } finally {
      await agent.end();
    }
  });
});
