// Kanal listening on a real port with the fake Graph API beside it: the fake pushes signed
// webhooks to Kanal, Kanal's adapters call the fake. Channels are registered on both sides.
import { afterAll, afterEach, beforeAll } from "bun:test";
import type { ChannelKind } from "@db/schema";
import { startFakeMeta, type FakeMeta } from "../../../fakes/meta/server";
import type { TestApp } from "../../support/app";
import { addChannel, SECRETS } from "../../support/channels";

export interface Live {
  fake: FakeMeta;
  kanalUrl: string;
  /** Waits until Kanal processed what was pushed and the fake pushed its receipts. */
  settle(): Promise<void>;
  channel(orgId: number, kind: Extract<ChannelKind, "whatsapp" | "messenger" | "instagram">, id: string): Promise<Awaited<ReturnType<typeof addChannel>>>;
}

export function useLiveChannels(t: TestApp): Live {
  const live = {} as Live;
  let server: ReturnType<typeof Bun.serve>;
  beforeAll(async () => {
    server = Bun.serve({ port: 0, fetch: (req, srv) => t.app.fetch(req, { server: srv }) });
    const fake = await startFakeMeta({ port: 0, clock: t.clock, receipts: { delayMs: 0 } });
    // The adapters read the Graph URL from the configuration on first use.
    t.config.META_GRAPH_URL = fake.url;
    Object.assign(live, {
      fake,
      kanalUrl: `http://localhost:${server.port}`,
      async settle() {
        for (let i = 0; i < 3; i++) {
          await fake.drain();
          await t.app.runtime.background.idle();
        }
      },
      async channel(orgId: number, kind: "whatsapp" | "messenger" | "instagram", id: string) {
        const config = kind === "whatsapp" ? { phoneNumberId: id, wabaId: "310000000000001" } : kind === "messenger" ? { pageId: id } : { accountId: id };
        const row = await addChannel(t.db, t.config, orgId, kind, config);
        fake.register({ kind, id, ...SECRETS, wabaId: kind === "whatsapp" ? "310000000000001" : undefined, displayPhoneNumber: "15550001111", name: row.webhookKey, webhookUrl: `${live.kanalUrl}/webhooks/${row.webhookKey}` });
        return row;
      },
    } satisfies Live);
  });
  // Receipts pushed after a test's last send must land before the database closes.
  afterEach(() => live.settle());
  afterAll(async () => {
    await live.fake?.drain();
    server?.stop(true);
    await live.fake?.stop();
  });
  return live;
}
