// Issue 18 in the browser: a reply typed in the Instagram app shows as sent from another app, and a
// customer's reaction marks its message while the conversation stays where it was.
import { beforeAll, describe, expect, it } from "bun:test";
import { startFakeMeta } from "../../fakes/meta/server";
import { demoChannels, demoIds } from "../../fakes/meta/demo";
import { e2eEnabled, useBrowser } from "./support";

const fake = await startFakeMeta({ port: 0, receipts: { delayMs: 50 } });
const e2e = useBrowser({ env: { META_GRAPH_URL: fake.url } });

beforeAll(() => {
  if (!e2eEnabled) return;
  for (const channel of demoChannels(e2e.base)) fake.register(channel);
});

describe.skipIf(!e2eEnabled)("messages from elsewhere in the browser", () => {
  it("an echo shows as sent from another app and a reaction lands on its bubble, live", async () => {
    const page = await e2e.signedIn("agent1@demo.test");
    const from = "17841000000000188";
    const asked = await fake.pushInstagramText({ channel: demoIds.instagram.id, from, name: "Ece Tan", text: "Kapıda ödeme var mı?" });
    await page.goto(`${e2e.base}/inbox?tab=all`);
    await page.click('.conversation a:has-text("Ece Tan")');
    await page.waitForSelector("#thread .message.in >> text=Kapıda ödeme var mı?");
    await fake.pushInstagramEcho({ channel: demoIds.instagram.id, to: from, text: "Evet, kapıda ödeme var 👍" });
    await page.waitForSelector("#thread .message.out >> text=Sent from another app");
    await fake.pushInstagramReaction({ channel: demoIds.instagram.id, from, mid: asked.mid, emoji: "❤️" });
    await page.waitForSelector("#thread .message.in .reaction-badge >> text=❤️");
    expect(await page.locator("#thread .message").count()).toBe(2);
    await e2e.shot(page, "60-echo-and-reaction");
    await page.context().close();
  });
});
