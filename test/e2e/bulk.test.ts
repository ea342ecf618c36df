// Bulk messages in the browser: a supervisor sends the shipping template to the demo's 30
// Newsletter customers and watches the progress bar fill live; one customer replies and the
// conversation shows in the inbox with the Bulk type, its header naming the bulk send.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { demoChannels } from "../../fakes/meta/demo";
import { startFakeMeta, type FakeMeta } from "../../fakes/meta/server";
import { e2eEnabled, useBrowser } from "./support";

let fake: FakeMeta;
// Before the app starts (useBrowser's own beforeAll), so that it sends to this fake Graph API.
beforeAll(async () => {
  if (!e2eEnabled) return;
  fake = await startFakeMeta({ port: 0, receipts: { delayMs: 30 } });
  process.env.META_GRAPH_URL = fake.url;
});
afterAll(async () => {
  delete process.env.META_GRAPH_URL;
  await fake?.stop();
});
const e2e = useBrowser();

describe.skipIf(!e2eEnabled)("bulk messages in the browser", () => {
  it("a supervisor sends a template to a 30-contact tag and watches it fill live; a reply opens a Bulk conversation", async () => {
    fake.register(demoChannels(e2e.base)[0]);
    const page = await e2e.signedIn("supervisor@demo.test");
    await page.click('nav a:has-text("Bulk messages")');
    await page.waitForSelector("text=Kargo bildirimi");
    await e2e.shot(page, "50-bulk-list");
    await page.click("text=New bulk send");
    await page.fill("#f-name", "Haziran kargo");
    await page.check('label:has-text("Newsletter") input');
    await page.selectOption("#f-template", { label: "order_update (tr) — Merhaba {{1}}, {{2}} numaralı siparişiniz kargoya verildi." });
    await page.selectOption("#f-p1", "contact.name");
    await page.selectOption("#f-p2", "field.order_number");
    await page.fill("#f-pace", "10");
    await page.locator("#f-pace").dispatchEvent("change");
    await page.waitForSelector('#bulk-count:has-text("30")');
    await page.waitForSelector(".bulk-preview >> text=siparişiniz kargoya verildi");
    await e2e.shot(page, "51-bulk-new");
    await page.click('button:has-text("Create bulk send")');
    await page.waitForURL(/\/bulk\/\d+$/);
    const url = page.url();
    // The figures move without a reload: some sent while others still wait, then all.
    await page.waitForFunction(() => {
      const sent = Number(document.querySelector('[data-figure="sent"]')?.textContent ?? 0);
      return sent > 0 && sent < 29;
    });
    await e2e.shot(page, "52-bulk-progress");
    expect(page.url()).toBe(url);
    await page.waitForFunction(() => document.querySelector('[data-figure="read"]')?.textContent === "29", undefined, { timeout: 20_000 });
    expect(await page.locator('[data-figure="skipped"]').innerText()).toBe("1");
    await page.waitForSelector("#bulk-progress >> text=Finished");
    await e2e.shot(page, "53-bulk-done");
    expect(new Set(fake.sent.map((s) => s.to)).size).toBe(29);

    // Leyla answers; her conversation opens with the Bulk type and names the send.
    await fake.pushWhatsAppText({ channel: "demo-whatsapp", from: "905327000012", name: "Leyla Demir", text: "Teşekkürler, ne zaman gelir?" });
    await page.waitForFunction(() => document.querySelector('[data-figure="replied"]')?.textContent === "1");
    await page.goto(`${e2e.base}/inbox?tab=all&type=bulk&f=1`);
    await page.click('.conversation a:has-text("Leyla Demir")');
    await page.waitForSelector("#thread-head >> text=Bulk: Haziran kargo");
    await page.waitForSelector("text=Teşekkürler, ne zaman gelir?");
    await e2e.shot(page, "54-bulk-reply");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url);
    await e2e.shot(page, "55-bulk-phone");
    await page.context().close();
  }, 90_000);
});
