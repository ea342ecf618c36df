// The Billing widget in a browser: an agent sends a ₺250,00 payment link in a conversation, the
// (fake) provider reports it paid, and the widget shows the payment and the new balance live.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { startFakePay, type FakePay } from "../../fakes/pay/server";
import { demoPayAccounts } from "../../fakes/pay/demo";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();
let fake: FakePay | undefined;

beforeAll(async () => {
  if (!e2eEnabled) return;
  fake = await startFakePay({ port: 0, ...demoPayAccounts(e2e.base) });
});
afterAll(async () => {
  await fake?.stop();
});

describe.skipIf(!e2eEnabled)("the Billing widget", () => {
  it("an agent sends a ₺250,00 link; the provider reports it paid; the widget shows it without a reload", async () => {
    // The demo's provider points at the fake's usual port: the admin points it at this run's fake.
    const admin = await e2e.signedIn("admin@demo.test");
    await admin.goto(`${e2e.base}/admin/payments`);
    await admin.fill("#f-baseUrl", fake!.stripeUrl);
    await admin.click("button.primary");
    await admin.waitForURL(/\/admin\/payments/);
    expect(await admin.locator(".alert.ok").textContent()).toContain("Saved");
    await admin.setViewportSize({ width: 1440, height: 900 });
    await e2e.shot(admin, "60-admin-payments");
    await admin.context().close();

    const page = await e2e.signedIn("agent1@demo.test");
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.click('.language-switch button[value="tr"]');
    await page.goto(`${e2e.base}/inbox?tab=assigned`);
    await page.click('#conversation-rows a:has-text("Mehmet Öz")');
    await page.locator("#widget-billing").waitFor();
    expect(await page.locator("#billing-balances").textContent()).toContain("825,00 ₺");
    await page.click('#widget-billing summary:has-text("Yeni ödeme bağlantısı")');
    await page.fill("#bl-amount", "250,00");
    await page.selectOption("#bl-currency", "TRY");
    await page.fill("#bl-description", "Sipariş KN-10422");
    await page.click('#billing-link-form button[type="submit"]');
    await page.locator("#billing-links .badge.pending").waitFor();
    const url = await page.locator("#billing-links input[readonly]").first().inputValue();
    expect(url).toContain(fake!.url);
    await page.locator(`#messages .message.out:has-text("${url}")`).waitFor();
    // The customer reads it in the organization's language (English for the demo company), whatever the agent's.
    expect(await page.locator("#messages .message.out").last().textContent()).toContain("₺250.00");
    await e2e.shot(page, "61-billing-link-sent-tr-1440");

    const id = url.split("/").pop()!;
    const { deliveries } = await fake!.pay(id);
    expect(deliveries[0].status).toBe(200);
    await page.locator("#billing-links .badge.paid").waitFor();
    await page.locator('#billing-balances:has-text("575,00 ₺")').waitFor();
    await page.locator('#billing-entries .entry.payment:has-text("-250,00 ₺")').waitFor();
    await page.locator('#messages .message.event:has-text("ödeme bağlantısı")').waitFor();
    await e2e.shot(page, "62-billing-paid-tr-1440");
    await page.setViewportSize({ width: 390, height: 844 });
    // Below 900 px the session widgets open behind the thread's "Details" link.
    await page.click(".widgets-link");
    await page.locator("#widget-billing").scrollIntoViewIfNeeded();
    await e2e.shot(page, "63-billing-paid-tr-390");
    await page.click(".widgets-back");

    // Wide again, where the widgets sit beside the thread.
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.click('.language-switch button[value="en"]');
    await page.waitForURL(/\/inbox\/\d+/);
    await page.locator('#billing-balances:has-text("₺575.00")').waitFor({ timeout: 10_000 });
    await e2e.shot(page, "64-billing-paid-en-1440");
    await page.setViewportSize({ width: 390, height: 844 });
    // Below 900 px the session widgets open behind the thread's "Details" link.
    await page.click(".widgets-link");
    await page.locator("#widget-billing").scrollIntoViewIfNeeded();
    await e2e.shot(page, "65-billing-paid-en-390");
  });
});
