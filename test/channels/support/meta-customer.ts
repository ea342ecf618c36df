// A channel of each Meta kind with one customer, and signed webhook posts to it, for tests that
// send the same case as WhatsApp, Messenger and Instagram write it.
import { expect } from "bun:test";
import type { TestApp } from "../../support/app";
import { addChannel, metaJson, signedPost, wamid } from "../../support/channels";

export type MetaKind = "whatsapp" | "messenger" | "instagram";

let seq = 0;

export async function metaCustomer(t: TestApp, kind: MetaKind, prefix: string) {
  const w = await t.world();
  const own = `${prefix}00000${String(++seq).padStart(8, "0")}`;
  const config = kind === "whatsapp" ? { phoneNumberId: own, wabaId: "310000000000001" } : kind === "messenger" ? { pageId: own } : { accountId: own };
  const channel = await addChannel(t.db, t.config, w.orgId, kind, config);
  const customer = kind === "whatsapp" ? `905${prefix}${String(seq).padStart(7, "0")}` : `7${prefix}00000${String(seq).padStart(9, "0")}`;
  /** A signed POST of `body` to the channel's webhook, processed before it returns. */
  const post = async (body: unknown) => {
    const res = await t.app.request(`/webhooks/${channel.webhookKey}`, signedPost(metaJson(body)));
    expect(res.status).toBe(200);
    await t.app.runtime.background.idle();
  };
  /** A Messenger/Instagram body with these messaging events, in one entry. */
  const messaging = (items: unknown[]) => ({ object: kind === "messenger" ? "page" : "instagram", entry: [{ id: own, time: Date.now(), messaging: items }] });
  const newId = () => (kind === "whatsapp" ? wamid() : `m_${crypto.randomUUID().replaceAll("-", "")}`);
  return { w, channel, own, customer, post, messaging, newId };
}
