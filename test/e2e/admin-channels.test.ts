import { describe, expect, it } from "bun:test";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

describe.skipIf(!e2eEnabled)("admin channels in the browser", () => {
  it("adds a Messenger channel, copies its webhook URL, and keeps its secrets when saved blank", async () => {
    const page = await e2e.signedIn("admin@demo.test");
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: e2e.base });
    await page.click("nav >> text=Admin");
    await page.click(".admin-nav >> text=Channels");
    await page.waitForSelector("table.list >> text=WhatsApp (demo)");
    await e2e.shot(page, "channels-01-list");

    await page.click(".channel-kinds >> text=Messenger");
    await page.fill("#f-name", "Outlet Messenger");
    await page.selectOption("#f-brandId", { label: "Demo Outlet" });
    await page.fill("#f-pageId", "12x");
    await page.fill("#f-accessToken", "EAAGpagetokenABCD9876");
    await page.fill("#f-appSecret", "0123456789abcdef0123456789abcdef");
    await page.fill("#f-verifyToken", "outlet-verify-phrase");
    await page.click("#channel-panel button.primary");
    await page.waitForSelector("text=Digits only, as shown in Meta's dashboard.");
    expect(await page.inputValue("#f-pageId")).toBe("12x");
    await page.fill("#f-pageId", "1122334455");
    await page.fill("#f-accessToken", "EAAGpagetokenABCD9876");
    await page.fill("#f-appSecret", "0123456789abcdef0123456789abcdef");
    await page.fill("#f-verifyToken", "outlet-verify-phrase");
    await page.click("#channel-panel button.primary");
    await page.waitForSelector("text=Channel created.");

    const url = await page.inputValue("#connect input.copy-source");
    expect(url).toMatch(new RegExp(`^${e2e.base}/webhooks/[A-Za-z0-9_-]{24}$`));
    await page.click("#connect button.copy");
    await page.waitForSelector("#connect button.copy.copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    expect(await page.getAttribute("#f-accessToken", "placeholder")).toBe("••••9876");
    await e2e.shot(page, "channels-02-messenger");

    // Saved through htmx with the secrets left blank: the masks stay the same.
    await page.fill("#f-name", "Outlet Page");
    await page.click("#channel-panel button.primary");
    await page.waitForSelector(".alert.ok >> text=Saved.");
    expect(await page.locator("h1").innerText()).toContain("Outlet Page");
    expect(await page.getAttribute("#f-verifyToken", "placeholder")).toBe("••••rase");
    await page.context().close();
  });
});
