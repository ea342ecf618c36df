import { describe, expect, it } from "bun:test";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

describe.skipIf(!e2eEnabled)("inbox in the browser, two agents", () => {
  it("join, reply with Enter, see each other's actions live, assign and close", async () => {
    const okan = await e2e.signedIn("agent1@demo.test");
    const ipek = await e2e.signedIn("agent2@demo.test");
    const href = await okan.locator('.conversation a:has-text("Özge")').getAttribute("href");
    const id = href!.match(/\/inbox\/(\d+)/)![1];
    await okan.goto(e2e.base + href!);
    await ipek.goto(`${e2e.base}/inbox`);
    await ipek.waitForSelector(`#conv-${id}`);
    await okan.waitForTimeout(300);

    await okan.click("text=Join session");
    await okan.waitForSelector("#composer-body");
    // İpek's Open tab loses the row without a reload.
    await ipek.waitForSelector(`#conv-${id}`, { state: "detached" });
    expect(await ipek.locator("#tab-counts").innerText()).toContain("Assigned");

    await okan.fill("#composer-body", "Merhaba Özge Hanım, hemen bakıyorum.");
    await okan.keyboard.press("Enter");
    await okan.waitForSelector(".message.out >> text=hemen bakıyorum");
    expect(await okan.inputValue("#composer-body")).toBe("");

    await ipek.goto(`${e2e.base}/inbox/${id}?tab=assigned`);
    await ipek.waitForTimeout(300);
    await okan.fill("#composer-body", "Kargonuz yarın teslim edilecek.");
    await okan.click('button[value="reply"]');
    await ipek.waitForSelector("text=Kargonuz yarın teslim edilecek.");
    await e2e.shot(ipek, "10-live-reply");

    // A private note, then a forward from Okan to İpek through the assignment dropdown.
    await okan.fill("#composer-body", "Müşteri VIP, dikkat.");
    await okan.click('button[value="note"]');
    await okan.waitForSelector(".message.note >> text=Müşteri VIP");
    await okan.click(".assign-menu summary");
    await okan.fill("#assign-filter", "ipek");
    await okan.selectOption("#assign-target", { label: await okan.locator("#assign-target option", { hasText: "İpek" }).first().innerText() });
    await okan.click(".assign-menu button.primary");
    await ipek.waitForSelector("#thread-head >> text=İpek Arslan");
    await ipek.waitForSelector("#composer-body");

    // İpek ends the session with a closing message; Okan sees it closed live.
    await ipek.click(".close-menu summary");
    await e2e.shot(ipek, "11-closing-messages");
    await ipek.click(".closing-choice >> nth=0");
    await ipek.waitForSelector("text=This conversation is closed.");
    await okan.waitForSelector("text=This conversation is closed.");
    await e2e.shot(okan, "12-closed-live");
    await okan.context().close();
    await ipek.context().close();
  });

  it("a message sent again by a resumed live stream is redrawn where it is, not moved below newer ones", async () => {
    const page = await e2e.signedIn("agent1@demo.test");
    await page.goto(`${e2e.base}/inbox?tab=all`);
    await page.click('.conversation a:has-text("Mehmet")');
    await page.waitForSelector("#messages > li.message");
    const order = () => page.locator("#messages > li").evaluateAll((items) => items.map((li) => li.id));
    const before = await order();
    expect(before.length).toBeGreaterThan(1);
    const first = before[0];
    // What the stream sends for a message created earlier, as a replay after a reconnect would.
    await page.evaluate((id) => {
      const again = document.getElementById(id)!.cloneNode(true) as HTMLElement;
      again.dataset.replayed = "1";
      const tpl = document.createElement("template");
      tpl.dataset.upsert = id;
      tpl.dataset.into = "#messages";
      tpl.dataset.at = "bottom";
      tpl.content.append(again);
      document.getElementById("live-sink")!.append(tpl);
    }, first);
    await page.waitForSelector(`#${first}[data-replayed="1"]`);
    expect(await order()).toEqual(before);
    await page.context().close();
  });

  it("pages and scripts arrive compressed, the live stream does not, and each event shows before the next is sent", async () => {
    const watcher = await e2e.signedIn("agent2@demo.test");
    const encodings = new Map<string, string | null>();
    watcher.on("response", (res) => encodings.set(new URL(res.url()).pathname, res.headers()["content-encoding"] ?? null));
    const stream = watcher.waitForResponse((res) => new URL(res.url()).pathname === "/events");
    await watcher.goto(`${e2e.base}/inbox?tab=all`);
    await stream;
    expect(encodings.get("/inbox")).toBe("br");
    const scripts = [...encodings].filter(([path]) => /^\/static\/.+\.[0-9a-f]{10}\.(js|css)$/.test(path));
    // app.css, htmx, hx-sse, app.js, composer.js, composer-aids.js and bulk.js (the list's bulk actions).
    expect(scripts.length).toBe(7);
    for (const [, encoding] of scripts) expect(encoding).toBe("br");
    expect(encodings.has("/events")).toBe(true);
    expect(encodings.get("/events")).toBeNull();

    // The same person in a second tab changes status twice; the first tab shows each change on its own.
    const other = await watcher.context().newPage();
    await other.goto(`${e2e.base}/inbox?tab=all`);
    for (const status of ["break", "online"]) {
      await other.selectOption("#status-select", status);
      await watcher.waitForSelector(`#status-switch.status-${status}`, { timeout: 3000 });
    }
    await watcher.context().close();
  });

  it("keyboard: ? lists the shortcuts, j and k move between conversations, r focuses the composer", async () => {
    const page = await e2e.signedIn("admin@demo.test");
    await page.goto(`${e2e.base}/inbox?tab=all`);
    await page.keyboard.press("?");
    await page.waitForSelector("#shortcuts[open]");
    await e2e.shot(page, "14-shortcuts");
    await page.keyboard.press("Escape");
    await page.keyboard.press("j");
    await page.waitForURL(/\/inbox\/\d+/);
    const first = page.url();
    await page.keyboard.press("j");
    await page.waitForURL((url) => url.toString() !== first);
    await page.keyboard.press("k");
    await page.waitForURL(first);
    await page.context().close();
  });

  it("works without JavaScript: reading, joining and replying are plain links and forms", async () => {
    const context = await e2e.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${e2e.base}/login`);
    await page.fill("#f-email", "supervisor@demo.test");
    await page.fill("#f-password", "demo-password");
    await page.click("button.primary");
    // One organization: signing in leads straight to the inbox.
    await page.waitForURL(/\/inbox/);
    await page.click('.conversation a:has-text("Ana Ruiz")');
    await page.click("text=Join session");
    await page.fill("#composer-body", "Hola Ana, lo revisamos ahora.");
    await page.click('button[value="reply"]');
    await page.waitForSelector(".message.out >> text=lo revisamos ahora");
    await e2e.shot(page, "13-no-javascript");
    await context.close();
  });
});
