// Screen widths (issue 26, item 2): at 1440 and 1280 px the widgets column fits the window and the
// thread keeps a readable width; below 900 px the inbox shows the list or the thread (with a back
// link), and the widgets behind "Details". English and Turkish.
import { describe, expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

/** Elements drawn past the window's right edge (a cut-off select or button). */
const overflowing = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll(".inbox *"))
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.right > document.documentElement.clientWidth + 0.5;
      })
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${Array.from(el.classList).join(".")}`),
  );

async function openThread(page: Page, name: string) {
  await page.goto(`${e2e.base}/inbox?tab=assigned`);
  await page.click(`.conversation a:has-text("${name}")`);
  await page.waitForSelector("#thread-head");
}

describe.skipIf(!e2eEnabled)("the inbox at every screen width", () => {
  it("at 1440 and 1280 px the widgets fit beside a readable thread, in English and Turkish", async () => {
    const page = await e2e.signedIn("agent1@demo.test");
    for (const locale of ["en", "tr"]) {
      for (const [width, height] of [[1440, 900], [1280, 800]] as const) {
        await page.setViewportSize({ width, height });
        await openThread(page, "Mehmet");
        expect({ width, locale, cut: await overflowing(page) }).toEqual({ width, locale, cut: [] });
        expect((await page.locator("#thread").boundingBox())!.width).toBeGreaterThanOrEqual(560);
        expect(await page.locator("#widgets").isVisible()).toBe(true);
        expect(await page.locator(".widgets-link").isVisible()).toBe(false);
        await e2e.shot(page, `60-widths-${width}-${locale}`);
      }
      if (locale === "en") {
        await page.click('.language-switch button[value="tr"]');
        await page.waitForSelector("html[lang=tr]");
      }
    }
    await page.context().close();
  });

  for (const [width, height] of [[390, 844], [768, 1024]] as const) {
    it(`at ${width} px: the list, or the thread with a back link; the widgets behind a button`, async () => {
      const page = await e2e.signedIn("agent1@demo.test");
      await page.setViewportSize({ width, height });
      await page.goto(`${e2e.base}/inbox?tab=assigned`);
      expect(await page.locator(".inbox-list").isVisible()).toBe(true);
      expect(await page.locator("#thread").isVisible()).toBe(false);
      await e2e.shot(page, `61-widths-${width}-list`);

      await page.click('.conversation a:has-text("Mehmet")');
      await page.waitForSelector("#thread-head");
      expect(await page.locator(".inbox-list").isVisible()).toBe(false);
      const thread = (await page.locator("#thread").boundingBox())!;
      expect(thread.width).toBeGreaterThan(width - 20);
      expect(await page.locator("#widgets").isVisible()).toBe(false);
      expect(await overflowing(page)).toEqual([]);
      await e2e.shot(page, `61-widths-${width}-thread`);

      await page.click(".widgets-link");
      await page.waitForSelector("#widgets", { state: "visible" });
      expect(await overflowing(page)).toEqual([]);
      await e2e.shot(page, `61-widths-${width}-widgets`);
      await page.click(".widgets-back");
      await page.waitForSelector("#widgets", { state: "hidden" });
      expect(await page.locator("#composer-body, .join-form, #thread-head").first().isVisible()).toBe(true);

      await page.click("#thread-head .back");
      await page.waitForSelector(".inbox-list", { state: "visible" });
      await page.context().close();
    });
  }
});
