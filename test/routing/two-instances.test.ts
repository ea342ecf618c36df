// Two app instances on one Postgres routing 500 concurrent first messages: no conversation is
// assigned twice and no agent goes over capacity (Postgres only: PGlite has one connection).
import { describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { openPostgres, rows } from "@db/client";
import { channels, conversations } from "@db/schema";
import { createApp } from "../../src/app";
import { useTestApp } from "../support/app";
import { addChannel, metaJson, signedPost, waText, whatsappPayload } from "../support/channels";
import { team } from "./support";

const t = useTestApp();
const FIRST_MESSAGES = 500;
const AGENTS = 10;
const CAPACITY = 30;

describe.skipIf(!process.env.TEST_DATABASE_URL)("routing in two processes at once", () => {
  it("500 concurrent first messages through two app instances: each conversation assigned at most once, nobody over capacity", async () => {
    const w = await t.world();
    const { groupId, agents } = await team(t.db, w, AGENTS, { routing: "least_busy", capacity: CAPACITY });
    const phoneId = "420000000077001";
    const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId: phoneId, wabaId: "310000000000001" });
    await t.db.update(channels).set({ workgroupId: groupId }).where(eq(channels.id, channel.id));
    const other = await openPostgres(t.databaseUrl!, { migrate: false });
    try {
      const second = createApp({ ...t.deps, database: other });
      const apps = [t.app, second];
      const posts = Array.from({ length: FIRST_MESSAGES }, (_, i) => {
        const m = waText(`90556${String(i).padStart(7, "0")}`, `Müşteri ${i}`, "Merhaba");
        const body = metaJson(whatsappPayload(phoneId, { contacts: [m.contact], messages: [m.message] }));
        return apps[i % 2].request(`/webhooks/${channel.webhookKey}`, signedPost(body));
      });
      expect((await Promise.all(posts)).map((r) => r.status)).toEqual(Array(FIRST_MESSAGES).fill(200));
      await Promise.all(apps.map((a) => a.runtime.background.idle()));
      await Promise.all(apps.map((a) => a.runtime.background.idle()));

      const routedTwice = await rows<{ id: number }>(
        t.db,
        sql`select conversation_id as id from events where org_id = ${w.orgId} and type = 'assigned' and data->>'by' = 'routing'
          group by conversation_id having count(*) > 1`,
      );
      expect(routedTwice).toEqual([]);
      const load = await t.db
        .select({ assigneeId: conversations.assigneeId, n: sql<number>`count(*)::int` })
        .from(conversations)
        .where(eq(conversations.channelId, channel.id))
        .groupBy(conversations.assigneeId);
      const of = (id: string | null) => load.find((r) => r.assigneeId === id)?.n ?? 0;
      expect(agents.map(of)).toEqual(Array(AGENTS).fill(CAPACITY));
      // Every place taken, the rest waiting in the group.
      expect(of(null)).toBe(FIRST_MESSAGES - AGENTS * CAPACITY);
    } finally {
      await other.close();
    }
  }, 240_000);
});
