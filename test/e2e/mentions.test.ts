// Mentions, reply variables and typing indicators, as people use them in the browser.
import { afterAll, describe, expect, it } from "bun:test";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser();

let site: ReturnType<typeof Bun.serve> | undefined;
afterAll(() => site?.stop(true));

describe.skipIf(!e2eEnabled)("mentions, variables and typing in the browser", () => {
  it("@ offers colleagues in a note; the one named is told live, and reads it by opening the conversation", async () => {
    const okan = await e2e.signedIn("agent1@demo.test");
    const selin = await e2e.signedIn("supervisor@demo.test");
    await selin.goto(`${e2e.base}/contacts`);
    expect(await selin.locator("#mentions-badge").isHidden()).toBe(true);
    await okan.goto(`${e2e.base}/inbox?tab=assigned`);
    await okan.click('.conversation a:has-text("Mehmet")');
    await okan.waitForSelector("#composer-body");

    await okan.click("#composer-body");
    await okan.keyboard.type("Could you approve a replacement, @sel");
    await okan.waitForSelector('#mention-picker li[role="option"]:has-text("Selin Kaya")');
    expect(await okan.getAttribute("#composer-body", "aria-expanded")).toBe("true");
    await e2e.shot(okan, "70-mention-picker");
    // Enter picks the colleague (it does not send the draft).
    await okan.keyboard.press("Enter");
    expect(await okan.inputValue("#composer-body")).toBe("Could you approve a replacement, @Selin Kaya ");
    await okan.keyboard.type("?");
    await okan.click('button[value="note"]');
    await okan.waitForSelector(".message.note >> text=@Selin Kaya");

    // Selin, on another page, sees her badge and an alert at once.
    await selin.waitForSelector("#mentions-badge:not([hidden])");
    expect(await selin.locator("#mentions-badge").innerText()).toContain("1");
    const toast = selin.locator(".toast", { hasText: "Okan Demir mentioned you in the conversation with Mehmet Öz" });
    await toast.waitFor();
    await e2e.shot(selin, "71-mention-alert");
    await selin.goto(`${e2e.base}/mentions`);
    await selin.waitForSelector(".mention-item >> text=Could you approve a replacement");
    await e2e.shot(selin, "72-mentions-view");
    await selin.click(".mention-item a.button");
    await selin.waitForSelector("#thread");
    expect(await selin.locator("#mentions-badge").isHidden()).toBe(true);
    await selin.goto(`${e2e.base}/mentions`);
    await selin.waitForSelector("text=No unread mentions.");
    await okan.context().close();
    await selin.context().close();
  });

  it("previews variables as they will be sent and warns about one with no value", async () => {
    const okan = await e2e.signedIn("agent1@demo.test");
    await okan.goto(`${e2e.base}/inbox?tab=assigned`);
    await okan.click('.conversation a:has-text("Mehmet")');
    await okan.fill("#composer-body", "Hi {{contact.first_name}}, order {{crm.order_number}} is ready. {{agent.name}}");
    await okan.waitForSelector("#variable-preview:not([hidden])");
    expect(await okan.locator("#variable-preview .preview-text").innerText()).toBe("Hi Mehmet, order {{crm.order_number}} is ready. Okan Demir");
    expect(await okan.locator("#variable-preview .preview-missing").innerText()).toContain("{{crm.order_number}}");
    await e2e.shot(okan, "73-variable-preview");
    await okan.click('button[value="reply"]');
    await okan.waitForSelector("text=Not sent: this conversation has no value for {{crm.order_number}}.");
    expect(await okan.inputValue("#composer-body")).toContain("{{crm.order_number}}");
    await okan.context().close();
  });

  it("typing shows both ways between a WebChat visitor and the agent", async () => {
    const demo = await (await fetch(`${e2e.base}/widget/demo`)).text();
    const key = demo.match(/data-channel="([^"]+)"/)![1];
    site ??= Bun.serve({
      port: 0,
      fetch: () => new Response(`<!DOCTYPE html><html lang="en"><head><title>Shop</title></head><body><h1>Shop</h1><script src="${e2e.base}/widget.js" data-channel="${key}" async></script></body></html>`, { headers: { "content-type": "text/html; charset=utf-8" } }),
    });
    const visitor = await (await e2e.newContext()).newPage();
    await visitor.goto(`http://127.0.0.1:${site.port}/`);
    await visitor.locator("#kanal-webchat .launcher").click();
    const text = visitor.locator("#kanal-webchat textarea");
    await text.fill("Is the blue teapot back in stock?");
    await text.press("Enter");
    await visitor.locator("#kanal-webchat .m.in >> text=blue teapot").waitFor();

    const agent = await e2e.signedIn("agent1@demo.test");
    await agent.locator('.conversation a:has-text("blue teapot")').first().click();
    await agent.click("text=Join session");
    await agent.waitForSelector("#composer-body");
    await agent.waitForTimeout(300);

    // Signals go at most every 4 s per typist, and the first message's typing may have used this
    // window's: the visitor goes on typing until the agent's thread says so (never sent).
    const indicator = agent.locator("#typing-indicator:not([hidden]) >> text=is typing…");
    await text.pressSequentially("And the", { delay: 30 });
    for (let tries = 0; !(await indicator.isVisible()); tries++) {
      if (tries === 12) throw new Error("the visitor's typing never showed in the agent's thread");
      await agent.waitForTimeout(1000);
      await text.pressSequentially(" a", { delay: 30 });
    }
    await e2e.shot(agent, "74-visitor-typing");

    await agent.click("#composer-body");
    await agent.keyboard.type("Let me check", { delay: 30 });
    await visitor.locator("#kanal-webchat .typing >> text=Okan is typing…").waitFor();
    await e2e.shot(visitor, "75-agent-typing-in-widget");
    await agent.keyboard.press("Enter");
    await visitor.locator("#kanal-webchat .m.out >> text=Let me check").waitFor();
    expect(await visitor.locator("#kanal-webchat .typing").isHidden()).toBe(true);
    await agent.context().close();
    await visitor.context().close();
  });
});
