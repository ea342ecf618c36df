// A live stream lasts only as long as its listener's standing: signing out, being deactivated or
// removed from the organization ends it within seconds, and nothing is delivered after.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { channels, memberships } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { commit } from "../../src/realtime/changes";
import { SWEEP_MS } from "../../src/realtime/standing";
import { useTestApp, type Client } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

/** Reads the stream until it ends or `ms` pass: whether it ended, and everything it carried. */
async function readToEnd(res: Response, ms: number): Promise<{ ended: boolean; text: string }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  try {
    while (Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)]);
      if (!chunk) return { ended: false, text };
      if (chunk.done) return { ended: true, text };
      text += decoder.decode(chunk.value, { stream: true });
    }
    return { ended: false, text };
  } finally {
    await reader.cancel().catch(() => {});
  }
}

let seq = 0;
async function openInbox(): Promise<{ w: World; agent: Client; stream: Response; customerWrites: () => Promise<void> }> {
  const w = await t.world();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const agent = await t.signIn(w.agent.email, w.orgId);
  const stream = await agent.get("/events?view=inbox&tab=open");
  expect(stream.status).toBe(200);
  const n = ++seq;
  const customerWrites = async () => {
    await commit(t.database, w.orgId, (db) => ingestInbound(db, { orgId: w.orgId, channelId: channel.id, externalId: `90555444${n}`, contactName: `After Leaving ${n}`, body: "still there?", providerMessageId: `wamid.after.${n}`, at: t.clock.now() }));
  };
  return { w, agent, stream, customerWrites };
}

const WITHIN = SWEEP_MS * 2 + 1_000;

describe("a live stream ends with its listener's standing", () => {
  it("signing out ends the stream within seconds, and nothing committed after reaches it", async () => {
    const { agent, stream, customerWrites } = await openInbox();
    expect((await agent.post("/logout")).status).toBe(303);
    await customerWrites();
    const read = await readToEnd(stream, WITHIN);
    expect(read.ended).toBe(true);
    expect(read.text).not.toContain("After Leaving");
  });

  it("deactivation by an admin ends the member's stream", async () => {
    const { w, stream } = await openInbox();
    const admin = await t.signIn(w.admin.email, w.orgId);
    expect((await admin.post(`/admin/users/${w.agent.id}/deactivate`)).status).toBe(303);
    expect((await readToEnd(stream, WITHIN)).ended).toBe(true);
  });

  it("removal from the organization ends the member's stream", async () => {
    const { w, stream } = await openInbox();
    await t.db.delete(memberships).where(and(eq(memberships.orgId, w.orgId), eq(memberships.userId, w.agent.id)));
    expect((await readToEnd(stream, WITHIN)).ended).toBe(true);
  });

  it("a member still signed in keeps their stream and its events", async () => {
    const { stream, customerWrites } = await openInbox();
    await customerWrites();
    const read = await readToEnd(stream, WITHIN);
    expect(read.ended).toBe(false);
    expect(read.text).toContain("After Leaving");
  });
});
