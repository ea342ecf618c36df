import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { channels, contacts, conversations, conversationTags, tags } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { useTestApp } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

async function conversationOf(w: World, name: string) {
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const [contact] = await t.db.insert(contacts).values({ orgId: w.orgId, name }).returning();
  const [conv] = await t.db.insert(conversations).values({ orgId: w.orgId, contactId: contact.id, channelId: channel.id, status: "open", lastMessageAt: t.clock.now(), lastMessagePreview: "hi" }).returning();
  return conv.id;
}

const rowTags = (html: string, id: number) => {
  const row = html.slice(html.indexOf(`id="conv-${id}"`), html.indexOf("</li>", html.indexOf(`id="conv-${id}"`)));
  return [...row.matchAll(/<span class="tag" style="background:([^";]*);color:[^"]*">([^<]*)<\/span>/g)].map((m) => `${m[2]} ${m[1]}`);
};

describe("tags on inbox rows", () => {
  it("show each tag's name and colour as they are now, by name, however tags changed", async () => {
    const w = await t.world();
    const id = await conversationOf(w, "Tagged");
    const [vip, billing] = await t.db
      .insert(tags)
      .values([
        { orgId: w.orgId, name: "vip", color: "#ff0000" },
        { orgId: w.orgId, name: "Billing", color: "#00ff00" },
      ])
      .returning();
    await t.db.insert(conversationTags).values([{ conversationId: id, tagId: vip.id }, { conversationId: id, tagId: billing.id }]);
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect(rowTags((await agent.html("/inbox")).text, id)).toEqual(["Billing #00ff00", "vip #ff0000"]);

    // Written straight to the tables, as an admin page or a script might.
    await t.db.update(tags).set({ name: "Accounts", color: "#0000ff" }).where(eq(tags.id, billing.id));
    const [late] = await t.db.insert(tags).values({ orgId: w.orgId, name: "Late", color: "#123456" }).returning();
    await t.db.insert(conversationTags).values({ conversationId: id, tagId: late.id });
    expect(rowTags((await agent.html("/inbox")).text, id)).toEqual(["Accounts #0000ff", "Late #123456", "vip #ff0000"]);

    await t.db.delete(tags).where(eq(tags.id, vip.id));
    expect(rowTags((await agent.html("/inbox")).text, id)).toEqual(["Accounts #0000ff", "Late #123456"]);
  });
});
