// A table locked for long (a migration, a stuck transaction): pages answer a clear 503 within their
// lock timeout instead of hanging, /healthz answers on its own connection at once, and webhooks are
// still acknowledged (stored on their own connections) up to WEBHOOK_BACKLOG, then processed.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { messages } from "@db/schema";
import { timeoutsFor } from "@db/client";
import { processDueDeliveries } from "../../src/channels/inbound";
import { useTestApp } from "../support/app";
import { addChannel, metaJson, signedPost, waText, whatsappPayload } from "../support/channels";

const t = useTestApp({ WEBHOOK_BACKLOG: "20" });
const PHONE_ID = "420000000007777";

/** Holds `table` locked against everything, reads included, until `release` is called. */
async function lockTable(url: string, table: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const taken = new Promise<void>((r) => (locked = r));
  const holding = sql.begin(async (tx) => {
    await tx.unsafe(`lock table ${table} in access exclusive mode`);
    locked();
    await released;
  });
  await taken;
  return async () => {
    release();
    await holding;
    await sql.end();
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const began = performance.now();
  const value = await work();
  return { value, ms: performance.now() - began };
}

describe("a table locked for long", () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)("pages answer 503 within their timeout, /healthz at once, webhooks are acknowledged", async () => {
    const w = await t.world();
    const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId: PHONE_ID, wabaId: "310000000000001" });
    const agent = await t.signIn(w.agent.email, w.orgId);
    const unlock = await lockTable(t.databaseUrl!, "conversations");
    try {
      const page = await timed(() => agent.html("/inbox"));
      expect(page.value.status).toBe(503);
      expect(page.value.text).toContain("The database is slow, retrying");
      expect(page.ms).toBeLessThan(timeoutsFor.pages.lockMs + 2_000);

      const health = await timed(() => t.client().get("/healthz"));
      expect(health.value.status).toBe(200);
      expect(health.ms).toBeLessThan(1_000);

      const sent = Array.from({ length: 10 }, (_, n) => waText(`90555777${String(n).padStart(4, "0")}`, "Kilitli", `locked ${n}`));
      const acks = await Promise.all(
        sent.map((m) => timed(async () => t.app.request(`/webhooks/${channel.webhookKey}`, signedPost(metaJson(whatsappPayload(PHONE_ID, { contacts: [m.contact], messages: [m.message] })))))),
      );
      expect(acks.map((a) => a.value.status)).toEqual(sent.map(() => 200));
      expect(Math.max(...acks.map((a) => a.ms))).toBeLessThan(1_500);
    } finally {
      await unlock();
    }
    // Their processing ran into the lock; the retry job applies them once it is gone.
    await t.app.runtime.background.idle();
    t.clock.advance(10 * 60_000);
    await processDueDeliveries(t.deps);
    const stored = await t.db.select().from(messages).where(eq(messages.channelId, channel.id));
    expect(stored.length).toBe(10);
  });
});
