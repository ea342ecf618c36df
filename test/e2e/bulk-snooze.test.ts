// Bulk actions and snooze in the browser (issue 26, items 8 and 9): an agent picks a range of rows
// with Shift+click and assigns them in one go, another agent's list follows live; a snoozed
// conversation leaves the Open tab, and comes back live and unread when the customer writes and when
// its time comes. Screenshots at 1440, 768 and 390 px in English and Turkish.
import { describe, expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { demoIds, DEMO_APP_SECRET } from "../../fakes/meta/demo";
import { wa, whatsappPayload } from "../../fakes/meta/payloads";
import { signatureOf } from "../../fakes/meta/sign";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

async function customerWrites(from: string, name: string, text: string) {
  const body = JSON.stringify(whatsappPayload(demoIds.whatsapp, { contacts: [{ name, waId: from }], messages: [wa.text({ from, text, id: `wamid.e2e.${Date.now()}.${Math.random()}` })] }));
  const res = await fetch(`${e2e.base}/webhooks/${demoIds.whatsapp.webhookKey}`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signatureOf(body, DEMO_APP_SECRET) }, body });
  expect(res.status).toBe(200);
}

const rowOf = (page: Page, name: string) => page.locator(".conversation", { hasText: name });
const idOf = async (page: Page, name: string) => (await rowOf(page, name).locator(".bulk-pick").getAttribute("value"))!;

describe.skipIf(!e2eEnabled)("bulk actions and snooze in the browser", () => {
  it("Shift+click picks a range, one Apply assigns them all with a summary, and another agent's list follows live", async () => {
    const okan = await e2e.signedIn("agent1@demo.test");
    const ipek = await e2e.signedIn("agent2@demo.test");
    await okan.goto(`${e2e.base}/inbox`);
    await ipek.goto(`${e2e.base}/inbox`);
    const names = await okan.locator("#conversation-rows .conversation .who strong").allInnerTexts();
    expect(names.length).toBeGreaterThanOrEqual(3);
    const [first, , third] = names;
    const ids = await Promise.all(names.slice(0, 3).map((n) => idOf(okan, n)));
    await rowOf(okan, first).locator(".bulk-pick").click();
    await rowOf(okan, third).locator(".bulk-pick").click({ modifiers: ["Shift"] });
    expect(await okan.locator("#conversation-rows .bulk-pick:checked").count()).toBe(3);
    await okan.waitForSelector(".bulk-count:has-text('3 selected')");
    await okan.selectOption("#bulk-choice", { label: "İpek Arslan" });
    await e2e.shot(okan, "70-bulk-picked");
    await okan.click(".bulk-actions button[type=submit]");
    await okan.waitForSelector("#bulk-summary >> text=3 done");
    await e2e.shot(okan, "71-bulk-summary");
    // Assigned, they leave both agents' Open tab without a reload; the picks are cleared.
    for (const id of ids) await ipek.waitForSelector(`#conv-${id}`, { state: "detached" });
    for (const id of ids) await okan.waitForSelector(`#conv-${id}`, { state: "detached" });
    expect(await okan.locator("#conversation-rows .bulk-pick:checked").count()).toBe(0);
    await ipek.goto(`${e2e.base}/inbox?tab=assigned`);
    for (const id of ids) await ipek.waitForSelector(`#conv-${id}`);
    for (const page of [okan, ipek]) await page.context().close();
  });

  it("a snoozed conversation leaves Open and comes back live and unread when the customer writes, and when its time comes", async () => {
    const from = "905554447788";
    const okan = await e2e.signedIn("agent1@demo.test");
    const ipek = await e2e.signedIn("agent2@demo.test");
    // Both Online: routing gives the new WhatsApp conversation to one of them (the Assigned tab).
    await customerWrites(from, "Kerem Yıldız", "Kargom nerede?");
    await okan.goto(`${e2e.base}/inbox?tab=assigned`);
    await okan.click('.conversation a:has-text("Kerem Yıldız")');
    await okan.waitForSelector("#thread-head .snooze-menu");
    const id = new URL(okan.url()).pathname.split("/").pop()!;
    await ipek.goto(`${e2e.base}/inbox?tab=snoozed`);
    const snoozedBefore = await ipek.locator("#tab-counts").innerText();

    await okan.click(".snooze-menu summary");
    await e2e.shot(okan, "72-snooze-menu");
    await okan.click('.snooze-choice[data-preset="hour"]');
    await okan.waitForSelector("#thread-head .badge.snoozed");
    await okan.waitForSelector(".snooze-line:has-text('Snoozed by Okan Demir')");
    await okan.waitForSelector(`#conv-${id}`, { state: "detached" });
    await ipek.waitForSelector(`#conv-${id}`);
    await ipek.waitForFunction((before) => document.querySelector("#tab-counts")?.textContent !== before, snoozedBefore);
    await e2e.shot(okan, "73-snoozed");

    // The customer writes: back in Open, live, unread for İpek, gone from her Snoozed tab.
    const ipekOpen = await e2e.signedIn("agent2@demo.test");
    await ipekOpen.goto(`${e2e.base}/inbox?tab=assigned`);
    await customerWrites(from, "Kerem Yıldız", "Bir haber var mı?");
    await ipek.waitForSelector(`#conv-${id}`, { state: "detached" });
    await ipekOpen.waitForSelector(`#conv-${id}.unread`);
    await okan.waitForSelector(".snooze-line:has-text('the customer wrote')");

    // Snoozed until the next minute (a chosen time, in Istanbul): the job brings it back by itself.
    await okan.click(".snooze-menu summary");
    const until = await okan.evaluate(() => {
      const at = new Date(Date.now() + 60_000);
      const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Istanbul", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
      const get = (t: string) => parts.find((p) => p.type === t)!.value;
      return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}`;
    });
    await okan.fill(".snooze-custom input[type=datetime-local]", until);
    await okan.click(".snooze-custom button[type=submit]");
    await okan.waitForSelector("#thread-head .badge.snoozed");
    await ipekOpen.waitForSelector(`#conv-${id}`, { state: "detached" });
    await ipekOpen.waitForSelector(`#conv-${id}.unread`, { timeout: 150_000 });
    await okan.waitForSelector(".snooze-line:has-text('its time came')");
    await e2e.shot(ipekOpen, "74-back-from-snooze");
    for (const page of [okan, ipek, ipekOpen]) await page.context().close();
  }, 240_000);

  it("screens: the bulk bar and the snooze menu at 1440, 768 and 390 px, in English and Turkish", async () => {
    const page = await e2e.signedIn("agent1@demo.test");
    for (const locale of ["en", "tr"]) {
      for (const [width, height] of [[1440, 900], [768, 1024], [390, 844]] as const) {
        await page.setViewportSize({ width, height });
        await page.goto(`${e2e.base}/inbox?tab=snoozed`);
        await page.waitForSelector(".bulk-actions");
        await page.locator("#conversation-rows .bulk-pick").first().check();
        await e2e.shot(page, `75-bulk-${width}-${locale}`);
        await page.click('.conversation a:has-text("Zeynep")');
        await page.waitForSelector("#thread-head .badge.snoozed");
        await e2e.shot(page, `76-snoozed-${width}-${locale}`);
        await page.goto(`${e2e.base}/inbox?tab=assigned`);
        await page.click('.conversation a:has-text("Mehmet")');
        await page.click(".snooze-menu summary");
        await page.waitForSelector(".snooze-custom");
        await e2e.shot(page, `77-snooze-menu-${width}-${locale}`);
      }
      if (locale === "en") {
        await page.click('.language-switch button[value="tr"]');
        await page.waitForSelector("html[lang=tr]");
      }
    }
    await page.context().close();
  }, 120_000);
});
