import { describe, expect, it } from "bun:test";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

describe.skipIf(!e2eEnabled)("spam in the browser", () => {
  it("an agent marks a conversation as spam with the keyboard; it leaves another agent's Open tab live, and the Spam filter finds it", async () => {
    const okan = await e2e.signedIn("agent1@demo.test");
    const ipek = await e2e.signedIn("agent2@demo.test");
    await okan.goto(`${e2e.base}/inbox`);
    const href = await okan.locator('.conversation a:has-text("Ana Ruiz")').getAttribute("href");
    const id = href!.match(/\/inbox\/(\d+)/)![1];
    await ipek.goto(`${e2e.base}/inbox`);
    await ipek.waitForSelector(`#conv-${id}`);
    // The demo's spam conversation is in no tab.
    expect(await ipek.locator(".conversation", { hasText: "Crypto Giveaway" }).count()).toBe(0);
    const openBefore = await ipek.locator("#tab-counts").innerText();

    await okan.goto(e2e.base + href!);
    await okan.waitForSelector("#thread-head .spam-toggle");
    await okan.waitForTimeout(300);
    await okan.keyboard.press("s");
    await okan.waitForSelector("text=Marked as spam: the contact is blocked.");
    await okan.waitForSelector("#thread-head >> text=Not spam");
    await e2e.shot(okan, "40-marked-spam");

    // İpek's Open tab loses the row and its count without a reload.
    await ipek.waitForSelector(`#conv-${id}`, { state: "detached" });
    await ipek.waitForFunction((before) => document.querySelector("#tab-counts")?.textContent !== before, openBefore);

    // The type filter's Spam choice finds both spam conversations.
    await ipek.goto(`${e2e.base}/inbox?tab=all&type=spam&f=1`);
    await ipek.waitForSelector(`#conv-${id}`);
    await ipek.waitForSelector('.conversation:has-text("Crypto Giveaway")');
    await e2e.shot(ipek, "41-spam-filter");

    // Not spam: the contact is unblocked; Admin → Blocked contacts no longer lists them.
    await okan.click("#thread-head .spam-toggle");
    await okan.waitForSelector("#thread-head >> text=Mark as spam");
    const admin = await e2e.signedIn("admin@demo.test");
    await admin.goto(`${e2e.base}/admin/blocked-contacts`);
    await admin.waitForSelector("text=Crypto Giveaway");
    expect(await admin.locator("text=Ana Ruiz").count()).toBe(0);
    await e2e.shot(admin, "42-blocked-contacts");
    for (const page of [okan, ipek, admin]) await page.context().close();
  });
});
