import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { attachments, channels, contactIdentities, contacts, conversations, conversationTags, events, ledgerBalances, ledgerEntries, messages, notes, tags, webhookDeliveries } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { storageFor } from "../../src/media/storage";
import { useTestApp } from "../support/app";
import { readSse } from "../support/sse";

const t = useTestApp();

async function setup(options: { agentsSeeOnlyOwn?: boolean } = {}) {
  const w = await t.world("Acme", options);
  const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WhatsApp", webhookKey: newWebhookKey() }).returning();
  return { w, wa };
}

describe("contacts are created and edited by agents", () => {
  it("creates a contact with an E.164 phone, refuses a bad or taken number keeping what was typed, and edits it", async () => {
    const { w } = await setup();
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.html("/contacts")).text).toContain("New contact");
    const bad = await agent.post("/contacts", { name: "Deniz Kaya", phone: "532 11", email: "" });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain("international form");
    expect(badHtml).toContain('value="Deniz Kaya"');

    const made = await agent.post("/contacts", { name: "Deniz Kaya", phone: "+90 532 111 22 33", email: "Deniz@Example.test" });
    expect(made.status).toBe(303);
    const [deniz] = await t.db.select().from(contacts).where(and(eq(contacts.orgId, w.orgId), eq(contacts.name, "Deniz Kaya")));
    expect(deniz).toMatchObject({ phone: "+905321112233", email: "deniz@example.test" });
    expect(made.headers.get("location")).toBe(`/contacts/${deniz.id}`);

    const taken = await agent.post("/contacts", { name: "Someone", phone: "+905321112233" });
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain("Another contact already has this number");

    expect((await agent.html(`/contacts/${deniz.id}/edit`)).text).toContain('value="+905321112233"');
    const edited = await agent.post(`/contacts/${deniz.id}/edit`, { name: "Deniz K.", phone: "+905321112234", email: "" });
    expect(edited.status).toBe(303);
    const [after] = await t.db.select().from(contacts).where(eq(contacts.id, deniz.id));
    expect(after).toMatchObject({ name: "Deniz K.", phone: "+905321112234", email: null });
    const [event] = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "contact_updated")));
    expect(event.data).toMatchObject({ contactId: deniz.id, by: "agent" });
  });

  it("keeps another organization's and another agent's contacts out of reach", async () => {
    const { w, wa } = await setup({ agentsSeeOnlyOwn: true });
    const [theirs] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Okan's customer", ownerId: w.agent.id }).returning();
    await t.db.insert(conversations).values({ orgId: w.orgId, contactId: theirs.id, channelId: wa.id, status: "closed", assigneeId: w.agent.id });
    const ipek = await t.signIn(w.agent2.email, w.orgId);
    const rival = await t.world("Rival");
    const stranger = await t.signIn(rival.admin.email, rival.orgId);
    for (const who of [ipek, stranger]) {
      expect((await who.get(`/contacts/${theirs.id}/edit`)).status).toBe(404);
      expect((await who.post(`/contacts/${theirs.id}/edit`, { name: "Taken over" })).status).toBe(404);
      expect((await who.get(`/contacts/${theirs.id}/delete`)).status).toBe(404);
      expect((await who.post(`/contacts/${theirs.id}/delete`, { confirm: "on" })).status).toBe(404);
    }
    const [still] = await t.db.select().from(contacts).where(eq(contacts.id, theirs.id));
    expect(still.name).toBe("Okan's customer");
  });
});

describe("deleting a contact for a privacy request", () => {
  it("asks for confirmation, then erases the contact's conversations, messages, notes, ledger and files, stored bytes included", async () => {
    const { w, wa } = await setup();
    const storage = storageFor(t.config);
    const [gone] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Forget Me", phone: "+905550009988" }).returning();
    const [kept] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Stay" }).returning();
    await t.db.insert(contactIdentities).values({ orgId: w.orgId, contactId: gone.id, channelId: wa.id, externalId: "905550009988" });
    const [conv] = await t.db.insert(conversations).values({ orgId: w.orgId, contactId: gone.id, channelId: wa.id, status: "closed" }).returning();
    const [photo] = await t.db.insert(messages).values({ orgId: w.orgId, conversationId: conv.id, channelId: wa.id, direction: "in", kind: "image", body: "my id card" }).returning();
    const photoKey = `test/${crypto.randomUUID()}.jpg`;
    const boxKey = `test/${crypto.randomUUID()}.pdf`;
    await storage.write(photoKey, new TextEncoder().encode("jpeg bytes"), "image/jpeg");
    await storage.write(boxKey, new TextEncoder().encode("pdf bytes"), "application/pdf");
    await t.db.insert(attachments).values([
      { orgId: w.orgId, messageId: photo.id, contactId: gone.id, storageKey: photoKey, filename: "id.jpg", mime: "image/jpeg", size: 10, sha256: "x" },
      { orgId: w.orgId, contactId: gone.id, storageKey: boxKey, filename: "contract.pdf", mime: "application/pdf", size: 9, sha256: "y" },
    ]);
    await t.db.insert(notes).values({ orgId: w.orgId, contactId: gone.id, body: "Prefers mornings" });
    const [raw, other] = await t.db
      .insert(webhookDeliveries)
      .values([
        { channelId: wa.id, body: '{"messages":[{"from":"905550009988","text":{"body":"my id card"}}]}', processedAt: t.clock.now() },
        { channelId: wa.id, body: '{"messages":[{"from":"905550001111","text":{"body":"hello"}}]}', processedAt: t.clock.now() },
      ])
      .returning();
    await t.db.insert(ledgerEntries).values({ orgId: w.orgId, contactId: gone.id, kind: "charge", amountMinor: 5000, currency: "TRY", idempotencyKey: "inv-1", source: "manual", occurredAt: t.clock.now() });

    const agent = await t.signIn(w.agent.email, w.orgId);
    const page = await agent.html(`/contacts/${gone.id}/delete`);
    expect(page.text).toContain("Conversations: 1");
    expect(page.text).toContain("Files (removed from storage too): 2");
    const unconfirmed = await agent.post(`/contacts/${gone.id}/delete`, {});
    expect(unconfirmed.status).toBe(422);
    expect(await t.db.select().from(contacts).where(eq(contacts.id, gone.id))).toHaveLength(1);

    const res = await agent.post(`/contacts/${gone.id}/delete`, { confirm: "on" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/contacts");
    expect(await t.db.select().from(contacts).where(eq(contacts.id, gone.id))).toHaveLength(0);
    expect(await t.db.select().from(messages).where(eq(messages.conversationId, conv.id))).toHaveLength(0);
    expect(await t.db.select().from(attachments).where(eq(attachments.contactId, gone.id))).toHaveLength(0);
    expect(await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.contactId, gone.id))).toHaveLength(0);
    expect(await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, raw.id))).toHaveLength(0);
    expect(await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, other.id))).toHaveLength(1);
    expect(await storage.read(photoKey)).toBeNull();
    expect(await storage.read(boxKey)).toBeNull();
    expect(await t.db.select().from(contacts).where(eq(contacts.id, kept.id))).toHaveLength(1);
    const [event] = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "contact_deleted")));
    expect(event).toMatchObject({ actorId: w.agent.id, data: { contactId: gone.id, conversationIds: [conv.id] } });
    expect(JSON.stringify(event.data)).not.toContain("Forget Me");
  });
});

describe("deleting a contact, live", () => {
  it("takes its conversations out of another agent's open inbox, and says so in their open thread", async () => {
    const { w, wa } = await setup();
    const [gone] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Erase Me" }).returning();
    const [conv] = await t.db.insert(conversations).values({ orgId: w.orgId, contactId: gone.id, channelId: wa.id, status: "open" }).returning();
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const stream = await supervisor.get(`/events?view=inbox&tab=open&conversation=${conv.id}`);
    expect(stream.status).toBe(200);
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.post(`/contacts/${gone.id}/delete`, { confirm: "on" })).status).toBe(303);
    const got = await readSse(stream, (m) => m.data.includes("was deleted with its contact"), 5000);
    const all = got.map((m) => m.data).join("\n");
    expect(all).toContain(`conv-${conv.id}`);
    expect(all).toContain("This conversation was deleted with its contact.");
  });
});

describe("merging two contacts", () => {
  async function pair(options: { agentsSeeOnlyOwn?: boolean } = {}) {
    const { w, wa } = await setup(options);
    const [web] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "webchat", name: "Site", webhookKey: newWebhookKey() }).returning();
    const [kept] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Ayşe Yılmaz", email: "ayse@example.test" }).returning();
    const [merged] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "+905321112233", phone: "+905321112233", customFields: { tier: "gold" } }).returning();
    await t.db.insert(contactIdentities).values({ orgId: w.orgId, contactId: merged.id, channelId: wa.id, externalId: "905321112233" });
    const [keptConv] = await t.db.insert(conversations).values({ orgId: w.orgId, contactId: kept.id, channelId: web.id, status: "open", assigneeId: w.agent.id }).returning();
    const [mergedConv] = await t.db.insert(conversations).values({ orgId: w.orgId, contactId: merged.id, channelId: wa.id, status: "closed", assigneeId: w.agent.id }).returning();
    const [vip] = await t.db.insert(tags).values({ orgId: w.orgId, name: "VIP" }).returning();
    await t.db.insert(conversationTags).values({ conversationId: mergedConv.id, tagId: vip.id });
    await t.db.insert(notes).values({ orgId: w.orgId, contactId: merged.id, body: "Asked for an invoice" });
    await t.db.insert(ledgerEntries).values([
      { orgId: w.orgId, contactId: merged.id, kind: "charge", amountMinor: 5000, currency: "TRY", idempotencyKey: "m-1", source: "manual", occurredAt: t.clock.now() },
      { orgId: w.orgId, contactId: kept.id, kind: "charge", amountMinor: 2000, currency: "TRY", idempotencyKey: "k-1", source: "manual", occurredAt: t.clock.now() },
    ]);
    return { w, wa, web, kept, merged, keptConv, mergedConv, vip };
  }

  it("moves identities, conversations with their tags, notes and the ledger to the kept contact, and tells the thread", async () => {
    const { w, kept, merged, keptConv, mergedConv, vip } = await pair();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const chooser = await agent.html(`/contacts/${kept.id}/merge?q=532111`);
    expect(chooser.text).toContain("+905321112233");
    expect((await agent.html(`/contacts/${kept.id}/merge?other=${merged.id}`)).text).toContain("is merged into Ayşe Yılmaz");
    const res = await agent.post(`/contacts/${kept.id}/merge`, { mergedId: String(merged.id) });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/contacts/${kept.id}`);

    expect(await t.db.select().from(contacts).where(eq(contacts.id, merged.id))).toHaveLength(0);
    const [after] = await t.db.select().from(contacts).where(eq(contacts.id, kept.id));
    expect(after).toMatchObject({ name: "Ayşe Yılmaz", phone: "+905321112233", email: "ayse@example.test", customFields: { tier: "gold" } });
    expect((await t.db.select().from(conversations).where(eq(conversations.id, mergedConv.id)))[0].contactId).toBe(kept.id);
    expect(await t.db.select().from(conversationTags).where(and(eq(conversationTags.conversationId, mergedConv.id), eq(conversationTags.tagId, vip.id)))).toHaveLength(1);
    expect((await t.db.select().from(contactIdentities).where(eq(contactIdentities.externalId, "905321112233")))[0].contactId).toBe(kept.id);
    expect((await t.db.select().from(notes).where(eq(notes.body, "Asked for an invoice")))[0].contactId).toBe(kept.id);
    expect(await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.contactId, kept.id))).toHaveLength(2);
    expect(await t.db.select().from(ledgerBalances).where(eq(ledgerBalances.contactId, kept.id))).toEqual([expect.objectContaining({ currency: "TRY", balanceMinor: 7000, entries: 2 })]);
    expect(await t.db.select().from(ledgerBalances).where(eq(ledgerBalances.contactId, merged.id))).toHaveLength(0);

    const [event] = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "contacts_merged")));
    expect(event.data).toMatchObject({ contactId: kept.id, mergedId: merged.id });
    const thread = await agent.html(`/inbox/${keptConv.id}?tab=all`);
    expect(thread.text).toContain("+905321112233 was merged into Ayşe Yılmaz by Okan Agent");
  });

  it("refuses while both contacts have an open conversation, naming them, and moves nothing", async () => {
    const { w, kept, merged, keptConv, mergedConv } = await pair();
    await t.db.update(conversations).set({ status: "open" }).where(eq(conversations.id, mergedConv.id));
    const agent = await t.signIn(w.agent.email, w.orgId);
    const res = await agent.post(`/contacts/${kept.id}/merge`, { mergedId: String(merged.id) });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain("Both contacts have an open conversation");
    expect(html).toContain(`/inbox/${keptConv.id}?tab=all`);
    expect(html).toContain(`/inbox/${mergedConv.id}?tab=all`);
    expect(await t.db.select().from(contacts).where(eq(contacts.id, merged.id))).toHaveLength(1);
    expect((await t.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.orgId, w.orgId), eq(ledgerEntries.idempotencyKey, "m-1"))))[0].contactId).toBe(merged.id);
  });

  it("keeps the ledger immutable outside a merge", async () => {
    const { kept, merged } = await pair();
    const moved = t.db.update(ledgerEntries).set({ contactId: kept.id }).where(eq(ledgerEntries.contactId, merged.id));
    expect(await moved.then(() => "moved", (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message))).toContain("immutable");
  });

  it("refuses a merge with a contact the agent may not see, or one of another organization", async () => {
    const { w, wa } = await setup({ agentsSeeOnlyOwn: true });
    const [mine] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Mine", ownerId: w.agent2.id }).returning();
    const [theirs] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Theirs", ownerId: w.agent.id }).returning();
    await t.db.insert(conversations).values({ orgId: w.orgId, contactId: theirs.id, channelId: wa.id, status: "closed", assigneeId: w.agent.id });
    const rival = await t.world("Rival");
    const [foreign] = await t.db.insert(contacts).values({ orgId: rival.orgId, name: "Foreign" }).returning();
    const ipek = await t.signIn(w.agent2.email, w.orgId);
    expect((await ipek.post(`/contacts/${mine.id}/merge`, { mergedId: String(theirs.id) })).status).toBe(404);
    expect((await ipek.post(`/contacts/${mine.id}/merge`, { mergedId: String(foreign.id) })).status).toBe(404);
    expect((await ipek.html(`/contacts/${mine.id}/merge?q=Theirs`)).text).not.toContain("Theirs</a>");
    expect(await t.db.select().from(contacts).where(eq(contacts.id, theirs.id))).toHaveLength(1);
    expect(await t.db.select().from(contacts).where(eq(contacts.id, foreign.id))).toHaveLength(1);
  });

  /** The live row a stream was sent for a conversation, or "" when none. */
  const rowIn = (frames: { data: string }[], conversationId: number) =>
    frames
      .flatMap((m) => m.data.split("<template"))
      .filter((part) => part.includes(`data-upsert="conv-${conversationId}"`))
      .join("");

  it("redraws the moved conversations' rows and an open thread's header under the kept name, live, on others' screens", async () => {
    const { w, kept, merged, mergedConv } = await pair();
    const selin = await t.signIn(w.supervisor.email, w.orgId);
    const ipek = await t.signIn(w.agent2.email, w.orgId);
    // Selin has the merged contact's conversation open; İpek's All list shows its row under the old name.
    const [thread, list] = await Promise.all([selin.get(`/events?view=inbox&tab=all&conversation=${mergedConv.id}`), ipek.get("/events?view=inbox&tab=all")]);
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.post(`/contacts/${kept.id}/merge`, { mergedId: String(merged.id) })).status).toBe(303);

    const [onThread, onList] = await Promise.all([
      readSse(thread, (m) => m.data.includes('hx-target="#thread-head"')),
      readSse(list, (m) => rowIn([m], mergedConv.id).includes("Ayşe Yılmaz")),
    ]);
    const head = onThread.map((m) => m.data).find((d) => d.includes('hx-target="#thread-head"'))!;
    expect(head).toContain("Ayşe Yılmaz");
    expect(head).toContain("+905321112233 · ayse@example.test · WhatsApp");
    const row = rowIn(onList, mergedConv.id);
    expect(row).toContain("Ayşe Yılmaz");
    // Redrawn where the list shows it, never added to a list that does not.
    expect(row).toContain('data-at="only"');
  });

  it("tells no one of a row they may not see", async () => {
    const { w, kept, merged, mergedConv } = await pair({ agentsSeeOnlyOwn: true });
    const selin = await t.signIn(w.supervisor.email, w.orgId);
    const ipek = await t.signIn(w.agent2.email, w.orgId);
    const [seen, unseen] = await Promise.all([selin.get("/events?view=inbox&tab=all"), ipek.get("/events?view=inbox&tab=all")]);
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.post(`/contacts/${kept.id}/merge`, { mergedId: String(merged.id) })).status).toBe(303);
    expect(rowIn(await readSse(seen, (m) => rowIn([m], mergedConv.id) !== ""), mergedConv.id)).toContain("Ayşe Yılmaz");
    // Okan's conversation is not İpek's to see: nothing of it reaches her.
    expect(rowIn(await readSse(unseen, () => false, 800), mergedConv.id)).toBe("");
  });
});
