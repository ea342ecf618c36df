import { describe, expect, it } from "bun:test";
import { demoIds, DEMO_APP_SECRET } from "../../fakes/meta/demo";
import { wa, whatsappPayload } from "../../fakes/meta/payloads";
import { signatureOf } from "../../fakes/meta/sign";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

describe.skipIf(!e2eEnabled)("workflows in the browser", () => {
  it("an admin creates a rule for WhatsApp messages containing 'iade'; a message arrives and the agent sees the rule's lines live", async () => {
    const admin = await e2e.signedIn("admin@demo.test");
    await admin.goto(`${e2e.base}/admin/workflows`);
    await admin.click("summary:has-text('New workflow')");
    await admin.fill("#f-name", "Returns");
    await admin.selectOption("#f-trigger", "message_received");
    await admin.selectOption("#f-c0", "channel_kind:whatsapp");
    await admin.selectOption("#f-c1", "text_contains");
    await admin.fill("#f-c1v", "iade");
    // The demo WhatsApp channel already sends new conversations to Support Team: the rule moves them on.
    await admin.selectOption("#f-a0", { label: "Assign to workgroup Sales" });
    await admin.selectOption("#f-a1", { label: "Add tag “VIP”" });
    await admin.click("form[action='/admin/workflows'] button.primary");
    await admin.waitForSelector("h1:has-text('Returns')");
    await e2e.shot(admin, "40-workflow-created");

    const okan = await e2e.signedIn("agent1@demo.test");
    await okan.waitForTimeout(300);
    const body = JSON.stringify(whatsappPayload(demoIds.whatsapp, { contacts: [{ name: "Kerem Yıldız", waId: "905557778899" }], messages: [wa.text({ from: "905557778899", text: "Merhaba, iade etmek istiyorum" })] }));
    const res = await fetch(`${e2e.base}/webhooks/${demoIds.whatsapp.webhookKey}`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signatureOf(body, DEMO_APP_SECRET) }, body });
    expect(res.status).toBe(200);
    await okan.waitForSelector('.conversation a:has-text("Kerem")');
    await okan.click('.conversation a:has-text("Kerem")');
    await okan.waitForSelector(".message.event >> text=Assigned to a workgroup by rule “Returns”");
    await okan.waitForSelector(".message.event >> text=Tag added by rule “Returns”");
    await e2e.shot(okan, "41-rule-lines");

    await admin.reload();
    await admin.waitForSelector("tr.run.done");
    await okan.context().close();
    await admin.context().close();
  });
});
