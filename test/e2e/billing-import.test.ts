// Admin → Import entries in a browser: an admin uploads a CSV, reads the preview with its problems,
// starts it and watches the progress bar move live to the outcome; without JavaScript the page
// reloads itself until done. Screenshots of each step at 1440 and 390 px, in English and Turkish.
import { describe, expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

/** Lines for the demo's contacts (by phone, email and external id); lines 3 and 5 are wrong. */
function file(locale: "en" | "tr", lines: number): string {
  const who = ["905321112233", "+90 533 999 88 77", "905301234567"];
  const rows = locale === "tr" ? ["telefon;e-posta;tür;tutar;para_birimi;tarih;açıklama;referans"] : ["phone,email,kind,amount,currency,date,description,reference"];
  for (let i = 1; i <= lines; i++) {
    const bad = i === 2 ? "contact" : i === 4 ? "amount" : null;
    const phone = bad === "contact" ? "905550000000" : i % 4 === 0 ? "" : who[i % 3];
    const email = i % 4 === 0 ? "john@example.com" : "";
    if (locale === "tr") rows.push(`${phone};${email};${i % 5 === 0 ? "ödeme" : "borç"};${bad === "amount" ? "12.50" : `1.${String(i % 1000).padStart(3, "0")},90`};TRY;01.12.2025;Fatura ${i};TR-${i}`);
    else rows.push(`${phone},${email},${i % 5 === 0 ? "payment" : "charge"},${bad === "amount" ? "twelve" : `"1,${String(i % 1000).padStart(3, "0")}.90"`},EUR,2025-12-01,Invoice ${i},EN-${i}`);
  }
  return (locale === "tr" ? "\uFEFF" : "") + rows.join("\r\n");
}

async function both(page: Page, name: string, scrollTo?: string) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await e2e.shot(page, `${name}-1440`);
  await page.setViewportSize({ width: 390, height: 844 });
  if (scrollTo) await page.locator(scrollTo).first().evaluate((el) => el.scrollIntoView({ block: "start" }));
  await e2e.shot(page, `${name}-390`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe.skipIf(!e2eEnabled)("Admin → Import entries", () => {
  it("previews, imports live with a progress bar, and reports the bad lines, in English and Turkish; without JavaScript too", async () => {
    const page = await e2e.signedIn("admin@demo.test");
    for (const locale of ["en", "tr"] as const) {
      await page.goto(`${e2e.base}/admin/imports`);
      await page.click(`.language-switch button[value="${locale}"]`);
      await page.waitForURL(/\/admin\/imports$/);
      await page.setInputFiles("#f-file", { name: `entries-${locale}.csv`, mimeType: "text/csv", buffer: Buffer.from(file(locale, 8000)) });
      await both(page, `70-import-upload-${locale}`);
      await page.click("form.import-upload button.primary");
      await page.waitForURL(/\/admin\/imports\/\d+$/);
      const summary = await page.locator(".import-summary").textContent();
      expect(summary).toContain(locale === "en" ? "8,000 lines: 7,998 to add, 0 already imported, 2 with problems." : "8.000 satır: 7.998 eklenecek, 0 zaten aktarılmış, 2 sorunlu.");
      expect(await page.locator(".import-sample td.error").count()).toBe(2);
      await both(page, `71-import-preview-${locale}`, ".import-summary");

      const url = page.url();
      await page.click(".import-actions button.primary");
      await page.waitForURL(url);
      await page.locator("#import-status progress").waitFor();
      await e2e.shot(page, `72-import-progress-${locale}-1440`);
      const phone = await page.context().newPage();
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(url);
      // A picture of the run half way, if it is still running: the live stream redraws #import-status
      // meanwhile, so the element scrolled to may be replaced under the scroll (then the shot is skipped).
      if (await phone.locator("#import-status progress").count()) {
        const scrolled = await phone.locator("#import-status").scrollIntoViewIfNeeded({ timeout: 2_000 }).then(() => true, () => false);
        if (scrolled) await e2e.shot(phone, `72-import-progress-${locale}-390`);
      }
      await phone.close();
      // Drawn live: the page is never reloaded.
      await page.locator("#import-status .alert").waitFor({ timeout: 60_000 });
      expect(await page.locator("#import-status .alert").textContent()).toContain(locale === "en" ? "7,998 entries added, 0 already imported, 2 lines with problems." : "7.998 hareket eklendi, 0 zaten aktarılmıştı, 2 satırda sorun var.");
      expect(await page.locator(".import-problems tbody tr").count()).toBe(2);
      expect(await page.locator("#import-title .badge").textContent()).toBe(locale === "en" ? "Done" : "Bitti");
      const download = page.waitForEvent("download");
      await page.click('#import-status a[href$="/problems.csv"]');
      const report = await (await download).path();
      expect((await Bun.file(report!).text()).split("\r\n").slice(1, 3).map((l) => l.split(",")[0])).toEqual(["3", "5"]);
      await both(page, `73-import-done-${locale}`, "#import-title");
    }

    // Without JavaScript: the running page reloads itself until the outcome shows.
    const state = await page.context().storageState();
    const noJs = await (await e2e.browser.newContext({ javaScriptEnabled: false, storageState: state, viewport: { width: 1440, height: 900 } })).newPage();
    await noJs.goto(`${e2e.base}/admin/imports`);
    await noJs.setInputFiles("#f-file", { name: "again.csv", mimeType: "text/csv", buffer: Buffer.from(file("tr", 8000).replace(/TR-/g, "NJ-")) });
    await noJs.click("form.import-upload button.primary");
    await noJs.waitForURL(/\/admin\/imports\/\d+$/);
    await noJs.click(".import-actions button.primary");
    await noJs.waitForURL(/\/admin\/imports\/\d+$/);
    await noJs.locator("#import-status .alert").waitFor({ timeout: 60_000 });
    expect(await noJs.locator("#import-status .alert").textContent()).toContain("7.998");
    await noJs.context().close();
  }, 240_000);
});
