import { describe, expect, it } from "bun:test";
import { DEMO_PASSWORD, e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

describe.skipIf(!e2eEnabled)("foundation in the browser", () => {
  it("signs in straight to the inbox (one organization); the picker still switches", async () => {
    const context = await e2e.newContext();
    const page = await context.newPage();
    await page.goto(`${e2e.base}/login`);
    await page.fill("#f-email", "admin@demo.test");
    await page.fill("#f-password", DEMO_PASSWORD);
    await page.click("button.primary");
    await page.waitForURL(/\/inbox/);
    await page.goto(`${e2e.base}/organizations`);
    await page.waitForSelector("h1:has-text('Select your organization')");
    await e2e.shot(page, "00-organization-picker");
    await page.click('button.org-choice:has-text("Demo Company")');
    await page.waitForURL(/\/inbox/);
    expect(await page.locator("nav[aria-label=Main]").innerText()).toContain("Inbox");
    expect(await page.locator("#tab-counts").innerText()).toContain("Open");
    await e2e.shot(page, "01-inbox");
    await context.close();
  });

  it("shows the error for a wrong password and keeps the email", async () => {
    const context = await e2e.newContext();
    const page = await context.newPage();
    await page.goto(`${e2e.base}/login`);
    await page.fill("#f-email", "admin@demo.test");
    await page.fill("#f-password", "not-the-password");
    await page.click("button.primary");
    await page.waitForSelector("text=Email or password is wrong.");
    expect(await page.inputValue("#f-email")).toBe("admin@demo.test");
    await e2e.shot(page, "02-wrong-password");
    await context.close();
  });

  it("switches the language to Turkish and back", async () => {
    const page = await e2e.signedIn("agent1@demo.test");
    await page.click('.topbar .language-switch button[value="tr"]');
    await page.waitForSelector("text=Gelen kutusu");
    expect(await page.getAttribute("html", "lang")).toBe("tr");
    expect(await page.locator(".tabs").innerText()).toContain("Açık");
    await e2e.shot(page, "03-turkish");
    await page.click('.topbar .language-switch button[value="en"]');
    await page.waitForSelector("nav >> text=Inbox");
    await page.context().close();
  });

  it("creates a tag in Admin → Tags", async () => {
    const page = await e2e.signedIn("admin@demo.test");
    await page.click("nav >> text=Admin");
    await page.click(".admin-nav >> text=Tags");
    await page.click("summary:has-text('New tag')");
    await page.fill("#f-name", "Returns");
    await page.locator("#f-color").evaluate((el: HTMLInputElement) => (el.value = "#7c3aed"));
    await page.click("button:has-text('Create')");
    await page.waitForSelector("table.list >> text=Returns");
    expect(await page.locator(".alert.ok").innerText()).toContain("Saved.");
    await e2e.shot(page, "04-tag-created");
    // A duplicate name is refused inline and keeps what was typed.
    await page.click("summary:has-text('New tag')").catch(() => {});
    await page.fill("#f-name", "returns");
    await page.click("button:has-text('Create')");
    await page.waitForSelector("text=Already in use.");
    expect(await page.inputValue("#f-name")).toBe("returns");
    await e2e.shot(page, "05-tag-duplicate");
    await page.context().close();
  });

  it("invites a user who sets a password with the one-time link and signs in", async () => {
    const page = await e2e.signedIn("admin@demo.test");
    await page.click("nav >> text=Admin");
    await page.click(".admin-nav >> text=Users");
    await page.click("summary:has-text('Invite a user')");
    await page.fill("#f-name", "Deniz Yıldız");
    await page.fill("#f-email", "deniz@demo.test");
    await page.selectOption("#f-role", "agent");
    await page.check('input[name="workgroupIds"] >> nth=0');
    await page.click("button:has-text('Invite a user')");
    await page.waitForSelector(".password-link input");
    const link = await page.inputValue(".password-link input");
    expect(link).toContain("/password/");
    await e2e.shot(page, "06-user-invited");

    const context = await e2e.newContext();
    const newcomer = await context.newPage();
    await newcomer.goto(link.replace(/^https?:\/\/[^/]+/, e2e.base));
    await newcomer.fill("#f-password", "deniz-password-1");
    await newcomer.fill("#f-confirm", "deniz-password-1");
    await newcomer.click("button.primary");
    await newcomer.waitForSelector("text=Your password is set.");
    await newcomer.fill("#f-email", "deniz@demo.test");
    await newcomer.fill("#f-password", "deniz-password-1");
    await newcomer.click("button.primary");
    // Their one organization: straight to the inbox.
    await newcomer.waitForURL(/\/inbox/);
    expect(await newcomer.locator(".user-menu summary").innerText()).toContain("DY");
    await e2e.shot(newcomer, "07-new-user-inbox");
    await context.close();
    await page.context().close();
  });

  it("keeps the status chosen in the switch after a reload", async () => {
    const page = await e2e.signedIn("agent2@demo.test");
    expect(await page.inputValue("#status-select")).toBe("online");
    await page.selectOption("#status-select", "break");
    await page.waitForSelector("#status-switch.status-break");
    await page.reload();
    expect(await page.inputValue("#status-select")).toBe("break");
    await e2e.shot(page, "09-status-break");
    await page.context().close();
  });

  it("an agent cannot open Admin", async () => {
    const page = await e2e.signedIn("agent1@demo.test");
    expect(await page.locator('nav a[href="/admin"]').count()).toBe(0);
    const res = await page.goto(`${e2e.base}/admin/users`);
    expect(res?.status()).toBe(403);
    await page.waitForSelector("text=Not allowed");
    await e2e.shot(page, "08-agent-forbidden");
    await page.context().close();
  });
});
