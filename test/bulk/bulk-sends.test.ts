// Bulk sends end to end against the fake Graph API: audiences from a filter and from a list, the
// template's variables per contact, pacing (and slowing down on rate limits), pause, resume and
// cancel, opt-out keywords, and replies opening the bulk conversation.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { bulkRecipients, bulkSends, contacts, conversations, events, messages } from "@db/schema";
import { countAudience, parseNumbers } from "../../src/bulk/audience";
import { BulkRefused, createBulkSend, getBulkSend, steerBulkSend } from "../../src/bulk/sends";
import { bulkCounts, recipientPage } from "../../src/bulk/progress";
import { commit } from "../../src/realtime/changes";
import { useTestApp } from "../support/app";
import { useLiveChannels } from "../channels/support/live-channels";
import { bulkWorld, newRunner, runToEnd, taggedContacts } from "./support";

const t = useTestApp();
const live = useLiveChannels(t);

const template = { name: "order_update", language: "en" };
const parameters = ["{{contact.name}}", "{{field.order_no}}"];

describe("audience", () => {
  it("a list: E.164 checked, duplicates removed, a header passed over, bad lines reported", () => {
    const parsed = parseNumbers("phone,name\n+90 555 111 22 33,Ayşe\n00905551112233\n(0555) 111\nnot a number\n+905559998877;x\n\n+1 (415) 555-0100");
    expect(parsed.numbers).toEqual(["+905551112233", "+905559998877", "+14155550100"]);
    expect(parsed.duplicates).toBe(1);
    expect(parsed.bad.map((b) => b.line)).toEqual([4, 5]);
  });

  it("a filter counts the tagged contacts with a CRM field; a list adds unknown numbers as contacts, each contact once", async () => {
    const { w, channel, supervisor } = await bulkWorld(t, live, "430000000000001");
    const { tagId, contacts: tagged } = await taggedContacts(t, w.orgId, channel.id, "vip", 5, "1");
    await t.db.update(contacts).set({ customFields: { order_no: "A-0", city: "İzmir" } }).where(eq(contacts.id, tagged[0].id));
    const filter = { tagIds: [tagId], channels: [], fields: [], lastFrom: undefined, lastTo: undefined };
    expect(await countAudience(t.db, w.orgId, filter, "Europe/Istanbul")).toBe(5);
    expect(await countAudience(t.db, w.orgId, { ...filter, fields: [{ key: "city", type: "text", op: "equals", value: "izmir" }] }, "Europe/Istanbul")).toBe(1);
    const numbers = [tagged[1].phone!, "+905550000001", "+905550000002"];
    const made = await commit(t.database, w.orgId, (db) => createBulkSend(db, supervisor, { name: "Mixed", channelId: channel.id, template, parameters, filter, numbers, skipOpen: false, pace: 20, startAt: null }, t.clock.now()));
    expect(made.recipients).toBe(7);
    const unknown = await t.db.select().from(contacts).where(and(eq(contacts.orgId, w.orgId), eq(contacts.phone, "+905550000001")));
    expect(unknown).toHaveLength(1);
    // Another organization's tag matches nothing of this one, and its people cannot see the send.
    const other = await bulkWorld(t, live, "430000000000002");
    expect(await countAudience(t.db, other.w.orgId, filter, "Europe/Istanbul")).toBe(0);
    expect(await getBulkSend(t.db, other.supervisor, made.send.id)).toBeNull();
    await expect(steerBulkSend(t.db, other.supervisor, made.send.id, "pause", t.clock.now())).rejects.toThrow(BulkRefused);
  });

  it("agents may not send in bulk; a template with the wrong number of variables is refused", async () => {
    const { w, channel, agent, supervisor } = await bulkWorld(t, live, "430000000000003");
    const input = { name: "x", channelId: channel.id, template, parameters, filter: null, numbers: ["+905551230000"], skipOpen: false, pace: 20, startAt: null };
    await expect(createBulkSend(t.db, agent, input, t.clock.now())).rejects.toThrow("forbidden");
    await expect(createBulkSend(t.db, supervisor, { ...input, parameters: ["only one"] }, t.clock.now())).rejects.toThrow("no_template");
    await expect(createBulkSend(t.db, supervisor, { ...input, pace: 500 }, t.clock.now())).rejects.toThrow("pace");
    expect(w.orgId).toBeGreaterThan(0);
  });
});

describe("sending", () => {
  it("each recipient gets the template with its own values, at the pace, once; statuses move the figures", async () => {
    const { w, channel, supervisor } = await bulkWorld(t, live, "430000000000004");
    const { tagId, contacts: people } = await taggedContacts(t, w.orgId, channel.id, "june", 12, "2");
    const made = await commit(t.database, w.orgId, (db) =>
      createBulkSend(db, supervisor, { name: "June", channelId: channel.id, template, parameters, filter: { tagIds: [tagId], channels: [], fields: [] }, numbers: [], skipOpen: false, pace: 4, startAt: null }, t.clock.now()),
    );
        const runner = newRunner(t);
    // The first pass sends one; each second of clock after it, at most four more.
    await runner.runOnce();
    await t.app.runtime.outbox.runOnce();
    expect(sentOn(channel.phoneId)).toBe(1);
    t.clock.advance(1_000);
    await runner.runOnce();
    await t.app.runtime.outbox.runOnce();
    expect(sentOn(channel.phoneId)).toBe(5);
    await runToEnd(t, live, runner);
    const sent = live.fake.sent.filter((m) => m.channel === channel.phoneId);
    expect(sent).toHaveLength(12);
    expect(new Set(sent.map((s) => s.to)).size).toBe(12);
    const first = sent.find((s) => s.to === people[0].phone!.slice(1))!;
    expect(first.body.template).toEqual({ name: "order_update", language: { code: "en" }, components: [{ type: "body", parameters: [{ type: "text", text: people[0].name }, { type: "text", text: "A-0" }] }] });
    await runner.runOnce();
    const counts = await bulkCounts(t.db, made.send.id);
    expect(counts).toMatchObject({ total: 12, queued: 0, sent: 12, delivered: 12, read: 12, failed: 0 });
    const [send] = await t.db.select().from(bulkSends).where(eq(bulkSends.id, made.send.id));
    expect(send.status).toBe("done");
    // The conversations are of type bulk, closed until the customer answers.
    const convs = await t.db.select().from(conversations).where(and(eq(conversations.type, "bulk"), eq(conversations.channelId, channel.id)));
    expect(convs).toHaveLength(12);
    expect(convs.every((c) => c.status === "closed")).toBe(true);
  });

  it("a scheduled send waits for its time, then starts", async () => {
    const { w, channel, supervisor } = await bulkWorld(t, live, "430000000000010");
    const startAt = new Date(t.clock.now().getTime() + 3_600_000);
    const made = await commit(t.database, w.orgId, (db) =>
      createBulkSend(db, supervisor, { name: "Later", channelId: channel.id, template, parameters: ["{{contact.name}}", "L-1"], filter: null, numbers: ["+905558880001"], skipOpen: false, pace: 20, startAt }, t.clock.now()),
    );
    const runner = newRunner(t);
    await runner.runOnce();
    expect((await t.db.select().from(bulkSends).where(eq(bulkSends.id, made.send.id)))[0].status).toBe("scheduled");
    t.clock.set(startAt);
    await runToEnd(t, live, runner);
    expect(sentOn(channel.phoneId)).toBe(1);
    expect((await t.db.select().from(bulkSends).where(eq(bulkSends.id, made.send.id)))[0].status).toBe("done");
  });

  it("a rate limit (429, 130429) halves the pace; the run goes on and sends everyone once", async () => {
    const { w, channel, supervisor } = await bulkWorld(t, live, "430000000000005");
    const { tagId } = await taggedContacts(t, w.orgId, channel.id, "limit", 20, "3");
    const made = await commit(t.database, w.orgId, (db) =>
      createBulkSend(db, supervisor, { name: "Limited", channelId: channel.id, template, parameters, filter: { tagIds: [tagId], channels: [], fields: [] }, numbers: [], skipOpen: false, pace: 8, startAt: null }, t.clock.now()),
    );
        const runner = newRunner(t);
    await runner.runOnce();
    t.clock.advance(1_000);
    live.fake.failNext("rate-limit", { times: 3 });
    await runner.runOnce();
    await t.app.runtime.outbox.runOnce();
    t.clock.advance(1_000);
    await runner.runOnce();
    const [slowed] = await t.db.select().from(bulkSends).where(eq(bulkSends.id, made.send.id));
    expect(slowed.currentPace).toBe(4);
    expect(slowed.throttledAt).not.toBeNull();
    await runToEnd(t, live, runner);
    const sent = live.fake.sent.filter((m) => m.channel === channel.phoneId);
    expect(sent).toHaveLength(20);
    expect(new Set(sent.map((s) => s.to)).size).toBe(20);
    expect((await bulkCounts(t.db, made.send.id)).sent).toBe(20);
  });

  it("pause stops new sends, resume goes on where it stopped, cancel leaves the rest unsent", async () => {
    const { w, channel, supervisor } = await bulkWorld(t, live, "430000000000006");
    const { tagId } = await taggedContacts(t, w.orgId, channel.id, "pause", 10, "4");
    const made = await commit(t.database, w.orgId, (db) =>
      createBulkSend(db, supervisor, { name: "Steered", channelId: channel.id, template, parameters, filter: { tagIds: [tagId], channels: [], fields: [] }, numbers: [], skipOpen: false, pace: 2, startAt: null }, t.clock.now()),
    );
        const runner = newRunner(t);
    await runner.runOnce();
    t.clock.advance(1_000);
    await runner.runOnce();
    await t.app.runtime.outbox.runOnce();
    expect(sentOn(channel.phoneId)).toBe(3);
    await steerBulkSend(t.db, supervisor, made.send.id, "pause", t.clock.now());
    for (let i = 0; i < 3; i++) {
      t.clock.advance(1_000);
      await runner.runOnce();
      await t.app.runtime.outbox.runOnce();
    }
    expect(sentOn(channel.phoneId)).toBe(3);
    await steerBulkSend(t.db, supervisor, made.send.id, "resume", t.clock.now());
    t.clock.advance(1_000);
    await runner.runOnce();
    await t.app.runtime.outbox.runOnce();
    expect(sentOn(channel.phoneId)).toBeGreaterThan(3);
    await steerBulkSend(t.db, supervisor, made.send.id, "cancel", t.clock.now());
    const sentSoFar = sentOn(channel.phoneId);
    await runToEnd(t, live, runner);
    expect(sentOn(channel.phoneId)).toBe(sentSoFar);
    const counts = await bulkCounts(t.db, made.send.id);
    expect(counts.cancelled).toBe(10 - sentSoFar);
    await expect(steerBulkSend(t.db, supervisor, made.send.id, "resume", t.clock.now())).rejects.toThrow("not_now");
  });

  it("opted-out, blocked, numberless and (when asked) already-talking contacts are skipped with their reason", async () => {
    const { w, channel, supervisor } = await bulkWorld(t, live, "430000000000007");
    const { tagId, contacts: people } = await taggedContacts(t, w.orgId, channel.id, "skips", 6, "5");
    await t.db.update(contacts).set({ bulkOptedOutAt: t.clock.now() }).where(eq(contacts.id, people[0].id));
    await t.db.update(contacts).set({ blockedAt: t.clock.now() }).where(eq(contacts.id, people[1].id));
    await t.db.update(contacts).set({ phone: null }).where(eq(contacts.id, people[2].id));
    await t.db.insert(conversations).values({ orgId: w.orgId, contactId: people[3].id, channelId: channel.id, status: "open" });
    const made = await commit(t.database, w.orgId, (db) =>
      createBulkSend(db, supervisor, { name: "Skips", channelId: channel.id, template, parameters, filter: { tagIds: [tagId], channels: [], fields: [] }, numbers: [], skipOpen: true, pace: 20, startAt: null }, t.clock.now()),
    );
    await runToEnd(t, live, newRunner(t));
    const page = await recipientPage(t.db, made.send.id, "skipped", 0);
    expect(Object.fromEntries(page.rows.map((r) => [r.contactId, r.skipReason]))).toEqual({ [people[0].id]: "opted_out", [people[1].id]: "blocked", [people[2].id]: "invalid_number", [people[3].id]: "open_conversation" });
    expect((await bulkCounts(t.db, made.send.id)).sent).toBe(2);
  });

  it("an opt-out keyword (any case, trimmed) opts the customer out, with an event; other words do not", async () => {
    const { w, channel } = await bulkWorld(t, live, "430000000000009");
    await live.fake.pushWhatsAppText({ channel: channel.webhookKey, from: "905557770001", name: "Can", text: " iptal. " });
    await live.fake.pushWhatsAppText({ channel: channel.webhookKey, from: "905557770002", name: "Ece", text: "stop sending me the wrong size" });
    await live.settle();
    const people = await t.db.select({ name: contacts.name, out: contacts.bulkOptedOutAt }).from(contacts).where(eq(contacts.orgId, w.orgId)).orderBy(contacts.name);
    expect(people.filter((p) => ["Can", "Ece"].includes(p.name)).map((p) => [p.name, p.out !== null])).toEqual([["Can", true], ["Ece", false]]);
    const [event] = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "contact_updated")));
    expect(event.data).toMatchObject({ bulkOptOut: true, by: "keyword", keyword: "IPTAL" });
  });

  it("a reply opens the bulk conversation (type bulk, linked), routed to the channel's queue, and counts as replied", async () => {
    const { w, channel, supervisor } = await bulkWorld(t, live, "430000000000008");
    await t.db.update(channelsTable()).set({ workgroupId: w.workgroupId }).where(eq(channelsTable().id, channel.id));
    const made = await commit(t.database, w.orgId, (db) =>
      createBulkSend(db, supervisor, { name: "Replies", channelId: channel.id, template, parameters: ["{{contact.name}}", "X-1"], filter: null, numbers: ["+905556660001", "+905556660002"], skipOpen: false, pace: 20, startAt: null }, t.clock.now()),
    );
    await runToEnd(t, live, newRunner(t));
    await live.fake.pushWhatsAppText({ channel: channel.webhookKey, from: "905556660001", name: "Deniz", text: "Where is it?" });
    await live.settle();
    const [recipient] = await t.db
      .select({ conversationId: bulkRecipients.conversationId })
      .from(bulkRecipients)
      .innerJoin(contacts, eq(contacts.id, bulkRecipients.contactId))
      .where(and(eq(bulkRecipients.bulkSendId, made.send.id), eq(contacts.phone, "+905556660001")));
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.id, recipient.conversationId!));
    expect(conv).toMatchObject({ type: "bulk", status: "open", workgroupId: w.workgroupId });
    const thread = await t.db.select({ direction: messages.direction, kind: messages.kind }).from(messages).where(eq(messages.conversationId, conv.id)).orderBy(messages.id);
    expect(thread).toEqual([{ direction: "out", kind: "template" }, { direction: "in", kind: "text" }]);
    expect((await bulkCounts(t.db, made.send.id)).replied).toBe(1);
  });
});

/** What the fake took through one phone number (other tests' sends run beside them). */
function sentOn(phoneId: string) {
  return live.fake.sent.filter((m) => m.channel === phoneId).length;
}

function channelsTable() {
  return require("@db/schema").channels as typeof import("@db/schema").channels;
}
