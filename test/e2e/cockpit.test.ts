import { describe, expect, it } from "bun:test";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

describe.skipIf(!e2eEnabled)("cockpit in the browser", () => {
  it("a supervisor's cockpit follows an agent's status and a closed conversation live", async () => {
    const supervisor = await e2e.signedIn("supervisor@demo.test");
    const agent = await e2e.signedIn("agent1@demo.test");
    await supervisor.goto(`${e2e.base}/cockpit`);
    const okanRow = () => supervisor.locator('tr[data-name="Okan Demir"]');
    const group = () => okanRow().evaluate((tr) => tr.closest("section")!.getAttribute("data-status"));
    expect(await group()).toBe("online");
    const activeBefore = Number(await okanRow().locator("td.num").first().innerText());
    await supervisor.waitForTimeout(300);

    await agent.selectOption("#status-select", "break");
    await supervisor.waitForFunction(() => document.querySelector('tr[data-name="Okan Demir"]')?.closest("section")?.getAttribute("data-status") === "break", null, { timeout: 5000 });

    // Okan closes his conversation with Mehmet: his active count drops without a reload.
    await agent.goto(`${e2e.base}/inbox?tab=assigned`);
    await agent.click('.conversation a:has-text("Mehmet")');
    await agent.click(".close-menu summary");
    await agent.click(".closing-choice >> nth=0");
    await agent.waitForSelector("text=This conversation is closed.");
    await supervisor.waitForFunction(
      (before) => Number(document.querySelector('tr[data-name="Okan Demir"] td.num')?.textContent) === before - 1,
      activeBefore,
      { timeout: 5000 },
    );
    // Search narrows from the first letter, the Turkish way.
    await supervisor.fill('input[name="q"]', "İ");
    expect(await supervisor.locator('tr[data-name="İpek Arslan"]').isVisible()).toBe(true);
    await supervisor.fill('input[name="q"]', "ipek");
    expect(await supervisor.locator('tr[data-name="İpek Arslan"]').isVisible()).toBe(true);
    expect(await okanRow().isVisible()).toBe(false);
    await supervisor.fill('input[name="q"]', "");
    await e2e.shot(supervisor, "20-cockpit-live");
    await supervisor.context().close();
    await agent.context().close();
  });
});
