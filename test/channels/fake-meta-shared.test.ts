// `bun run fake-meta send` pushes every shared kind of issue 18 (items 3 and 4) as Meta writes it, so
// each can be seen in the demo: WhatsApp contact cards, orders, Flow replies, number changes, edits and
// revocations; Instagram story mentions and shares. Kanal stores each as what it is.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { contactIdentities, messages } from "@db/schema";
import { useTestApp } from "../support/app";
import { SECRETS } from "../support/channels";
import { useLiveChannels } from "./support/live-channels";

const t = useTestApp();
const live = useLiveChannels(t);
const root = `${import.meta.dir}/../..`;

async function cli(channel: { webhookKey: string }, id: string, args: string[]) {
  const proc = Bun.spawn(["bun", "fakes/meta/cli.ts", "send", "--kanal", live.kanalUrl, "--fake", live.fake.url, "--channel", channel.webhookKey, "--id", id, "--secret", SECRETS.appSecret, ...args], { cwd: root, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  await live.settle();
  return [...out.matchAll(/message id (\S+)/g)].map((m) => m[1]);
}

describe("fake-meta send: shared kinds", () => {
  it("WhatsApp: a contact card, an order, a Flow reply, an edit, a revocation and a number change", async () => {
    const w = await t.world();
    const id = "420000000099001";
    const channel = await live.channel(w.orgId, "whatsapp", id);
    const from = ["--from", "905551230001", "--name", "Ayşe Demir"];
    const stored = () => t.db.select().from(messages).where(eq(messages.channelId, channel.id)).orderBy(messages.id);

    await cli(channel, id, [...from, "--contact", "Mert Yılmaz:905321112233:mert@example.com"]);
    await cli(channel, id, [...from, "--order", "TSHIRT-M:2:249.90,MUG:1:120", "--currency", "try", "--text", "Kapıda ödeme"]);
    await cli(channel, id, [...from, "--flow", '{"delivery_date":"2026-12-10","size":"M"}']);
    const [original] = await cli(channel, id, [...from, "--text", "Adresim Kadıköy"]);
    await cli(channel, id, [...from, "--edit", original, "--text", "Adresim Moda"]);
    await cli(channel, id, [...from, "--revoke", original]);
    await cli(channel, id, [...from, "--number-change", "905551230002"]);

    const all = await stored();
    expect(all.map((m) => [m.direction, m.kind, m.body])).toEqual([
      ["in", "contacts", "Mert Yılmaz"],
      ["in", "order", "Kapıda ödeme"],
      ["in", "text", "delivery_date: 2026-12-10\nsize: M"],
      // Revoked: the text leaves the body (search, previews) for the audit copy.
      ["in", "text", ""],
      ["event", "text", "User Ayşe Demir changed from 905551230001 to 905551230002"],
    ]);
    expect(all[0].metadata.contacts).toMatchObject([{ phones: [{ waId: "905321112233" }], emails: [{ email: "mert@example.com" }] }]);
    expect(all[1].metadata.order).toMatchObject({ items: [{ productId: "TSHIRT-M", quantity: 2, unitPrice: 249.9, currency: "TRY" }, { productId: "MUG", quantity: 1, unitPrice: 120 }] });
    expect(all[3].metadata.deleted).toMatchObject({ body: "Adresim Moda" });
    const [identity] = await t.db.select().from(contactIdentities).where(eq(contactIdentities.channelId, channel.id));
    expect(identity.externalId).toBe("905551230002");
  });

  it("Instagram: a story mention with its picture, a story reply and a shared post", async () => {
    const w = await t.world();
    const id = "17841400000099002";
    const channel = await live.channel(w.orgId, "instagram", id);
    const image = `${root}/fakes/meta/post.png`;
    const from = ["--kind", "instagram", "--from", "7100000000099003"];
    await cli(channel, id, [...from, "--story-mention", "--image", image]);
    await cli(channel, id, [...from, "--story-reply", "--image", image, "--text", "Bu hangi renk?"]);
    await cli(channel, id, [...from, "--share", "post", "--title", "Yeni sezon", "--text", "Bunun M bedeni var mı?"]);
    const all = await t.db.select().from(messages).where(eq(messages.channelId, channel.id)).orderBy(messages.id);
    expect(all.map((m) => [m.kind, m.body])).toEqual([
      ["story", ""],
      ["text", "Bu hangi renk?"],
      ["share", "Bunun M bedeni var mı?"],
    ]);
    expect(all[0].metadata.story).toMatchObject({ kind: "mention" });
    expect(all[1].metadata.story).toMatchObject({ kind: "reply" });
    expect(all[2].metadata.share).toMatchObject({ kind: "post", title: "Yeni sezon" });
    // The story's link is the fake's: Kanal fetches the picture from it when an agent looks.
    const agent = await t.signIn(w.admin.email, w.orgId);
    const picture = await agent.get(`/inbox/${all[0].conversationId}/messages/${all[0].id}/story`);
    expect(picture.headers.get("content-type")).toBe("image/png");
  });
});
