// Payment providers' notifications: verified against the exact bytes received before anything is
// read or stored; a refused call changes nothing. Mounted ahead of sessions and CSRF.
import { Hono } from "hono";
import type { AppEnv } from "../context";
import { commit } from "../realtime/changes";
import { applyNotice } from "./links";
import { adapterFor, providerByWebhookKey } from "./providers";

export function paymentWebhookRoutes() {
  const app = new Hono<AppEnv>();
  app.post("/:key{[A-Za-z0-9_-]{8,80}}", async (c) => {
    const { database, config, clock, log } = c.get("deps");
    const provider = await providerByWebhookKey(database.db, c.req.param("key"));
    if (!provider) return c.json({ error: { code: "not_found", message: "Unknown webhook" } }, 404);
    const raw = await c.req.text();
    const adapter = adapterFor(provider, config);
    if (!adapter.verifyNotification(c.req.raw.headers, raw, clock.now())) {
      log.warn("payment notification refused: bad signature", { providerId: provider.id });
      return c.json({ error: { code: "bad_signature", message: "Signature missing, wrong or too old" } }, 400);
    }
    let notice;
    try {
      notice = adapter.parseNotification(raw);
    } catch {
      return c.json({ error: { code: "unreadable", message: "Signed, but not a notification Kanal can read" } }, 400);
    }
    // iyzico's notifications carry no timestamp: a payment counts once iyzico itself confirms it.
    if (notice.type === "paid" && adapter.confirmPaid && !(await adapter.confirmPaid(notice).catch(() => false))) {
      return c.json({ error: { code: "not_confirmed", message: "The provider does not confirm this payment yet" } }, 409);
    }
    const { outcome } = await commit(database, provider.orgId, (db) => applyNotice(db, provider, notice, raw, clock.now()));
    return c.json({ received: true, outcome });
  });
  return app;
}
