// The greeting bot and the satisfaction survey in the browser: an admin sets the WhatsApp channel's
// bot; a customer writes, picks "Order status", gives an order number (stored in the CRM field) and
// picks "Talk to us"; the conversation waits in the Returns queue with the bot exchange in its
// thread; an agent closes it, the customer rates 5, and the cockpit's satisfaction column shows it.
import { describe, expect, it } from "bun:test";
import { demoIds, DEMO_APP_SECRET } from "../../fakes/meta/demo";
import { wa, whatsappPayload, type WaMessage } from "../../fakes/meta/payloads";
import { signatureOf } from "../../fakes/meta/sign";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();
const FROM = "905554443322";

async function customer(message: WaMessage) {
  const body = JSON.stringify(whatsappPayload(demoIds.whatsapp, { contacts: [{ name: "Deniz Kaya", waId: FROM }], messages: [message] }));
  const res = await fetch(`${e2e.base}/webhooks/${demoIds.whatsapp.webhookKey}`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signatureOf(body, DEMO_APP_SECRET) }, body });
  expect(res.status).toBe(200);
}

describe.skipIf(!e2eEnabled)("the greeting bot in the browser", () => {
  it("menu, CRM answer, hand-over to Returns, survey after closing, and the cockpit's satisfaction", async () => {
    const admin = await e2e.signedIn("admin@demo.test");
    await admin.goto(`${e2e.base}/admin/bot`);
    await admin.click("tr:has-text('WhatsApp (demo)') a:has-text('Edit')");
    await admin.check("input[name=enabled]");
    await admin.fill("#f-greeting", "Welcome! How can we help?");
    await admin.fill("input[name=o0_title]", "Order status");
    await admin.selectOption("select[name=o0_action]", "question");
    await admin.fill("textarea[name=o0_text]", "What is your order number?");
    await admin.selectOption("select[name=o0_field]", "order_number");
    await admin.fill("input[name=o1_title]", "Talk to us");
    await admin.selectOption("select[name=o1_action]", "handover");
    await admin.selectOption("select[name=o1_group]", { label: "Returns" });
    await admin.check("input[name=surveyEnabled]");
    await admin.fill("#f-surveyQuestion", "How did we do?");
    await e2e.shot(admin, "60-bot-admin-form");
    await admin.click("form.bot-form button.primary");
    await admin.waitForSelector("p.alert.ok");
    await e2e.shot(admin, "61-bot-admin-list");

    await customer(wa.text({ from: FROM, text: "Merhaba" }));
    // While the bot has it: not in the Open tab, found under the Bot type filter.
    await admin.goto(`${e2e.base}/inbox?tab=all&type=bot`);
    await admin.waitForSelector('.conversation a:has-text("Deniz Kaya")');
    await admin.click('.conversation a:has-text("Deniz Kaya")');
    await admin.waitForSelector(".message.out >> text=Welcome! How can we help?");
    await customer(wa.listReply({ from: FROM, rowId: "bot:o0", title: "Order status" }));
    await admin.waitForSelector(".message.out >> text=What is your order number?");
    await customer(wa.text({ from: FROM, text: "KN-5521" }));
    await admin.waitForSelector(".bot-line >> text=Bot saved Order number: KN-5521");
    await customer(wa.listReply({ from: FROM, rowId: "bot:o1", title: "Talk to us" }));
    await admin.waitForSelector(".bot-line >> text=Bot handed over to Returns");
    await e2e.shot(admin, "62-bot-thread");

    // In the Returns queue, with the whole exchange in the thread.
    const okan = await e2e.signedIn("agent1@demo.test");
    await okan.waitForSelector('.conversation:has-text("Deniz Kaya") >> text=Returns');
    await okan.click('.conversation a:has-text("Deniz Kaya")');
    await okan.waitForSelector(".bot-line >> text=Customer chose “Order status”");
    expect(await okan.inputValue("#w-cf_order_number")).toBe("KN-5521");
    await e2e.shot(okan, "63-returns-queue");
    await okan.click("form.join button");
    await okan.waitForSelector("#composer-form");
    await okan.click("details.close-menu summary");
    await okan.click("button.closing-choice >> nth=0");
    await okan.waitForSelector(".message.out >> text=How did we do?");
    await customer(wa.text({ from: FROM, text: "5" }));
    await okan.waitForSelector(".bot-line >> text=Customer rated the conversation 5/5");
    await e2e.shot(okan, "64-survey-answered");
    await okan.setViewportSize({ width: 390, height: 800 });
    await e2e.shot(okan, "66-survey-answered-390");

    const supervisor = await e2e.signedIn("supervisor@demo.test");
    await supervisor.goto(`${e2e.base}/cockpit`);
    await supervisor.waitForSelector('tr[data-name="Okan Demir"] td.satisfaction:has-text("5")');
    await e2e.shot(supervisor, "65-cockpit-satisfaction");
    // Admin → Bot in Turkish, at a tablet's width.
    await admin.setViewportSize({ width: 768, height: 900 });
    await admin.goto(`${e2e.base}/admin/bot`);
    await admin.click("form.language-switch button[value=tr]");
    await admin.waitForSelector("h1:has-text('Bot ve anket')");
    await e2e.shot(admin, "67-bot-admin-tr-768");
    await admin.click("tr:has-text('WhatsApp (demo)') a:has-text('Düzenle')");
    await admin.waitForSelector("input[name=o0_title][value='Order status']");
    await e2e.shot(admin, "68-bot-form-tr-768");
    for (const page of [admin, okan, supervisor]) await page.context().close();
  });
});
