// Issue 18 in the browser: a reply typed in the Instagram app shows as sent from another app, and a
// customer's reaction marks its message while the conversation stays where it was; an Instagram story
// mention, a WhatsApp contact card and an order appear in the thread as cards.
import { beforeAll, describe, expect, it } from "bun:test";
import { startFakeMeta } from "../../fakes/meta/server";
import { demoChannels, demoIds } from "../../fakes/meta/demo";
import { newInstagramMid, wa } from "../../fakes/meta/payloads";
import { igShared, waShared } from "../../fakes/meta/shared-kinds";
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

  it("a story mention, a contact card and an order appear as cards; a reaction leaves the conversation where it was", async () => {
    const page = await e2e.signedIn("agent1@demo.test");
    // Instagram: the customer mentions the account in a story; its picture comes from the story's link.
    const from = "17841000000000199";
    const picture = fake.putMedia(await Bun.file(`${import.meta.dir}/../../fakes/meta/post.png`).bytes(), "image/png", demoIds.instagram.id);
    await fake.pushInstagram([igShared.storyMention({ from, to: demoIds.instagram.id, mid: newInstagramMid(), url: fake.mediaUrl(picture.id, 24 * 3600_000) })]);
    await page.goto(`${e2e.base}/inbox?tab=all`);
    await page.click('.conversation a:has-text("17841000000000199")');
    await page.waitForSelector("#thread .story-card >> text=Mentioned you in their story");
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>("#thread .story-card img");
      return !!img && img.complete && img.naturalWidth > 0;
    });
    await e2e.shot(page, "61-story-mention");

    // WhatsApp: a contact card, then an order, arriving live in the open thread.
    const customer = "905551119988";
    const greeting = await fake.pushWhatsAppText({ from: customer, name: "Melis Kaya", text: "Merhaba, arkadaşımın numarası ve siparişim:" });
    await page.goto(`${e2e.base}/inbox?tab=all`);
    await page.click('.conversation a:has-text("Melis Kaya")');
    await page.waitForSelector("#thread .message.in >> text=arkadaşımın numarası");
    await fake.pushWhatsAppRaw(waShared.contacts({ from: customer, people: [{ name: "Mert Yılmaz", phone: "+90 532 111 22 33", waId: "905321112233", email: "mert@example.com" }] }), { name: "Melis Kaya" });
    await page.waitForSelector("#thread .contact-card >> text=Mert Yılmaz");
    await fake.pushWhatsAppRaw(
      waShared.order({ from: customer, text: "Kapıda ödeme", items: [{ productId: "TSHIRT-M-BLUE", quantity: 2, unitPrice: 249.9, currency: "TRY" }, { productId: "MUG-WHITE", quantity: 1, unitPrice: 120, currency: "TRY" }] }),
      { name: "Melis Kaya" },
    );
    await page.waitForSelector("#thread .order-card .order-total");
    expect(await page.locator("#thread .order-card .order-total").innerText()).toContain("619.80");
    await expect(page.locator("#thread .contact-card button >> text=Save contact").count()).resolves.toBe(1);

    // A reaction to the greeting: a badge on it, and the conversation stays where it was in the list.
    const row = async () => page.locator(`.conversation:has-text("Melis Kaya")`).first().innerText();
    const before = await row();
    await fake.pushWhatsAppRaw(wa.reaction({ from: customer, messageId: greeting.message.id, emoji: "🙏" }), { name: "Melis Kaya" });
    await page.waitForSelector("#thread .message.in .reaction-badge >> text=🙏");
    expect(await page.locator("#thread .message.in").count()).toBe(3);
    expect(await row()).toBe(before);
    await e2e.shot(page, "62-contact-card-and-order");

    // Saving the card makes it a contact the card then opens.
    await page.click("#thread .contact-card button >> text=Save contact");
    await page.waitForSelector("#thread .contact-card a >> text=Open contact");

    // The cards fit every screen width, in English and Turkish.
    const thread = page.url();
    for (const locale of ["en", "tr"]) {
      for (const [width, height] of [[1440, 900], [768, 1024], [390, 844]] as const) {
        await page.setViewportSize({ width, height });
        await page.goto(thread);
        await page.locator("#thread .order-card").scrollIntoViewIfNeeded();
        const cut = await page.evaluate(() =>
          Array.from(document.querySelectorAll("#thread .share-card, #thread .share-card *"))
            .filter((el) => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
            .map((el) => el.className),
        );
        expect({ width, locale, cut }).toEqual({ width, locale, cut: [] });
        await e2e.shot(page, `63-cards-${width}-${locale}`);
      }
      if (locale === "en") {
        await page.setViewportSize({ width: 1440, height: 900 });
        await page.goto(thread);
        await page.click('.language-switch button[value="tr"]');
        await page.waitForSelector("html[lang=tr]");
      }
    }
    await page.context().close();
  });
});
