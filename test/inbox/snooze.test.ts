import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { channels, conversationReads, conversations, events, messages } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { chosenTime, presetTime } from "../../src/inbox/snooze-times";
import { snoozeConversation, wakeDueConversations } from "../../src/inbox/snoozing";
import { countTabs } from "../../src/inbox/tab-counts";
import { commit } from "../../src/realtime/changes";
import { useTestApp } from "../support/app";
import { readSse } from "../support/sse";

const t = useTestApp();

async function customer(name = "Acme", phone = "905550001111") {
  const w = await t.world(name);
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  let seq = 0;
  const inbound = (body: string) => ({ orgId: w.orgId, channelId: channel.id, externalId: phone, contactName: "Deniz Customer", body, providerMessageId: `wamid.${phone}.${++seq}.${Math.random()}`, at: t.clock.now() });
  const { conversationId } = await ingestInbound(t.db, inbound("Hello, my order?"));
  return { w, conversationId, inbound };
}

const row = async (id: number) => (await t.db.select().from(conversations).where(eq(conversations.id, id)))[0];
const eventsOf = async (id: number, type: "snoozed" | "woke") => t.db.select().from(events).where(and(eq(events.conversationId, id), eq(events.type, type)));

describe("snooze", () => {
  it("snoozing moves an open conversation from Open to Snoozed until the time chosen, as an event with a line in the thread", async () => {
    const { w, conversationId } = await customer();
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect(await countTabs(t.db, w.orgId, undefined)).toEqual({ open: 1, assigned: 0, snoozed: 0, closed: 0, all: 1 });
    const res = await agent.post(`/inbox/${conversationId}/snooze`, { preset: "hour" }, { htmx: true });
    expect(res.status).toBe(200);
    const thread = await res.text();
    expect(thread).toContain("Snoozed by Okan Agent until");
    expect(thread).toContain("Wake now");
    const snoozed = await row(conversationId);
    expect(snoozed.status).toBe("open");
    expect(snoozed.snoozedUntil?.getTime()).toBe(t.clock.now().getTime() + 3_600_000);
    expect(await eventsOf(conversationId, "snoozed")).toHaveLength(1);
    expect(await countTabs(t.db, w.orgId, undefined)).toEqual({ open: 0, assigned: 0, snoozed: 1, closed: 0, all: 1 });
    expect(await (await agent.get("/inbox")).text()).not.toContain(`id="conv-${conversationId}"`);
    const snoozedTab = await (await agent.get("/inbox?tab=snoozed")).text();
    expect(snoozedTab).toContain(`id="conv-${conversationId}"`);
    expect(snoozedTab).toMatch(/Snoozed <span class="count">1<\/span>/);
  });

  it("comes back at its time through the job, unread for everyone and live, with a line saying why; the job wakes each once", async () => {
    const { w, conversationId } = await customer();
    const admin = (await actorFor(t.db, w.admin.id, w.orgId))!;
    const agent = await t.signIn(w.agent.email, w.orgId);
    await agent.get(`/inbox/${conversationId}`); // read it
    expect(await t.db.select().from(conversationReads).where(eq(conversationReads.conversationId, conversationId))).toHaveLength(1);
    await commit(t.database, w.orgId, (db) => snoozeConversation(db, admin, conversationId, new Date(t.clock.now().getTime() + 30 * 60_000), t.clock.now()));
    const stream = await agent.get("/events?view=inbox&tab=open");
    expect(await wakeDueConversations(t.database, t.clock.now())).toBe(0);
    t.clock.advance("31m");
    // Two processes' jobs at once: each due conversation is woken by exactly one.
    const [a, b] = await Promise.all([wakeDueConversations(t.database, t.clock.now()), wakeDueConversations(t.database, t.clock.now())]);
    expect(a + b).toBe(1);
    expect(await eventsOf(conversationId, "woke")).toHaveLength(1);
    expect((await eventsOf(conversationId, "woke"))[0].data).toMatchObject({ reason: "time" });
    expect((await row(conversationId)).snoozedUntil).toBeNull();
    expect(await t.db.select().from(conversationReads).where(eq(conversationReads.conversationId, conversationId))).toHaveLength(0);
    const live = await readSse(stream, (m) => m.data.includes(`conv-${conversationId}`));
    expect(live.find((m) => m.data.includes(`conv-${conversationId}`))!.data).toContain("unread");
    const list = await (await agent.get("/inbox")).text();
    expect(list).toMatch(new RegExp(`id="conv-${conversationId}" class="conversation unread"`));
    expect(await (await agent.get(`/inbox/${conversationId}`)).text()).toContain("Back from snooze: its time came");
  });

  it("comes back as soon as the customer writes, and the job covers a process that stopped before waking it", async () => {
    const { w, conversationId, inbound } = await customer();
    const admin = (await actorFor(t.db, w.admin.id, w.orgId))!;
    await commit(t.database, w.orgId, (db) => snoozeConversation(db, admin, conversationId, new Date(t.clock.now().getTime() + 86_400_000), t.clock.now()));
    t.clock.advance("5m");
    await commit(t.database, w.orgId, (db) => ingestInbound(db, inbound("Any news?")));
    await t.app.runtime.background.idle();
    expect((await row(conversationId)).snoozedUntil).toBeNull();
    expect((await eventsOf(conversationId, "woke"))[0].data).toMatchObject({ reason: "customer" });

    // A message stored while no process heard it (a crash after commit): the job finds it.
    await commit(t.database, w.orgId, (db) => snoozeConversation(db, admin, conversationId, new Date(t.clock.now().getTime() + 86_400_000), t.clock.now()));
    t.clock.advance("1m");
    await ingestInbound(t.db, inbound("Hello?"));
    expect((await row(conversationId)).snoozedUntil).not.toBeNull();
    expect(await wakeDueConversations(t.database, t.clock.now())).toBe(1);
    expect((await row(conversationId)).snoozedUntil).toBeNull();
    const lines = await t.db.select({ metadata: messages.metadata }).from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "event")));
    expect(lines.map((l) => (l.metadata as { system: string; reason?: string }).reason ?? l.metadata.system)).toEqual(["snoozed", "customer", "snoozed", "customer"]);
  });

  it("Wake now brings it back; closing a snoozed conversation ends the snooze and the counts follow", async () => {
    const { w, conversationId } = await customer();
    const agent = await t.signIn(w.agent.email, w.orgId);
    await agent.post(`/inbox/${conversationId}/snooze`, { preset: "tomorrow" });
    const woken = await agent.post(`/inbox/${conversationId}/unsnooze`, {}, { htmx: true });
    expect(await woken.text()).toContain("Woken from snooze by Okan Agent");
    expect((await row(conversationId)).snoozedUntil).toBeNull();
    await agent.post(`/inbox/${conversationId}/snooze`, { preset: "next_week" });
    expect(await countTabs(t.db, w.orgId, undefined)).toEqual({ open: 0, assigned: 0, snoozed: 1, closed: 0, all: 1 });
    expect((await agent.post(`/inbox/${conversationId}/close`, { closingMessageId: "none" })).status).toBe(303);
    expect((await row(conversationId)).snoozedUntil).toBeNull();
    expect(await countTabs(t.db, w.orgId, undefined)).toEqual({ open: 0, assigned: 0, snoozed: 0, closed: 1, all: 1 });
    // Closed, it is no longer the job's: its only wake stays the agent's.
    await wakeDueConversations(t.database, new Date(t.clock.now().getTime() + 30 * 86_400_000));
    expect(await eventsOf(conversationId, "woke")).toHaveLength(1);
  });

  it("a time already past, a malformed one or one more than a year away is refused with a reason, and nothing changes", async () => {
    const { w, conversationId } = await customer();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const past = await agent.post(`/inbox/${conversationId}/snooze`, { preset: "custom", at: "2020-01-01T09:00" }, { htmx: true });
    expect(past.status).toBe(422);
    expect(await past.text()).toContain("That time has already passed");
    expect((await agent.post(`/inbox/${conversationId}/snooze`, { preset: "custom", at: "tomorrow" }, { htmx: true })).status).toBe(422);
    const far = await agent.post(`/inbox/${conversationId}/snooze`, { preset: "custom", at: "2030-01-01T09:00" }, { htmx: true });
    expect(await far.text()).toContain("at most a year");
    expect((await agent.post(`/inbox/${conversationId}/snooze`, { preset: "someday" }, { htmx: true })).status).toBe(422);
    expect((await row(conversationId)).snoozedUntil).toBeNull();
  });

  it("another organization's member cannot snooze or wake a conversation: 404 and nothing changes", async () => {
    const { conversationId } = await customer("Victim", "905550002222");
    const other = await t.world("Mallory");
    const attacker = await t.signIn(other.admin.email, other.orgId);
    expect((await attacker.post(`/inbox/${conversationId}/snooze`, { preset: "hour" })).status).toBe(404);
    expect((await attacker.post(`/inbox/${conversationId}/unsnooze`, {})).status).toBe(404);
    expect((await row(conversationId)).snoozedUntil).toBeNull();
    expect(await eventsOf(conversationId, "snoozed")).toHaveLength(0);
  });

  it("presets and chosen times are read in the organization's time zone", () => {
    // Sunday 6 December 2026, 10:30 in Istanbul (UTC+3).
    const now = new Date("2026-12-06T07:30:00Z");
    const tz = "Europe/Istanbul";
    expect(presetTime("hour", now, tz)?.toISOString()).toBe("2026-12-06T08:30:00.000Z");
    expect(presetTime("tonight", now, tz)?.toISOString()).toBe("2026-12-06T17:00:00.000Z");
    expect(presetTime("tomorrow", now, tz)?.toISOString()).toBe("2026-12-07T06:00:00.000Z");
    expect(presetTime("next_week", now, tz)?.toISOString()).toBe("2026-12-07T06:00:00.000Z");
    // Monday: next week is the Monday after; after 20:00 there is no "tonight".
    expect(presetTime("next_week", new Date("2026-12-07T07:00:00Z"), tz)?.toISOString()).toBe("2026-12-14T06:00:00.000Z");
    expect(presetTime("tonight", new Date("2026-12-06T18:30:00Z"), tz)).toBeNull();
    expect(chosenTime("2026-12-10T14:30", tz)?.toISOString()).toBe("2026-12-10T11:30:00.000Z");
    // Daylight saving: New York is UTC-4 in July, UTC-5 in December; month ends roll over.
    expect(chosenTime("2026-07-01T09:00", "America/New_York")?.toISOString()).toBe("2026-07-01T13:00:00.000Z");
    expect(presetTime("tomorrow", new Date("2026-12-31T20:00:00Z"), "America/New_York")?.toISOString()).toBe("2027-01-01T14:00:00.000Z");
    expect(chosenTime("2026-13-01T09:00", tz)).toBeNull();
  });
});
