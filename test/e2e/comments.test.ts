// A comment on the demo Page's Facebook post lands in the inbox through the fake Graph API; an agent
// finds it with the Comment filter, sees the post, replies privately, and the contact's Messenger
// conversation opens with the reply sent. The seeded comment thread gets a public reply.
import { beforeAll, describe, expect, it } from "bun:test";
import { startFakeMeta } from "../../fakes/meta/server";
import { demoChannels, demoComment, demoIds } from "../../fakes/meta/demo";
import { e2eEnabled, useBrowser } from "./support";

const fake = await startFakeMeta({ port: 0, receipts: { delayMs: 50 } });
const e2e = useBrowser({ env: { META_GRAPH_URL: fake.url } });

beforeAll(() => {
  if (!e2eEnabled) return;
  for (const channel of demoChannels(e2e.base)) fake.register(channel);
  fake.comments.remember({ channel: demoIds.messenger.id, ...demoComment, at: new Date() });
});

describe.skipIf(!e2eEnabled)("comments in the browser", () => {
  it("a Facebook comment arrives, the agent replies privately, and the contact's Messenger conversation opens with the reply", async () => {
    const okan = await e2e.signedIn("agent1@demo.test");
    await okan.goto(`${e2e.base}/inbox`);
    const pushed = await fake.pushComment({ kind: "messenger", channel: demoIds.messenger.id, from: "7100000000000077", name: "Deniz Yıldız", text: "Bu ayakkabının 40 numarası kaldı mı?", post: "Kış koleksiyonu mağazalarda ❄️" });
    expect(pushed.status).toBe(200);
    // It arrives live in the Open tab, and the Comment filter finds it.
    await okan.waitForSelector('.conversation a:has-text("Deniz Yıldız")');
    await okan.goto(`${e2e.base}/inbox?tab=all&type=comment&f=1`);
    await okan.click('.conversation a:has-text("Deniz Yıldız")');
    await okan.waitForSelector(".comment-post >> text=Kış koleksiyonu mağazalarda");
    await okan.waitForSelector('.comment-post img[alt="The post\'s picture"]');
    await okan.click("#thread-footer button:has-text('Join session')");
    await okan.waitForSelector("button:has-text('Reply privately')");
    // The join's own live update redraws the footer once; the draft is typed after it.
    await okan.waitForTimeout(500);
    await e2e.shot(okan, "49-comment-thread");

    await okan.fill("#composer-body", "Merhaba Deniz, 40 numara stokta. Sipariş için size yazıyorum 🙂");
    expect(await okan.inputValue("#composer-body")).toContain("40 numara stokta");
    await okan.click("button:has-text('Reply privately')");
    await okan.waitForSelector("text=Replied privately in the chat conversation.");
    await e2e.shot(okan, "50-private-reply-line");
    const chatLink = okan.locator("a[data-private-chat]").last();
    await chatLink.click();
    await okan.waitForSelector("#thread .message.out >> text=Merhaba Deniz, 40 numara stokta.");
    await okan.waitForSelector("#thread .message.out .delivery.sent, #thread .message.out .delivery.delivered, #thread .message.out .delivery.read");
    expect(await okan.locator("#thread-head").innerText()).toContain("Deniz Yıldız");
    expect(await okan.locator("#thread").getAttribute("data-conversation")).not.toBeNull();
    await e2e.shot(okan, "51-private-reply-chat");
    expect(fake.comments.comments.get(pushed.comment.id)!.privateReply).toBeTruthy();
    await okan.context().close();
  });

  it("the seeded comment thread takes a public reply and a hide, at 390 px too", async () => {
    const ipek = await e2e.signedIn("agent2@demo.test");
    await ipek.goto(`${e2e.base}/inbox?tab=all&type=comment&f=1`);
    await ipek.click(`.conversation a:has-text("${demoComment.name}")`);
    await ipek.waitForSelector(".comment-post >> text=sneaker");
    await ipek.click("#thread-footer button:has-text('Join session')");
    await ipek.waitForSelector("button:has-text('Reply publicly')");
    await ipek.waitForTimeout(500);
    await ipek.fill("#composer-body", "Merhaba Zeynep! 38 numara var, fiyatı 1.499 TL.");
    expect(await ipek.inputValue("#composer-body")).toContain("38 numara var");
    await ipek.click("button:has-text('Reply publicly')");
    await ipek.waitForSelector("#thread .message.out >> text=Public reply");
    await ipek.waitForSelector("#thread .message.out .delivery.sent");
    expect(fake.comments.comments.get(demoComment.commentId)!.replies.map((r) => r.text)).toEqual(["Merhaba Zeynep! 38 numara var, fiyatı 1.499 TL."]);
    await ipek.click("#thread .comment-actions button:has-text('Hide')");
    await ipek.waitForSelector("#thread .message.in >> text=Hidden");
    expect(fake.comments.comments.get(demoComment.commentId)!.hidden).toBe(true);
    await e2e.shot(ipek, "52-public-reply");
    await ipek.setViewportSize({ width: 390, height: 800 });
    await e2e.shot(ipek, "53-comment-390");
    // In Turkish, at 768 px.
    await ipek.setViewportSize({ width: 768, height: 900 });
    await ipek.click('.language-switch button[lang="tr"]');
    await ipek.waitForSelector("button:has-text('Herkese açık yanıtla')");
    await ipek.waitForSelector(".comment-post >> text=Gönderiyi aç");
    await e2e.shot(ipek, "54-comment-tr-768");
    await ipek.context().close();
  });
});
