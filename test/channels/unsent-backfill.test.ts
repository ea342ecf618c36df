// Migration 0028 on messages customers unsent before it: their text leaves the body (so the search)
// and the list's preview for the audit copy in metadata.deleted; the thread still says they were
// removed, and a second run, or any other message, is left alone.
import { describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { channels, contacts, conversations, messages } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { useTestApp } from "../support/app";

const t = useTestApp();

/** The migration's statements after its index: the backfill, as it runs on an upgrade. */
async function backfill() {
  const text = await Bun.file(new URL("../../db/migrations/0028_data_hygiene.sql", import.meta.url)).text();
  for (const statement of text.split("--> statement-breakpoint").filter((s) => /^\s*(--.*\n\s*)*UPDATE/i.test(s))) await t.db.execute(sql.raw(statement));
}

describe("migration 0028's backfill of unsent messages", () => {
  it("moves an unsent message's text and earlier versions out of the body and the preview, and nothing else", async () => {
    const w = await t.world();
    const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "instagram", name: "IG", config: {}, webhookKey: newWebhookKey() }).returning();
    const at = (minutes: number) => new Date(t.clock.now().getTime() - minutes * 60_000);
    const conversation = async (name: string, lastAt: Date, preview: string) => {
      const [contact] = await t.db.insert(contacts).values({ orgId: w.orgId, name }).returning();
      const [row] = await t.db.insert(conversations).values({ orgId: w.orgId, contactId: contact.id, channelId: channel.id, status: "open", lastMessageAt: lastAt, lastMessagePreview: preview }).returning();
      return row.id;
    };
    const message = async (conversationId: number, body: string, createdAt: Date, metadata: Record<string, unknown> = {}) =>
      (await t.db.insert(messages).values({ orgId: w.orgId, conversationId, channelId: channel.id, direction: "in", body, metadata, createdAt }).returning())[0].id;
    const deleted = (minutes: number) => ({ at: at(minutes).toISOString(), by: "customer" });

    // The unsent message is the latest, with an earlier version; its preview was already emptied.
    const one = await conversation("Zeynep", at(10), "");
    const oneKept = await message(one, "Merhaba", at(20));
    const oneGone = await message(one, "Kart 4111  2222", at(10), { editedAt: at(11).toISOString(), edits: [{ body: "Kart 4111", at: at(10).toISOString() }], deleted: deleted(9) });
    // Delivered late after a newer message: the preview still shows it.
    const two = await conversation("Deniz", at(5), "Eski adresim Kadıköy");
    await message(two, "Yeni adresim", at(5));
    const twoGone = await message(two, "Eski  adresim\nKadıköy", at(6), { deleted: deleted(4) });
    // A comment deleted by the business is another kind of mark, and stays as it is.
    const three = await conversation("Selin", at(3), "Güzel ürün");
    const comment = await message(three, "Güzel ürün", at(3), { commentId: "c1", deleted: true });

    await backfill();
    await backfill();

    const row = async (id: number) => (await t.db.select().from(messages).where(eq(messages.id, id)))[0];
    expect((await row(oneGone)).body).toBe("");
    expect((await row(oneGone)).metadata).toEqual({ editedAt: at(11).toISOString(), deleted: { ...deleted(9), body: "Kart 4111  2222", edits: [{ body: "Kart 4111", at: at(10).toISOString() }] } });
    expect((await row(twoGone)).body).toBe("");
    expect((await row(twoGone)).metadata).toEqual({ deleted: { ...deleted(4), body: "Eski  adresim\nKadıköy" } });
    expect((await row(oneKept)).body).toBe("Merhaba");
    expect(await row(comment)).toMatchObject({ body: "Güzel ürün", metadata: { commentId: "c1", deleted: true } });
    const previews = await t.db.select({ id: conversations.id, preview: conversations.lastMessagePreview }).from(conversations).where(eq(conversations.channelId, channel.id)).orderBy(conversations.id);
    expect(previews).toEqual([
      { id: one, preview: "" },
      { id: two, preview: "" },
      { id: three, preview: "Güzel ürün" },
    ]);

    // The thread says it was removed; a supervisor still opens the text for audit.
    const agent = (await (await t.signIn(w.agent.email, w.orgId)).html(`/inbox/${two}`)).text;
    expect(agent).toContain("The customer deleted this message.");
    expect(agent).not.toContain("Kadıköy");
    const supervisor = (await (await t.signIn(w.supervisor.email, w.orgId)).html(`/inbox/${one}`)).text;
    expect(supervisor).toContain("<s>Kart 4111  2222</s>");
  });
});
