// Issue 18, items 5–9 in the browser (demo data): an ad conversation shows where the customer came
// from and the inbox filters by it; an Instagram thread shows an edit, an unsent message (its text
// for supervisors only, on request) and a file marked unavailable with a retry; the Messenger
// channel's admin page counts what its webhooks carried that Kanal did not handle. 1440, 768 and
// 390 px, English and Turkish.
import { describe, expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

async function openThread(page: Page, name: string) {
  await page.goto(`${e2e.base}/inbox?tab=all`);
  await page.click(`.conversation a:has-text("${name}")`);
  await page.waitForSelector("#thread-head");
}

describe.skipIf(!e2eEnabled)("real-world channel shapes in the browser", () => {
  it("the ad card, the edited, unsent and unavailable messages, and the ad filter", async () => {
    const page = await e2e.signedIn("supervisor@demo.test");
    for (const locale of ["en", "tr"]) {
      for (const [width, height] of [[1440, 900], [768, 1024], [390, 844]] as const) {
        await page.setViewportSize({ width, height });
        await openThread(page, "Deniz Arslan");
        await page.waitForSelector(".referral-card >> text=Kışa özel %30 indirim");
        await e2e.shot(page, `70-referral-${width}-${locale}`);
        await openThread(page, "Zeynep Koç");
        await page.waitForSelector(".message .deleted");
        await page.waitForSelector(".message .media-state button");
        await e2e.shot(page, `71-edits-${width}-${locale}`);
      }
      if (locale === "en") {
        expect(await page.locator(".message .deleted").innerText()).toContain("The customer deleted this message.");
        expect(await page.locator(".message .deleted-audit s").isVisible()).toBe(false);
        await page.click(".message .deleted-audit summary");
        expect(await page.locator(".message .deleted-audit s").innerText()).toContain("4111");
        await page.goto(`${e2e.base}/inbox?tab=all&ad=1`);
        expect(await page.locator('.conversation a:has-text("Deniz Arslan")').count()).toBe(1);
        expect(await page.locator('.conversation a:has-text("Zeynep Koç")').count()).toBe(0);
        await page.click('.language-switch button[value="tr"]');
        await page.waitForSelector("html[lang=tr]");
      }
    }
    await page.context().close();

    // An agent sees that a message was deleted, never its text.
    const agent = await e2e.signedIn("agent1@demo.test");
    await openThread(agent, "Zeynep Koç");
    expect(await agent.locator(".message .deleted-audit").count()).toBe(0);
    expect(await agent.locator("#thread").innerText()).not.toContain("4111");
    await agent.context().close();
  });

  it("the channel's admin page counts unhandled webhook items", async () => {
    const page = await e2e.signedIn("admin@demo.test");
    for (const [width, height] of [[1440, 900], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.goto(`${e2e.base}/admin/channels`);
      const href = await page.locator('a[href^="/admin/channels/"]:has-text("Messenger (demo)")').first().getAttribute("href");
      await page.goto(`${e2e.base}${href}`);
      await page.waitForSelector("#unhandled-webhooks >> text=event:optin");
      await page.locator("#unhandled-webhooks").scrollIntoViewIfNeeded();
      await e2e.shot(page, `72-unhandled-${width}`);
    }
    await page.context().close();
  });
});
