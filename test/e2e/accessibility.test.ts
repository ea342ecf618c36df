// Every main page, checked by axe-core in the browser: no serious or critical violation
// (WCAG 2 A/AA: contrast, names, headings, landmarks...). English, and the inbox in Turkish too.
import { describe, expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { seriousViolations } from "./axe";
import { DEMO_PASSWORD, e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

// axe.min.js goes in as an inline script, which the app's Content-Security-Policy refuses:
// these contexts alone let it in (every other browser test keeps the policy).
const axeContext = { bypassCSP: true };

let admin: Page | undefined;
async function adminPage(): Promise<Page> {
  admin ??= await e2e.signedIn("admin@demo.test", axeContext);
  return admin;
}

/** The page's serious and critical violations, each line prefixed with its path. */
async function check(page: Page, path: string): Promise<string[]> {
  await page.goto(`${e2e.base}${path}`);
  await page.waitForLoadState("load");
  return (await seriousViolations(page)).map((line) => `${path}: ${line}`);
}

const adminPaths = [
  "/admin/users", "/admin/organization", "/admin/workgroups", "/admin/brands", "/admin/channels", "/admin/tags",
  "/admin/quick-replies", "/admin/closing-messages", "/admin/custom-fields", "/admin/payments", "/admin/api-tokens",
  "/admin/workflows", "/admin/business-hours", "/admin/blocked-contacts", "/admin/imports", "/admin/bot", "/bulk", "/bulk/new",
];

describe.skipIf(!e2eEnabled)("accessibility (axe-core)", () => {
  it("sign-in and the organization picker", async () => {
    const context = await e2e.newContext(axeContext);
    const page = await context.newPage();
    const found = await check(page, "/login");
    await page.fill("#f-email", "admin@demo.test");
    await page.fill("#f-password", DEMO_PASSWORD);
    await page.click("button.primary");
    await page.waitForURL(/\/inbox/);
    await page.goto(`${e2e.base}/organizations`);
    found.push(...(await seriousViolations(page)).map((line) => `/organizations: ${line}`));
    expect(found).toEqual([]);
    await context.close();
  });

  it("the inbox: the list and an open thread", async () => {
    const page = await adminPage();
    const found = await check(page, "/inbox");
    // One h1 names the page (hidden from sight: the tabs and the list say where one is).
    expect(await page.locator("h1").allInnerTexts()).toEqual(["Inbox"]);
    const href = await page.locator(".conversation a").first().getAttribute("href");
    found.push(...(await check(page, href!)));
    expect(await page.locator("h1").count()).toBe(1);
    await page.click(`.conversation a[href="${href!}"]`);
    found.push(...(await seriousViolations(page)).map((line) => `thread swapped in: ${line}`));
    await e2e.shot(page, "50-a11y-inbox-thread");
    expect(found).toEqual([]);
  });

  it("the Snoozed tab with its bulk bar, and a snoozed conversation's thread", async () => {
    const page = await adminPage();
    const found = await check(page, "/inbox?tab=snoozed");
    const href = await page.locator('.conversation a:has-text("Zeynep Koç")').getAttribute("href");
    found.push(...(await check(page, href!)));
    expect(found).toEqual([]);
  });

  it("threads with what customers share: an order, a contact card, a shared post", async () => {
    const page = await adminPage();
    const found: string[] = [];
    for (const [name, card] of [["Özge Şahin", ".order-card"], ["Ana Ruiz", ".contact-card"], ["Nehir Ak", ".post-card"]]) {
      await page.goto(`${e2e.base}/inbox?tab=all`);
      await page.click(`.conversation a:has-text("${name}")`);
      await page.waitForSelector(`#thread ${card}`);
      found.push(...(await seriousViolations(page)).map((line) => `${name}: ${line}`));
    }
    expect(found).toEqual([]);
  });

  it("contacts, a contact, the cockpit and reports", async () => {
    const page = await adminPage();
    const found = await check(page, "/contacts");
    const href = await page.locator('table a[href^="/contacts/"]').first().getAttribute("href");
    found.push(...(await check(page, href!)), ...(await check(page, "/cockpit")), ...(await check(page, "/reports")));
    expect(found).toEqual([]);
  });

  it("the Mentions view, with the demo's unread mention", async () => {
    const page = await adminPage();
    const found = await check(page, "/mentions");
    expect(await page.locator(".mention-item").count()).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });

  it("a new conversation, and a contact's new, edit, merge and delete pages", async () => {
    const page = await adminPage();
    const found = [...(await check(page, "/inbox/new?q=a")), ...(await check(page, "/contacts/new"))];
    await page.goto(`${e2e.base}/contacts`);
    const href = await page.locator('table a[href^="/contacts/"]').first().getAttribute("href");
    const channel = await page.goto(`${e2e.base}/inbox/new`).then(() => page.locator("#f-channelId option").nth(1).getAttribute("value"));
    found.push(
      ...(await check(page, `/inbox/new?phone=%2B905329990000&channelId=${channel}`)),
      ...(await check(page, `${href}/edit`)),
      ...(await check(page, `${href}/merge?q=a`)),
      ...(await check(page, `${href}/delete`)),
    );
    expect(found).toEqual([]);
  });

  for (const path of adminPaths) {
    it(`admin page ${path}`, async () => {
      const page = await adminPage();
      expect(await check(page, path)).toEqual([]);
      if (path === "/admin/closing-messages" || path === "/admin/channels") await e2e.shot(page, `51-a11y${path.replaceAll("/", "-")}`);
    });
  }

  it("a bulk send's page, a ledger import's page and the bot's editor, opened from their lists", async () => {
    const page = await adminPage();
    const found: string[] = [];
    for (const [list, link] of [["/bulk", 'a[href^="/bulk/"]:not([href="/bulk/new"])'], ["/admin/imports", 'a[href^="/admin/imports/"]:not([href$=".csv"])'], ["/admin/bot", 'a[href^="/admin/bot/"]']] as const) {
      await page.goto(`${e2e.base}${list}`);
      const href = await page.locator(link).first().getAttribute("href", { timeout: 2000 }).catch(() => null);
      if (href) found.push(...(await check(page, href)));
    }
    expect(found).toEqual([]);
  });

  it("the WebChat widget's demo page, with the widget open", async () => {
    const context = await e2e.newContext(axeContext);
    const page = await context.newPage();
    const found = await check(page, "/widget/demo");
    await page.locator("#kanal-webchat .launcher").click();
    await page.locator("#kanal-webchat .log li").first().waitFor();
    found.push(...(await seriousViolations(page)));
    await e2e.shot(page, "52-a11y-widget-demo");
    expect(found).toEqual([]);
    await context.close();
  });
});
