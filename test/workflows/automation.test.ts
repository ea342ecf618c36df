import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { closingMessages, contacts, conversations, events, messages, workflowRuns } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { refreshOrganizationStats, todaysFigures } from "../../src/cockpit/metrics";
import { tagConversation } from "../../src/inbox/tagging";
import { formOfRule, ruleFromForm } from "../../src/workflows/form";
import { dueTime } from "../../src/workflows/schedule";
import { setStatus, team } from "../routing/support";
import { useTestApp } from "../support/app";
import { workflowWorld } from "./support";

const t = useTestApp();

async function setup() {
  const s = await workflowWorld(t);
  const inbound = async (externalId: string, body: string) => (await s.inbound(externalId, body)).conversationId;
  const conv = async (id: number) => (await t.db.select().from(conversations).where(eq(conversations.id, id)))[0];
  const runsOf = (workflowId: number) => t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, workflowId));
  return { ...s, inbound, conv, runsOf };
}

describe("a rule's assignment to a workgroup is routed", () => {
  it("round-robin among the group's Online members, never one on Break, by the rule, with routing's line; the cockpit counts no forward", async () => {
    t.clock.set("2026-03-02T07:00:00Z");
    const s = await setup();
    const returns = await team(t.db, s.w, 3, { routing: "round_robin", capacity: 5 });
    const [online1, online2, onBreak] = returns.agents;
    await setStatus(t.db, s.w.orgId, onBreak, "break");
    const r = await s.rule({ name: "Returns", trigger: { type: "message_received" }, conditions: [{ type: "text_contains", value: "iade" }], actions: [{ type: "assign_workgroup", workgroupId: returns.groupId }] });
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(await s.inbound(`90555000100${i}`, "İade etmek istiyorum"));
    await s.run();
    const assignees = await Promise.all(ids.map(async (id) => (await s.conv(id)).assigneeId));
    expect(assignees.filter((a) => a === online1).length).toBe(2);
    expect(assignees.filter((a) => a === online2).length).toBe(2);
    expect(assignees).not.toContain(onBreak);
    for (const id of ids) expect((await s.conv(id)).workgroupId).toBe(returns.groupId);

    const assigned = await t.db.select().from(events).where(and(eq(events.conversationId, ids[0]), eq(events.type, "assigned")));
    expect(assigned.map((e) => e.data)).toEqual([
      expect.objectContaining({ by: "rule", ruleId: r.id, ruleName: "Returns", depth: 1, queued: true, workgroupId: returns.groupId }),
      expect.objectContaining({ by: "rule", ruleId: r.id, ruleName: "Returns", depth: 1, method: "round_robin" }),
    ]);
    expect(assigned.every((e) => e.actorId === null)).toBe(true);
    const [line] = await t.db.select().from(messages).where(and(eq(messages.conversationId, ids[0]), eq(messages.direction, "event")));
    expect(line.metadata).toMatchObject({ system: "routed", ruleName: "Returns", method: "round_robin", workgroupName: expect.any(String) });
    expect((await s.runsOf(r.id)).map((x) => x.results)).toEqual(ids.map(() => [{ action: "assign_workgroup", outcome: "done", detail: "assigned" }]));

    // A second rule closes what gets the "vip" tag: the cockpit sees a resolution, and never a forward.
    const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, s.w.orgId)).limit(1);
    await s.rule({ name: "Close VIP", trigger: { type: "tag_added", tagId: s.vip.id }, actions: [{ type: "close", closingMessageId: closing.id }] });
    const first = (await s.conv(ids[0])).assigneeId!;
    const agent = (await actorFor(t.db, first, s.w.orgId))!;
    t.clock.advance("3m");
    await tagConversation(t.db, agent, ids[0], { id: s.vip.id }, t.clock.now());
    await s.run();
    expect((await s.conv(ids[0])).status).toBe("closed");
    await refreshOrganizationStats(t.db, s.w.orgId, "Europe/Istanbul", t.clock.now());
    const figures = await todaysFigures(t.db, s.w.orgId, "Europe/Istanbul", t.clock.now(), null);
    expect(figures.get(first)).toMatchObject({ resolved: 1, forwarded: 0, avgResolutionMs: 3 * 60_000 });
    expect([...figures.values()].reduce((sum, f) => sum + f.forwarded, 0)).toBe(0);
  });

  it("a full group keeps the conversation waiting in its queue, nobody over capacity, and the rule's line says so", async () => {
    const s = await setup();
    const sales = await team(t.db, s.w, 2, { routing: "least_busy", capacity: 1 });
    const r = await s.rule({ name: "Sales", trigger: { type: "conversation_opened" }, actions: [{ type: "assign_workgroup", workgroupId: sales.groupId }] });
    const ids = [await s.inbound("905550002001", "a"), await s.inbound("905550002002", "b"), await s.inbound("905550002003", "c")];
    await s.run();
    const rows = await Promise.all(ids.map(s.conv));
    expect(new Set(rows.slice(0, 2).map((c) => c.assigneeId))).toEqual(new Set(sales.agents));
    expect(rows[2]).toMatchObject({ assigneeId: null, workgroupId: sales.groupId });
    const runs = await s.runsOf(r.id);
    expect(runs.map((x) => x.results[0].detail).sort()).toEqual(["assigned", "assigned", "queued"]);
    const lines = await t.db.select().from(messages).where(and(eq(messages.conversationId, ids[2]), eq(messages.direction, "event")));
    expect(lines.map((m) => m.metadata)).toEqual([{ automation: expect.objectContaining({ action: "assign_workgroup", rule: "Sales" }) }]);
  });
});

describe("mark as spam", () => {
  it("closes the conversation as spam and blocks the contact, the rule as actor; and the rule's later actions still run", async () => {
    const s = await setup();
    const r = await s.rule({ name: "Crypto spam", trigger: { type: "message_received" }, conditions: [{ type: "text_matches", pattern: "bit ?coin" }], actions: [{ type: "mark_spam" }, { type: "add_tag", tagId: s.vip.id }] });
    const id = await s.inbound("905550003001", "Cheap BITCOIN here");
    const fine = await s.inbound("905550003002", "Siparişim nerede?");
    await s.run();
    const c = await s.conv(id);
    expect(c).toMatchObject({ type: "spam", status: "closed", closedBy: null });
    const [contact] = await t.db.select().from(contacts).where(eq(contacts.id, c.contactId));
    expect(contact.blockedAt).not.toBeNull();
    expect(contact.blockedBy).toBeNull();
    const [marked] = await t.db.select().from(events).where(and(eq(events.conversationId, id), eq(events.type, "marked_spam")));
    expect(marked.actorId).toBeNull();
    expect(marked.data).toMatchObject({ ruleId: r.id, by: "rule", ruleName: "Crypto spam", depth: 1 });
    const [line] = await t.db.select().from(messages).where(and(eq(messages.conversationId, id), eq(messages.direction, "event")));
    expect(line.metadata).toEqual({ automation: expect.objectContaining({ action: "mark_spam", rule: "Crypto spam" }) });
    expect((await s.conv(fine)).type).toBe("chat");
    const [logged] = await s.runsOf(r.id);
    expect(logged.results).toEqual([{ action: "mark_spam", outcome: "done" }, { action: "add_tag", outcome: "done" }]);
  });
});

describe("scheduled rules", () => {
  it("fire at the expression's times in the organization's time zone, once per time and contact, over the contacts the conditions and quiet days select", async () => {
    // Monday 09:00 in Istanbul (UTC+3).
    t.clock.set("2026-03-02T06:00:00Z");
    const s = await setup();
    const a = await s.inbound("905550004001", "merhaba");
    const b = await s.inbound("905550004002", "merhaba");
    const admin = (await actorFor(t.db, s.w.admin.id, s.w.orgId))!;
    await tagConversation(t.db, admin, a, { id: s.vip.id }, t.clock.now());
    const r = await s.rule({
      name: "Follow up VIPs",
      trigger: { type: "schedule", cron: "0 10 * * *", quietDays: 1 },
      conditions: [{ type: "tag", tagId: s.vip.id, present: true }],
      actions: [{ type: "note", body: "Call {{contact.name}} back" }],
    });
    const notes = async (id: number) => (await t.db.select().from(messages).where(and(eq(messages.conversationId, id), eq(messages.direction, "note")))).map((m) => m.body);

    t.clock.set("2026-03-02T06:59:00Z");
    await s.run();
    expect(await s.runsOf(r.id)).toEqual([]);
    // 10:00 the same day: A wrote an hour ago, not quiet for a day yet.
    t.clock.set("2026-03-02T07:00:30Z");
    await s.run();
    expect(await s.runsOf(r.id)).toEqual([]);
    // 10:00 the next day: A has been quiet 25 hours; B has no VIP tag.
    t.clock.set("2026-03-03T07:00:30Z");
    await s.run();
    await s.run();
    const runs = await s.runsOf(r.id);
    expect(runs.map((x) => ({ conversationId: x.conversationId, status: x.status, matched: x.matched }))).toEqual([{ conversationId: a, status: "done", matched: ["schedule", "tag"] }]);
    expect(await notes(a)).toEqual(["Call Contact 905550004001 back"]);
    expect(await notes(b)).toEqual([]);
    // A writes again at noon: at 10:00 the day after they are not quiet, and nothing fires.
    t.clock.set("2026-03-03T09:00:00Z");
    await s.inbound("905550004001", "tekrar merhaba");
    t.clock.set("2026-03-04T07:00:30Z");
    await s.run();
    expect((await s.runsOf(r.id)).length).toBe(1);
    // Days missed while nothing ran fire once, at the latest time.
    t.clock.set("2026-03-08T08:00:00Z");
    await s.run();
    await s.run();
    expect((await s.runsOf(r.id)).map((x) => x.key.slice(`schedule:${r.id}:`.length, -`:${x.contactId}`.length)).sort()).toEqual(["2026-03-03T07:00:00.000Z", "2026-03-08T07:00:00.000Z"]);
  });

  it("a rule saved after a time does not fire for it; due times follow the zone across a day change", () => {
    const saved = new Date("2026-03-02T07:30:00Z");
    expect(dueTime("0 10 * * *", "Europe/Istanbul", saved, new Date("2026-03-02T08:00:00Z"))).toBeNull();
    // 00:30 Istanbul on the 3rd is 21:30 UTC on the 2nd.
    expect(dueTime("30 0 * * *", "Europe/Istanbul", saved, new Date("2026-03-02T21:31:00Z"))).toEqual(new Date("2026-03-02T21:30:00Z"));
    expect(dueTime("30 0 * * *", "UTC", saved, new Date("2026-03-02T21:31:00Z"))).toBeNull();
  });
});

describe("the rule editor's form", () => {
  it("rows naming several channels or kinds become one 'any of' condition, and a stored rule comes back as those rows", () => {
    const read = ruleFromForm({ name: "Any", enabled: "on", flow: "continue", trigger: "message_received", c0: "channel:3", c1: "text_contains", c1v: "iade", c2: "channel:7", c3: "channel_kind:whatsapp", c4: "channel_kind:instagram", a0: "mark_spam" });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.rule.conditions).toEqual([
      { type: "channel", channelIds: [3, 7] },
      { type: "text_contains", value: "iade" },
      { type: "channel_kind", kinds: ["whatsapp", "instagram"] },
    ]);
    expect(read.rule.actions).toEqual([{ type: "mark_spam" }]);
    const form = formOfRule(read.rule);
    expect([form.c0, form.c1, form.c2, form.c3, form.c4]).toEqual(["channel:3", "channel:7", "text_contains", "channel_kind:whatsapp", "channel_kind:instagram"]);
  });

  it("a schedule needs a valid expression; its quiet days are kept", () => {
    const bad = ruleFromForm({ name: "S", trigger: "schedule", cron: "every day", a0: "note", a0v: "x" });
    expect(bad).toEqual({ ok: false, errors: { cron: "validation.invalid" } });
    const good = ruleFromForm({ name: "S", trigger: "schedule", cron: "0 10 * * 1", days: "30", a0: "note", a0v: "x" });
    expect(good.ok && good.rule.trigger).toEqual({ type: "schedule", cron: "0 10 * * 1", quietDays: 30 });
    if (good.ok) expect(formOfRule({ ...good.rule })).toMatchObject({ trigger: "schedule", cron: "0 10 * * 1", days: "30" });
  });
});
