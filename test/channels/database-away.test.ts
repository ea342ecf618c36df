// Webhooks while the database is away: answered 503 (Meta sends them again), never a crash. A
// rejection nobody handles would end the Bun process, so any raised here fails the test.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { openPostgres, type Database } from "@db/client";
import { createApp } from "../../src/app";
import { useTestApp } from "../support/app";
import { addChannel, metaJson, signedPost, waText, whatsappPayload } from "../support/channels";

const t = useTestApp();
const PHONE_ID = "420000000005555";
const unhandled: unknown[] = [];
const record = (reason: unknown) => unhandled.push(reason);
let away: Database;

beforeAll(async () => {
  process.on("unhandledRejection", record);
  // A server nothing listens on: every query is refused at once, as while Postgres restarts.
  away = await openPostgres("postgres://postgres@127.0.0.1:9/kanal", { migrate: false });
});
afterAll(async () => {
  process.off("unhandledRejection", record);
  await away.close();
});

describe("the database away during webhooks", () => {
  it("a webhook stored but not processable leaves no unhandled rejection; its processing is retried later", async () => {
    const w = await t.world();
    const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId: PHONE_ID, wabaId: "310000000000001" });
    // Stored on the intake connections, processed on the pool, which is gone.
    const app = createApp({ ...t.deps, database: { ...t.database, db: away.db } });
    const posts = Array.from({ length: 4 }, (_, n) => {
      const m = waText("905555550001", "Sıra", `in order ${n}`);
      return app.request(`/webhooks/${channel.webhookKey}`, signedPost(metaJson(whatsappPayload(PHONE_ID, { contacts: [m.contact], messages: [m.message] }))));
    });
    expect((await Promise.all(posts)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await app.runtime.background.idle();
    await Bun.sleep(50);
    expect(unhandled).toEqual([]);
  });

  it("a webhook that cannot be stored is answered 503, so Meta sends it again", async () => {
    const w = await t.world();
    const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId: PHONE_ID, wabaId: "310000000000001" });
    const app = createApp({ ...t.deps, database: { ...t.database, db: away.db, intake: away.db } });
    const m = waText("905555550002", "Sıra", "nowhere to go");
    const res = await app.request(`/webhooks/${channel.webhookKey}`, signedPost(metaJson(whatsappPayload(PHONE_ID, { contacts: [m.contact], messages: [m.message] }))));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    await app.runtime.background.idle();
    await Bun.sleep(50);
    expect(unhandled).toEqual([]);
  });
});
