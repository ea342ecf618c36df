import { describe, expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { join } from "node:path";
import { artifacts, e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

/** The same page at the three widths agents use, in English and Turkish. */
async function shots(page: Page, path: string, name: string) {
  for (const locale of ["en", "tr"]) {
    await page.context().addCookies([{ name: "kanal_lang", value: locale, url: e2e.base }]);
    for (const [width, height] of [[1440, 900], [768, 1024], [390, 844]]) {
      await page.setViewportSize({ width, height });
      await page.goto(e2e.base + path);
      await page.screenshot({ path: join(artifacts, `${name}-${width}-${locale}.png`), fullPage: true });
    }
  }
  await page.context().addCookies([{ name: "kanal_lang", value: "en", url: e2e.base }]);
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe.skipIf(!e2eEnabled)("new conversation in the browser", () => {
  it("an agent writes first to a new phone number with a template; it opens assigned to them and shows in another agent's list live", async () => {
    const okan = await e2e.signedIn("agent1@demo.test");
    const ipek = await e2e.signedIn("agent2@demo.test");
    await ipek.goto(`${e2e.base}/inbox?tab=assigned`);
    await ipek.waitForSelector("#conversation-rows");

    await okan.goto(`${e2e.base}/inbox`);
    await okan.click("a.new-conversation-link");
    await okan.waitForURL(/\/inbox\/new/);
    // A number without its country code is refused, with how to write it.
    await okan.fill("#f-phone", "0532 999");
    await okan.selectOption("#f-channelId", { label: "WhatsApp (demo) (WhatsApp)" });
    await okan.click('button:has-text("Continue")');
    await okan.waitForSelector("text=international form");

    await okan.fill("#f-phone", "+90 532 999 88 77");
    await okan.fill("#f-name", "Yeni Müşteri");
    await okan.click('button:has-text("Continue")');
    await okan.waitForSelector("text=the first message must be an approved template");
    await okan.selectOption("#f-template", "order_update|en");
    await okan.click('button:has-text("Use this template")');
    await okan.waitForSelector("text=Hello {{1}}, your order {{2}} has shipped.");
    // The template step, as it looks with its variables filled, at every width and in both languages.
    const path = `${new URL(okan.url()).pathname}${new URL(okan.url()).search}&param=Yeni`;
    await shots(okan, path, "70-new-conversation-template");
    await okan.goto(e2e.base + path);
    const params = okan.locator('input[name="param"]');
    expect(await params.nth(0).inputValue()).toBe("Yeni");
    await params.nth(1).fill("A-7");
    await okan.click('button:has-text("Start conversation")');
    await okan.waitForURL(/\/inbox\/\d+\?tab=assigned/);
    await okan.waitForSelector("#messages >> text=Hello Yeni, your order A-7 has shipped.");
    await okan.waitForSelector("#thread-head >> text=Yeni Müşteri");

    // İpek sees it arrive in the Assigned tab without reloading.
    await ipek.waitForSelector('.conversation:has-text("Yeni Müşteri")');
    expect(await ipek.locator('.conversation:has-text("Yeni Müşteri")').count()).toBe(1);

    await shots(okan, "/inbox/new?q=Ana", "71-new-conversation-search");
    await shots(okan, "/inbox", "77-inbox-new-conversation-entry");
    for (const page of [okan, ipek]) await page.context().close();
  }, 180_000);

  it("contacts pages: create, edit, merge and delete screens at every width", async () => {
    const admin = await e2e.signedIn("admin@demo.test");
    await admin.goto(`${e2e.base}/contacts`);
    await admin.click('a:has-text("New contact")');
    await admin.fill("#f-name", "Privacy Request");
    await admin.fill("#f-phone", "+44 20 7946 0000");
    await admin.click('button:has-text("Create contact")');
    await admin.waitForSelector("text=Contact created.");
    const id = admin.url().match(/\/contacts\/(\d+)/)![1];
    await shots(admin, `/contacts/${id}`, "72-contact-page");
    await shots(admin, `/contacts/${id}/edit`, "73-contact-edit");
    await shots(admin, `/contacts/${id}/merge?q=Ana`, "74-contact-merge-search");
    const other = await admin.locator(".contact-matches a").first().getAttribute("href");
    await shots(admin, other!, "75-contact-merge-confirm");
    await shots(admin, `/contacts/${id}/delete`, "76-contact-delete");
    await admin.goto(`${e2e.base}/contacts/${id}/delete`);
    await admin.check('input[name="confirm"]');
    await admin.click('button:has-text("Delete for good")');
    await admin.waitForSelector("text=The contact and everything with it were deleted.");
    await admin.context().close();
  }, 180_000);
});
