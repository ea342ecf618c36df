// Killing a Kanal process in the middle of a send loses nothing and sends nothing twice: a send the
// provider took is proven by its echoed outbox tag and marked sent; one without proof is shown "may
// not have been sent" and goes out again only when the agent confirms; a conversation's sends keep
// their order throughout.
import { describe, expect, it } from "bun:test";
import { and, eq, inArray } from "drizzle-orm";
import { conversations, messages, outbox } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { joinConversation } from "../../src/inbox/joining";
import { reply, retryMessage } from "../../src/inbox/replies";
import { useTestApp } from "../support/app";
import { useLiveChannels } from "./support/live-channels";

const t = useTestApp();
const live = useLiveChannels(t);

/** A conversation on a channel, joined by the agent, after one customer message. */
async function conversationWith(w: Awaited<ReturnType<typeof t.world>>, channel: { id: number; webhookKey: string }, kind: "whatsapp" | "messenger", from: string) {
  if (kind === "whatsapp") await live.fake.pushWhatsAppText({ channel: channel.webhookKey, from, name: "Crash", text: "hello" });
  else await live.fake.pushMessengerText({ channel: channel.webhookKey, from, text: "hello" });
  await live.settle();
  const all = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id)).orderBy(conversations.id);
  const conversation = all.at(-1)!;
  const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
  await joinConversation(t.db, agent, conversation.id, t.clock.now());
  return { conversation, agent };
}

function childOutbox(graphUrl: string) {
  return Bun.spawn(["bun", "test/channels/support/outbox-child.ts"], {
    env: { ...process.env, CHILD_DATABASE_URL: t.databaseUrl!, CHILD_SECRETS_KEY: t.config.SECRETS_KEY!, CHILD_GRAPH_URL: graphUrl, CHILD_NOW: t.clock.now().toISOString() },
    stdout: "pipe",
    stderr: "pipe",
  });
}

async function message(id: number) {
  return (await t.db.select().from(messages).where(eq(messages.id, id)))[0];
}

async function drainOutbox() {
  for (let i = 0; i < 10; i++) {
    await live.settle();
    if ((await t.app.runtime.outbox.runOnce()) === 0) break;
  }
  await live.settle();
}

describe("a crash during a send", () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)("kill -9 during a burst: the sends the provider took are proven by their echoes, the rest go out once, in order", async () => {
    const w = await t.world();
    const whatsapp = await live.channel(w.orgId, "whatsapp", "420000000006666");
    const messenger = await live.channel(w.orgId, "messenger", "620000000006666");
    live.fake.receipts.echo = true;
    const threads = [
      await conversationWith(w, whatsapp, "whatsapp", "905556660001"),
      await conversationWith(w, whatsapp, "whatsapp", "905556660002"),
      await conversationWith(w, messenger, "messenger", "7100000006666"),
    ];
    const sent: { conversationId: number; messageId: number; text: string }[] = [];
    for (let n = 1; n <= 3; n++) {
      for (const { conversation, agent } of threads) {
        const text = `c${conversation.id} reply ${n}`;
        sent.push({ conversationId: conversation.id, messageId: (await reply(t.db, agent, conversation.id, text, t.clock.now())).messageId, text });
      }
    }
    const before = live.fake.sent.length;

    // The provider takes each send and pushes its receipts, but the answers never reach the child.
    const release = live.fake.holdAnswers();
    const child = childOutbox(live.fake.url);
    for (let i = 0; i < 500 && live.fake.sent.length < before + 3; i++) await Bun.sleep(20);
    child.kill(9);
    await child.exited;
    release();
    await live.settle();
    const taken = live.fake.sent.slice(before);
    // One send per conversation was under way: the first of each, never a later one.
    expect(taken.map((s) => s.text ?? "").sort()).toEqual(threads.map(({ conversation }) => `c${conversation.id} reply 1`).sort());
    for (const first of sent.slice(0, 3)) {
      const m = await message(first.messageId);
      expect(m.delivery).not.toBe("pending");
      expect(m.delivery).not.toBe("failed");
      expect(m.providerMessageId).toBe(taken.find((s) => s.text === first.text)!.messageId);
    }

    // This process carries on at once, without waiting for the dead one's claims.
    await drainOutbox();
    const all = live.fake.sent.slice(before);
    expect(all.length).toBe(sent.length);
    for (const { conversation } of threads) {
      const order = all.map((s) => s.text ?? "").filter((text) => text.startsWith(`c${conversation.id} `));
      expect(order).toEqual([1, 2, 3].map((n) => `c${conversation.id} reply ${n}`));
    }
    const rows = await t.db.select().from(messages).where(inArray(messages.id, sent.map((s) => s.messageId)));
    for (const row of rows) {
      expect(["sent", "delivered", "read"]).toContain(row.delivery ?? "");
      expect(row.providerMessageId).toBe(all.find((s) => s.text === row.body)!.messageId);
    }
    expect(await t.db.select().from(outbox).where(and(inArray(outbox.messageId, sent.map((s) => s.messageId))))).toSatisfy((o) => o.every((r) => r.doneAt !== null));
    live.fake.receipts.echo = false;
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("kill -9 while the provider holds a request that never proves itself: shown 'may not have been sent', the next reply waits, retry sends once", async () => {
    const w = await t.world();
    const channel = await live.channel(w.orgId, "whatsapp", "420000000009999");
    const { conversation: c, agent } = await conversationWith(w, channel, "whatsapp", "905559990000");
    const { messageId } = await reply(t.db, agent, c.id, "Yanıtımız", t.clock.now());
    const { messageId: next } = await reply(t.db, agent, c.id, "and then this", t.clock.now());

    // A provider that takes the request and never answers nor sends a status: the child is mid-send when killed.
    let received = 0;
    let gotRequest!: () => void;
    const requested = new Promise<void>((r) => (gotRequest = r));
    const hanging = Bun.serve({
      port: 0,
      fetch: async () => {
        received++;
        gotRequest();
        await Bun.sleep(60_000);
        return new Response("late");
      },
    });
    const child = childOutbox(`http://localhost:${hanging.port}`);
    await requested;
    child.kill(9);
    await child.exited;
    hanging.stop(true);
    expect(received).toBe(1);

    // Before the short claim runs out nobody touches it, and the next reply waits behind it.
    const before = live.fake.sent.length;
    expect(await t.app.runtime.outbox.runOnce()).toBe(0);
    t.clock.advance(16_000);
    await t.app.runtime.outbox.runOnce();
    // Then it waits for the provider's proof, still pending, still ahead of the next reply…
    expect((await message(messageId)).delivery).toBe("pending");
    expect(live.fake.sent.length).toBe(before);
    // …and without proof in time it is shown as what it is: perhaps sent, perhaps not.
    t.clock.advance(31_000);
    await drainOutbox();
    const unconfirmed = await message(messageId);
    expect(unconfirmed.delivery).toBe("failed");
    expect(unconfirmed.errorCode).toBe("unconfirmed");
    // The later reply goes out now, once.
    expect(live.fake.sent.slice(before).map((s) => s.text)).toEqual(["and then this"]);
    expect((await message(next)).providerMessageId).toMatch(/^wamid\./);

    // The thread says so and asks before sending again.
    const client = await t.signIn(w.agent.email, w.orgId);
    const page = await (await client.get(`/inbox/${c.id}`)).text();
    expect(page).toContain("May not have been sent");
    expect(page).toContain('data-confirm="The customer may already have this message. Send it again anyway?"');

    // The agent decides: retry sends it once.
    await retryMessage(t.db, agent, c.id, messageId, t.clock.now());
    await drainOutbox();
    expect(live.fake.sent.slice(before).map((s) => s.text)).toEqual(["and then this", "Yanıtımız"]);
    expect((await message(messageId)).providerMessageId).toMatch(/^wamid\./);
  });

  it("a process that dies before claiming leaves the send to the next worker, which sends it once", async () => {
    const w = await t.world();
    const channel = await live.channel(w.orgId, "whatsapp", "420000000008888");
    const { conversation: c, agent } = await conversationWith(w, channel, "whatsapp", "905558880000");
    const { messageId } = await reply(t.db, agent, c.id, "queued before the crash", t.clock.now());
    const before = live.fake.sent.length;
    await Promise.all([t.app.runtime.outbox.runOnce(), t.app.runtime.outbox.runOnce()]);
    expect(live.fake.sent.length).toBe(before + 1);
    expect((await message(messageId)).providerMessageId).toBeTruthy();
  });

  it("a worker whose claim ran out does not send; a late success is still recorded as sent", async () => {
    const w = await t.world();
    const channel = await live.channel(w.orgId, "whatsapp", "420000000007777");
    const { conversation: c, agent } = await conversationWith(w, channel, "whatsapp", "905557770000");
    const { messageId } = await reply(t.db, agent, c.id, "slow batch", t.clock.now());
    // Worker A claimed it, then stalled past its claim; worker B found the claim run out.
    const [claimed] = await t.db.update(outbox).set({ lockedUntil: new Date(t.clock.now().getTime() + 1000), attempts: 1 }).where(eq(outbox.messageId, messageId)).returning();
    t.clock.advance(5_000);
    await t.app.runtime.outbox.runOnce();
    t.clock.advance(31_000);
    await t.app.runtime.outbox.runOnce();
    expect((await message(messageId)).errorCode).toBe("unconfirmed");
    const before = live.fake.sent.length;
    // Worker A wakes up: its claim is gone, so it sends nothing.
    const workerA = t.app.runtime.outbox as unknown as { deliver(row: { id: number; messageId: number; attempts: number; conversationId: number }): Promise<void> };
    await workerA.deliver({ id: claimed.id, messageId, attempts: 1, conversationId: c.id });
    expect(live.fake.sent.length).toBe(before);
    // Had A's send gone through before it noticed, the provider's id would still be recorded as sent.
    const settle = (t.app.runtime.outbox as unknown as { settle(o: number, m: number, r: { outcome: "sent"; providerMessageId: string }): Promise<void> }).settle.bind(t.app.runtime.outbox);
    await settle(claimed.id, messageId, { outcome: "sent", providerMessageId: "wamid.late" });
    const after = await message(messageId);
    expect(after.delivery).toBe("sent");
    expect(after.providerMessageId).toBe("wamid.late");
  });

  for (const kind of ["whatsapp", "messenger"] as const) {
    it(`${kind}: the provider's ${kind === "whatsapp" ? "status" : "echo"} names the send by its outbox tag and proves it while its answer is still missing`, async () => {
      const w = await t.world();
      const channel = await live.channel(w.orgId, kind, kind === "whatsapp" ? "420000000005555" : "620000000005555");
      const { conversation: c, agent } = await conversationWith(w, channel, kind, kind === "whatsapp" ? "905555550000" : "7100000005555");
      live.fake.receipts.echo = true;
      const { messageId } = await reply(t.db, agent, c.id, `proven on ${kind}`, t.clock.now());
      const before = live.fake.sent.length;
      const release = live.fake.holdAnswers();
      const sending = t.app.runtime.outbox.runOnce();
      for (let i = 0; i < 500 && !live.fake.sent.some((s) => s.text === `proven on ${kind}`); i++) await Bun.sleep(10);
      await live.settle();
      const taken = live.fake.sent.find((s) => s.text === `proven on ${kind}`)!;
      expect(taken.body.biz_opaque_callback_data ?? taken.body.message?.metadata).toMatch(/^kanal:\d+:\d+$/);
      const proven = await message(messageId);
      expect(["sent", "delivered", "read"]).toContain(proven.delivery ?? "");
      expect(proven.providerMessageId).toBe(taken.messageId);
      release();
      await sending;
      expect((await message(messageId)).providerMessageId).toBe(taken.messageId);
      expect(live.fake.sent.slice(before).map((s) => s.text)).toEqual([`proven on ${kind}`]);
      live.fake.receipts.echo = false;
    });
  }
});
