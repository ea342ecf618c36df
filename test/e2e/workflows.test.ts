import { describe, expect, it } from "bun:test";
import { demoIds, DEMO_APP_SECRET } from "../../fakes/meta/demo";
import { wa, whatsappPayload } from "../../fakes/meta/payloads";
import { signatureOf } from "../../fakes/meta/sign";
import { join } from "node:path";
import { artifacts, e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

describe.skipIf(!e2eEnabled)("workflows in the browser", () => {
  it("an admin sends WhatsApp messages containing 'iade' to Returns, round-robin; the Online agent sees it arrive in Assigned live with the rule's line; the one on Break gets nothing", async () => {
    const admin = await e2e.signedIn("admin@demo.test");
    // A returns desk: Okan and İpek, round-robin (the demo data's own "Returns" group routes by hand).
    await admin.goto(`${e2e.base}/admin/workgroups`);
    await admin.click("summary:has-text('New workgroup')");
    await admin.fill("#f-name", "Returns desk");
    await admin.check("label:has-text('Okan Demir') input[name=memberIds]");
    await admin.check("label:has-text('İpek Arslan') input[name=memberIds]");
    await admin.selectOption("#f-routing", "round_robin");
    // Room beside the open conversations the demo data gives Okan already.
    await admin.fill("#f-capacity", "20");
    await admin.click("details[open] form button.primary");
    await e2e.shot(admin, "39-workgroup-created");
    await admin.waitForSelector("td:has-text('Returns desk')");

    // The rule: WhatsApp, text contains 'iade', assign to Returns (routed as the group routes).
    await admin.goto(`${e2e.base}/admin/workflows`);
    await admin.click("summary:has-text('New workflow')");
    await admin.fill("#f-name", "İade → Returns");
    await admin.selectOption("#f-trigger", "message_received");
    await admin.selectOption("#f-c0", "channel_kind:whatsapp");
    await admin.selectOption("#f-c1", "text_contains");
    await admin.fill("#f-c1v", "iade");
    await admin.selectOption("#f-a0", { label: "Assign to workgroup Returns desk" });
    await admin.selectOption("#f-a1", { label: "Add tag “VIP”" });
    await admin.click("form[action='/admin/workflows'] button.primary");
    await admin.waitForSelector("h1:has-text('İade → Returns')");
    await e2e.shot(admin, "40-workflow-created");

    // Okan is Online (signing in makes him so); İpek goes on Break.
    const okan = await e2e.signedIn("agent1@demo.test");
    const ipek = await e2e.signedIn("agent2@demo.test");
    await ipek.selectOption("#status-select", "break");
    await ipek.waitForFunction(() => (document.querySelector("#status-select") as HTMLSelectElement | null)?.value === "break");
    await okan.goto(`${e2e.base}/inbox?tab=assigned`);
    await ipek.goto(`${e2e.base}/inbox?tab=assigned`);
    await okan.waitForTimeout(300);

    const body = JSON.stringify(whatsappPayload(demoIds.whatsapp, { contacts: [{ name: "Kerem Yıldız", waId: "905557778899" }], messages: [wa.text({ from: "905557778899", text: "Merhaba, iade etmek istiyorum" })] }));
    const res = await fetch(`${e2e.base}/webhooks/${demoIds.whatsapp.webhookKey}`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signatureOf(body, DEMO_APP_SECRET) }, body });
    expect(res.status).toBe(200);
    // Live, without a reload: the conversation appears in Okan's Assigned tab.
    await okan.waitForSelector('.conversation a:has-text("Kerem")', { timeout: 15_000 });
    await okan.click('.conversation a:has-text("Kerem")');
    // The demo channel's Support Team routed it to Okan first, which made him the contact's owner:
    // Returns' routing gives a returning customer to their Online owner before taking turns.
    await okan.waitForSelector(".message.event >> text=/^Assigned to Okan Demir by the rule “İade → Returns” \\(Returns desk, (round-robin|contact's owner)\\)$/");
    await okan.waitForSelector('.message.event >> text="Tag added by rule “İade → Returns”"');
    await e2e.shot(okan, "41-rule-lines");

    // İpek, on Break, got nothing: a member of the group, she sees the conversation (Assigned lists
    // everyone's) but as Okan's, before and after a reload.
    const ipeksRow = ipek.locator('.conversation:has(a:has-text("Kerem"))');
    await ipeksRow.waitFor();
    expect(await ipeksRow.innerText()).toContain("Okan Demir");
    expect(await ipeksRow.innerText()).not.toContain("İpek");
    await ipek.reload();
    await ipeksRow.waitFor();
    expect(await ipeksRow.innerText()).toContain("Okan Demir");
    expect(await ipek.locator("#status-select").inputValue()).toBe("break");
    await e2e.shot(ipek, "43-break-agent");

    await admin.reload();
    await admin.waitForSelector("tr.run.done");
    await e2e.shot(admin, "42-workflow-run-log");

    // The admin's automation pages at a tablet's and a phone's width, in English and in Turkish.
    const rulePage = new URL(admin.url()).pathname;
    const wide: string[] = [];
    const pages = { workflows: "/admin/workflows", rule: rulePage, workgroups: "/admin/workgroups", hours: "/admin/business-hours" };
    for (const locale of ["en", "tr"]) {
      if (locale === "tr") await admin.click('.language-switch button[value="tr"]');
      for (const [name, path] of Object.entries(pages)) {
        await admin.goto(`${e2e.base}${path}`);
        for (const width of [768, 390]) {
          await admin.setViewportSize({ width, height: 900 });
          await admin.screenshot({ path: join(artifacts, `44-${name}-${locale}-${width}.png`), fullPage: true });
          // Nothing wider than the screen: a page that scrolls sideways has lost its layout.
          const over = await admin.evaluate(() => Array.from(document.querySelectorAll("body *")).filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest("table, .table-scroll, .chart-frame, [role=region]")).slice(0, 3).map((e) => `${e.tagName}.${e.className}`));
          wide.push(...over.map((o) => `${name} ${locale} ${width}: ${o}`));
          // A table scrolls inside itself; the page never does.
          if (!(await admin.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth))) wide.push(`${name} ${locale} ${width}: the page`);
        }
      }
      await admin.setViewportSize({ width: 1280, height: 800 });
    }
    expect(wide).toEqual([]);
    await okan.context().close();
    await ipek.context().close();
    await admin.context().close();
  }, 90_000);
});
