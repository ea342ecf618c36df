import { afterAll, describe, expect, it } from "bun:test";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

let site: ReturnType<typeof Bun.serve> | undefined;
afterAll(() => site?.stop(true));

/** A customer's website on another origin, embedding the seeded demo widget. */
async function customerSite() {
  const demo = await (await fetch(`${e2e.base}/widget/demo`)).text();
  const key = demo.match(/data-channel="([^"]+)"/)![1];
  site ??= Bun.serve({
    port: 0,
    fetch: () =>
      new Response(
        `<!DOCTYPE html><html lang="en"><head><title>Shop</title><style>*{all:unset!important} button{display:none!important}</style></head>
<body><h1>Shop</h1><p>Hostile page styles above must not break the widget.</p>
<script src="${e2e.base}/widget.js" data-channel="${key}" async></script></body></html>`,
        { headers: { "content-type": "text/html; charset=utf-8" } },
      ),
  });
  return `http://127.0.0.1:${site.port}/`;
}

describe.skipIf(!e2eEnabled)("the WebChat widget on a customer's website", () => {
  it("a visitor writes, an agent answers in the inbox, the reply appears live; files go both ways", async () => {
    const url = await customerSite();
    const context = await e2e.newContext();
    const visitor = await context.newPage();
    await visitor.goto(url);
    const launcher = visitor.locator("#kanal-webchat .launcher");
    await launcher.waitFor();
    await visitor.waitForFunction(() => !!document.querySelector("#kanal-webchat")?.shadowRoot?.querySelector("#kw-title")?.textContent);
    await e2e.shot(visitor, "40-widget-closed");

    await launcher.click();
    const text = visitor.locator("#kanal-webchat textarea");
    await text.waitFor();
    expect(await visitor.evaluate(() => document.querySelector("#kanal-webchat")!.shadowRoot!.activeElement?.tagName)).toBe("TEXTAREA");
    await e2e.shot(visitor, "41-widget-open");
    await text.fill("Hello, do you have the linen shirt in size M?");
    await text.press("Enter");
    await visitor.locator("#kanal-webchat .m.in >> text=linen shirt in size M").waitFor();

    // Escape closes the panel and gives focus back to the launcher.
    await text.press("Escape");
    await visitor.locator("#kanal-webchat .panel").waitFor({ state: "hidden" });
    expect(await visitor.evaluate(() => document.querySelector("#kanal-webchat")!.shadowRoot!.activeElement?.className)).toBe("launcher");
    await launcher.click();

    const agent = await e2e.signedIn("agent1@demo.test");
    await agent.locator('.conversation a:has-text("linen shirt")').first().click();
    await agent.click("text=Join session");
    await agent.fill("#composer-body", "Yes, size M is in stock. Shall I reserve one?");
    await agent.keyboard.press("Enter");
    await visitor.locator("#kanal-webchat .m.out >> text=size M is in stock").waitFor();
    await e2e.shot(visitor, "42-widget-messages");

    // A small picture drawn by the browser itself.
    const picture = await visitor.evaluate(() => {
      const canvas = Object.assign(document.createElement("canvas"), { width: 160, height: 100 });
      const g = canvas.getContext("2d")!;
      g.fillStyle = "#16a34a";
      g.fillRect(0, 0, 160, 100);
      g.fillStyle = "#fff";
      g.font = "bold 22px sans-serif";
      g.fillText("RECEIPT", 30, 58);
      return canvas.toDataURL("image/png").split(",")[1];
    });
    await visitor.locator("#kanal-webchat input.file").setInputFiles({ name: "receipt.png", mimeType: "image/png", buffer: Buffer.from(picture, "base64") });
    await visitor.locator("#kanal-webchat .m.in img[alt='receipt.png']").waitFor();
    const loaded = await visitor.evaluate(async () => {
      const img = document.querySelector("#kanal-webchat")!.shadowRoot!.querySelector<HTMLImageElement>(".m.in img")!;
      await img.decode().catch(() => {});
      return img.naturalWidth;
    });
    expect(loaded).toBe(160);
    await agent.waitForSelector(".message.in >> text=receipt.png");
    await e2e.shot(visitor, "43-widget-file");

    // A returning visitor (same browser) sees the history after a reload.
    await visitor.reload();
    await visitor.locator("#kanal-webchat .launcher").click();
    await visitor.locator("#kanal-webchat .m.out >> text=size M is in stock").waitFor();
    await agent.context().close();
    await context.close();
  });

  it("asks for name and email first when the channel wants a pre-chat form", async () => {
    const url = await customerSite();
    const context = await e2e.newContext();
    const visitor = await context.newPage();
    // The seeded channel has no form: this visitor's answer says it has one.
    await visitor.route("**/widget/api/*/session", async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      body.channel.preChatForm = true;
      body.channel.greeting = "Hi! We usually answer within a few minutes.";
      await route.fulfill({ response, json: body });
    });
    await visitor.goto(url);
    await visitor.locator("#kanal-webchat .launcher").click();
    const name = visitor.locator("#kanal-webchat input[name=name]");
    await name.waitFor();
    expect(await visitor.locator("#kanal-webchat textarea").isVisible()).toBe(false);
    await e2e.shot(visitor, "44-widget-prechat");
    await name.fill("Deniz Yurt");
    await visitor.locator("#kanal-webchat input[name=email]").fill("deniz@example.com");
    await visitor.locator("#kanal-webchat form.pre button").click();
    const text = visitor.locator("#kanal-webchat textarea");
    await text.waitFor();
    await text.fill("Merhaba!");
    await text.press("Enter");
    await visitor.locator("#kanal-webchat .m.in >> text=Merhaba!").waitFor();
    const agent = await e2e.signedIn("agent2@demo.test");
    await agent.locator('.conversation:has-text("Deniz Yurt")').first().waitFor();
    await agent.context().close();
    await context.close();
  });

  it("the demo page embeds the seeded widget for a newcomer to try", async () => {
    const context = await e2e.newContext();
    const page = await context.newPage();
    await page.goto(`${e2e.base}/widget/demo`);
    await page.locator("#kanal-webchat .launcher").click();
    await page.locator("#kanal-webchat textarea").waitFor();
    await page.locator("#kanal-webchat .log li").first().waitFor();
    await e2e.shot(page, "45-widget-demo-page");
    await context.close();
  });

  it("shows the bot's menu as buttons and the survey as stars; a tap answers like any channel's reply", async () => {
    const admin = await e2e.signedIn("admin@demo.test");
    await admin.goto(`${e2e.base}/admin/bot`);
    await admin.click("tr:has-text('Website chat') a:has-text('Edit')");
    await admin.check("input[name=enabled]");
    await admin.fill("#f-greeting", "Hi! How can we help?");
    await admin.fill("input[name=o0_title]", "Opening hours");
    await admin.selectOption("select[name=o0_action]", "answer");
    await admin.fill("textarea[name=o0_text]", "We are open 9:00–18:00 on weekdays.");
    await admin.fill("input[name=o1_title]", "Talk to us");
    await admin.selectOption("select[name=o1_action]", "handover");
    await admin.check("input[name=surveyEnabled]");
    await admin.fill("#f-surveyQuestion", "How did we do?");
    await admin.fill("#f-surveyComment", "Anything we could do better?");
    await admin.click("form.bot-form button.primary");
    await admin.waitForSelector("p.alert.ok");

    const url = await customerSite();
    const context = await e2e.newContext();
    const visitor = await context.newPage();
    await visitor.goto(url);
    await visitor.locator("#kanal-webchat .launcher").click();
    const text = visitor.locator("#kanal-webchat textarea");
    await text.fill("Hello there");
    await text.press("Enter");
    const menu = visitor.locator("#kanal-webchat .m.out:has-text('Hi! How can we help?') .choices");
    await menu.locator("button:has-text('Opening hours')").waitFor();
    // The buttons say the choices: the bubble holds the question alone.
    expect(await visitor.locator("#kanal-webchat .m.out:has-text('Hi! How can we help?') .b").first().innerText()).toBe("Hi! How can we help?");
    await e2e.shot(visitor, "46-widget-bot-menu");
    await menu.locator("button:has-text('Opening hours')").click();
    await visitor.locator("#kanal-webchat .m.in >> text=Opening hours").waitFor();
    await visitor.locator("#kanal-webchat .m.out >> text=We are open 9:00–18:00 on weekdays.").waitFor();
    await visitor.locator("#kanal-webchat .choices button:has-text('Talk to us')").last().click();
    await visitor.locator("#kanal-webchat .m.in >> text=Talk to us").waitFor();
    // Only the latest question offers its choices.
    await visitor.waitForFunction(() => document.querySelector("#kanal-webchat")!.shadowRoot!.querySelectorAll(".choices").length === 0);

    // Handed over: an agent finds it, sees the exchange, joins and closes it.
    const agent = await e2e.signedIn("agent1@demo.test");
    await agent.goto(`${e2e.base}/inbox?tab=all`);
    await agent.locator('.conversation a:has-text("Talk to us")').first().click();
    await agent.waitForSelector(".bot-line >> text=Customer chose “Opening hours”");
    await agent.click("form.join button");
    await agent.waitForSelector("#composer-form");
    await agent.click("details.close-menu summary");
    await agent.click("button.closing-choice >> nth=0");

    const stars = visitor.locator("#kanal-webchat .m.out:has-text('How did we do?') .choices.stars");
    await stars.locator("button").first().waitFor();
    expect(await stars.locator("button").count()).toBe(5);
    await e2e.shot(visitor, "47-widget-survey-stars");
    await stars.locator("button[aria-label='5 of 5 stars']").click();
    await visitor.locator("#kanal-webchat .m.out >> text=Anything we could do better?").waitFor();
    await text.fill("Quick and friendly, thanks!");
    await text.press("Enter");
    await visitor.locator("#kanal-webchat .m.in >> text=Quick and friendly").waitFor();
    await agent.waitForSelector(".bot-line >> text=Customer rated the conversation 5/5");
    await agent.waitForSelector(".bot-line >> text=Customer left a comment on the survey");
    await visitor.setViewportSize({ width: 390, height: 760 });
    await e2e.shot(visitor, "48-widget-survey-390");

    // The demo channel greets without a bot again for the other tests.
    await admin.goto(`${e2e.base}/admin/bot`);
    await admin.click("tr:has-text('Website chat') a:has-text('Edit')");
    await admin.uncheck("input[name=enabled]");
    await admin.click("form.bot-form button.primary");
    await admin.waitForSelector("p.alert.ok");
    for (const page of [admin, agent]) await page.context().close();
    await context.close();
  });
});
