// The Content-Security-Policy in a real browser: the app works under it, and injected script does not run.
import { describe, expect, it } from "bun:test";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

describe.skipIf(!e2eEnabled)("content security policy in the browser", () => {
  it("refuses script and style injected into a page, and the test support reports it", async () => {
    const page = await e2e.signedIn("agent1@demo.test");
    const ran = await page.evaluate(async () => {
      (window as unknown as { injected?: boolean }).injected = false;
      const script = document.createElement("script");
      script.textContent = "window.injected = true";
      document.head.append(script);
      const handler = document.createElement("img");
      handler.setAttribute("src", "data:,x");
      handler.setAttribute("onerror", "window.injected = true");
      document.body.append(handler);
      await new Promise((r) => setTimeout(r, 200));
      return (window as unknown as { injected?: boolean }).injected;
    });
    expect(ran).toBe(false);
    const reported = e2e.takeProblems();
    expect(reported.some((p) => p.includes("Content Security Policy"))).toBe(true);
    await page.context().close();
  });

  it("the inbox, cockpit, contacts, admin pages and the widget demo load with nothing blocked", async () => {
    const page = await e2e.signedIn("admin@demo.test");
    for (const path of ["/inbox", "/cockpit", "/contacts", "/admin/users", "/admin/tags", "/admin/channels", "/widget/demo"]) {
      await page.goto(`${e2e.base}${path}`);
      await page.waitForTimeout(300);
    }
    await e2e.shot(page, "security-widget-demo");
    expect(e2e.takeProblems()).toEqual([]);
    await page.context().close();
  });
});
