// Killing a Kanal process in the middle of a send loses nothing and sends nothing twice: the message
// stays in the thread, is shown as interrupted with a retry, and goes out again only when asked.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { conversations, messages, outbox } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { joinConversation } from "../../src/inbox/joining";
import { reply, retryMessage } from "../../src/inbox/replies";
import { useTestApp } from "../support/app";
import { useLiveChannels } from "./support/live-channels";

const t = useTestApp();
const live = useLiveChannels(t);

describe("a crash during a send", () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)("kill -9 while the provider holds the request: nothing lost, nothing sent twice", async () => {
    const w = await t.world();
    const channel = await live.channel(w.orgId, "whatsapp", "420000000009999");
    await live.fake.pushWhatsAppText({ channel: channel.webhookKey, from: "905559990000", name: "Crash", text: "hello" });
    await live.settle();
    const [c] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
    await joinConversation(t.db, agent, c.id, t.clock.now());
    const { messageId } = await reply(t.db, agent, c.id, "Yanıtımız", t.clock.now());

    // A provider that takes the request and never answers: the child is mid-send when killed.
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
    const child = Bun.spawn(["bun", "test/channels/support/outbox-child.ts"], {
      env: { ...process.env, CHILD_DATABASE_URL: t.databaseUrl!, CHILD_SECRETS_KEY: t.config.SECRETS_KEY!, CHILD_GRAPH_URL: `http://localhost:${hanging.port}`, CHILD_NOW: t.clock.now().toISOString() },
      stdout: "pipe",
      stderr: "pipe",
    });
    await requested;
    child.kill(9);
    await child.exited;
    hanging.stop(true);
    expect(received).toBe(1);

    // The message is still there, pending, its claim held by the dead process.
    const [held] = await t.db.select().from(outbox).where(eq(outbox.messageId, messageId));
    expect(held.lockedUntil).not.toBeNull();
    expect((await t.db.select().from(messages).where(eq(messages.id, messageId)))[0].delivery).toBe("pending");
    // Before the claim expires nobody else touches it…
    expect(await t.app.runtime.outbox.runOnce()).toBe(0);
    // …after it, it is shown interrupted (the provider may have it) instead of being sent again.
    t.clock.advance(5 * 60_000);
    await t.app.runtime.outbox.runOnce();
    const interrupted = (await t.db.select().from(messages).where(eq(messages.id, messageId)))[0];
    expect(interrupted.delivery).toBe("failed");
    expect(interrupted.errorCode).toBe("interrupted");
    expect(live.fake.sent.length).toBe(0);
    await t.app.runtime.outbox.runOnce();
    expect(live.fake.sent.length).toBe(0);

    // The agent decides: retry sends it once.
    await retryMessage(t.db, agent, c.id, messageId, t.clock.now());
    await t.app.runtime.outbox.runOnce();
    await t.app.runtime.outbox.runOnce();
    expect(live.fake.sent.length).toBe(1);
    expect((await t.db.select().from(messages).where(eq(messages.id, messageId)))[0].providerMessageId).toMatch(/^wamid\./);
  });

  it("a process that dies before claiming leaves the send to the next worker, which sends it once", async () => {
    const w = await t.world();
    const channel = await live.channel(w.orgId, "whatsapp", "420000000008888");
    await live.fake.pushWhatsAppText({ channel: channel.webhookKey, from: "905558880000", name: "Early", text: "hi" });
    await live.settle();
    const [c] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
    await joinConversation(t.db, agent, c.id, t.clock.now());
    const { messageId } = await reply(t.db, agent, c.id, "queued before the crash", t.clock.now());
    const before = live.fake.sent.length;
    await Promise.all([t.app.runtime.outbox.runOnce(), t.app.runtime.outbox.runOnce()]);
    expect(live.fake.sent.length).toBe(before + 1);
    expect((await t.db.select().from(messages).where(eq(messages.id, messageId)))[0].providerMessageId).toBeTruthy();
  });

  it("a worker whose claim ran out (and was recovered elsewhere) does not send; a late success is recorded", async () => {
    const w = await t.world();
    const channel = await live.channel(w.orgId, "whatsapp", "420000000007777");
    await live.fake.pushWhatsAppText({ channel: channel.webhookKey, from: "905557770000", name: "Slow", text: "hi" });
    await live.settle();
    const [c] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
    await joinConversation(t.db, agent, c.id, t.clock.now());
    const { messageId } = await reply(t.db, agent, c.id, "slow batch", t.clock.now());
    // Worker A claimed it, then stalled past its claim; worker B recovered it as interrupted.
    const [claimed] = await t.db.update(outbox).set({ lockedUntil: new Date(t.clock.now().getTime() + 1000), attempts: 1 }).where(eq(outbox.messageId, messageId)).returning();
    t.clock.advance(5_000);
    await t.app.runtime.outbox.runOnce();
    expect((await t.db.select().from(messages).where(eq(messages.id, messageId)))[0].errorCode).toBe("interrupted");
    const before = live.fake.sent.length;
    // Worker A wakes up: its claim is gone, so it sends nothing.
    const workerA = t.app.runtime.outbox as unknown as { deliver(row: { id: number; messageId: number; attempts: number }): Promise<void> };
    await workerA.deliver({ id: claimed.id, messageId, attempts: 1 });
    expect(live.fake.sent.length).toBe(before);
    // Had A's send gone through before it noticed, the provider's id would still be recorded as sent.
    const settle = (t.app.runtime.outbox as unknown as { settle(o: number, m: number, r: { outcome: "sent"; providerMessageId: string }): Promise<void> }).settle.bind(t.app.runtime.outbox);
    await settle(claimed.id, messageId, { outcome: "sent", providerMessageId: "wamid.late" });
    const after = (await t.db.select().from(messages).where(eq(messages.id, messageId)))[0];
    expect(after.delivery).toBe("sent");
    expect(after.providerMessageId).toBe("wamid.late");
  });
});
