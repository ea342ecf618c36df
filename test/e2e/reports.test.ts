import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { artifacts, e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

describe.skipIf(!e2eEnabled)("reports in the browser", () => {
  it("a supervisor opens the last 7 days, filters to WhatsApp, sees the charts and downloads the CSV", async () => {
    const page = await e2e.signedIn("supervisor@demo.test");
    await page.click('nav a[href="/reports"]');
    await page.waitForURL(/\/reports/);
    expect(await page.locator("h1").innerText()).toBe("Reports");
    // The demo's two weeks of history reach the reports with the metrics job's first run (each minute at :30).
    const opened = () => page.locator(".report-totals li").first().locator(".value").innerText();
    for (let tries = 0; (await opened()) === "0" && tries < 40; tries++) {
      await page.waitForTimeout(2000);
      await page.reload();
    }
    expect(Number(await opened())).toBeGreaterThan(0);

    await page.selectOption('select[name="range"]', "7d");
    const whatsapp = await page.locator('select[name="channel"] option', { hasText: "WhatsApp" }).getAttribute("value");
    await page.selectOption('select[name="channel"]', whatsapp!);
    await page.click('.report-filters button[type="submit"]');
    await page.waitForURL(new RegExp(`range=7d.*channel=${whatsapp}`));
    expect(await page.locator("figure.chart svg[role=img]").count()).toBe(4);
    expect(await page.locator("#chart-opened-closed rect").count()).toBe(14);
    expect(await page.locator("#chart-channels-text").innerText()).toContain("WhatsApp");
    expect(await page.locator("#chart-channels-text").innerText()).not.toContain("Website chat");

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#table-agents a.button")]);
    expect(download.suggestedFilename()).toMatch(/^kanal-agents-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = join(artifacts, "reports-agents.csv");
    await download.saveAs(file);
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString("utf8");
    expect(csv.split("\r\n")[0]).toStartWith("Name,Opened,Closed");
    expect(csv).toMatch(/Okan Demir|İpek Arslan/);

    for (const width of [1440, 768, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: join(artifacts, `30-reports-en-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.click('.language-switch button[value="tr"]');
    await page.waitForSelector("h1:has-text('Raporlar')");
    expect(await page.locator("#chart-opened-closed figcaption").innerText()).toBe("Günlük açılan ve kapanan konuşmalar");
    for (const width of [1440, 768, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: join(artifacts, `31-reports-tr-${width}.png`), fullPage: true });
    }

    // Yesterday in the cockpit: that day's figures, without live statuses.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${e2e.base}/cockpit`);
    const yesterday = await page.locator('input[name="day"]').evaluate((input: HTMLInputElement) => {
      const d = new Date(`${input.max}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - 1);
      return d.toISOString().slice(0, 10);
    });
    await page.goto(`${e2e.base}/cockpit?day=${yesterday}`);
    await page.waitForSelector("#cockpit-past-day");
    await e2e.shot(page, "32-cockpit-past-day-tr");
    await page.context().close();
  }, 150_000);
});
