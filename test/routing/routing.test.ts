// The routing rules: fair turns, capacity never exceeded, only Online members, the queue in order,
// the sticky owner first, and the away and no-reply rules of a group.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { conversations, events, memberships } from "@db/schema";
import { drainWorkgroup, returnUnanswered, routeConversation, sweepRouting } from "../../src/routing/routing";
import { useTestApp } from "../support/app";
import { assigneeOf, loads, setStatus, team, waiting } from "./support";

const t = useTestApp();

async function drainAll(orgId: number, groupId: number) {
  while ((await drainWorkgroup(t.db, orgId, groupId, t.clock.now())).length > 0);
}

describe("routing a workgroup's queue", () => {
  it("round-robin: after 1,000 routed conversations among 10 Online agents no agent has more than one more than another", async () => {
    const w = await t.world();
    const { groupId, agents } = await team(t.db, w, 10, { routing: "round_robin", capacity: 1000 });
    await waiting(t.db, w, groupId, 1000, t.clock.now());
    await drainAll(w.orgId, groupId);
    const counts = await loads(t.db, agents);
    expect(counts.reduce((a, b) => a + b)).toBe(1000);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  }, 180_000);

  it("least-busy gives the fewest open conversations the next one and never passes an agent's capacity", async () => {
    const w = await t.world();
    const { groupId, agents } = await team(t.db, w, 3, { routing: "least_busy", capacity: 4 });
    await t.db.update(memberships).set({ capacity: 2 }).where(eq(memberships.userId, agents[2]));
    await waiting(t.db, w, groupId, 3, t.clock.now());
    await drainAll(w.orgId, groupId);
    expect(await loads(t.db, agents)).toEqual([1, 1, 1]);
    const later = await waiting(t.db, w, groupId, 10, t.clock.now());
    await drainAll(w.orgId, groupId);
    expect(await loads(t.db, agents)).toEqual([4, 4, 2]);
    // 13 arrived, 10 places: the three that came last still wait, in the group with nobody assigned.
    for (const id of later.slice(-3)) expect(await assigneeOf(t.db, id)).toEqual({ assigneeId: null, workgroupId: groupId });
  });

  it("members on Break, Invisible or Offline, or deactivated, get nothing", async () => {
    const w = await t.world();
    const { groupId, agents } = await team(t.db, w, 4, { routing: "round_robin", capacity: 10 });
    await setStatus(t.db, w.orgId, agents[0], "break");
    await setStatus(t.db, w.orgId, agents[1], "invisible");
    await setStatus(t.db, w.orgId, agents[2], "offline");
    await t.db.update(memberships).set({ active: false }).where(eq(memberships.userId, agents[3]));
    const [id] = await waiting(t.db, w, groupId, 1, t.clock.now());
    const routed = await t.db.transaction((tx) => routeConversation(tx, { orgId: w.orgId, conversationId: id, by: { kind: "routing" } }, t.clock.now()));
    expect(routed).toEqual({ outcome: "queued", reason: "no_agent", workgroupId: groupId, workgroupName: expect.any(String), eventIds: [] });
    expect(await loads(t.db, agents)).toEqual([0, 0, 0, 0]);
  });

  it("the queue drains oldest waiting first when an agent comes Online", async () => {
    const w = await t.world();
    const { groupId, agents } = await team(t.db, w, 1, { routing: "round_robin", capacity: 2, status: "offline" });
    const queue = await waiting(t.db, w, groupId, 4, t.clock.now());
    await drainAll(w.orgId, groupId);
    expect(await loads(t.db, agents)).toEqual([0]);
    await setStatus(t.db, w.orgId, agents[0], "online");
    await drainAll(w.orgId, groupId);
    expect((await Promise.all(queue.map((id) => assigneeOf(t.db, id)))).map((c) => c.assigneeId)).toEqual([agents[0], agents[0], null, null]);
  });

  it("a routed assignment is an event whose actor is routing, and never a forward", async () => {
    const w = await t.world();
    const { groupId, agents } = await team(t.db, w, 1, { routing: "round_robin" });
    const [id] = await waiting(t.db, w, groupId, 1, t.clock.now());
    await drainAll(w.orgId, groupId);
    const written = await t.db.select().from(events).where(eq(events.conversationId, id));
    expect(written.map((e) => ({ type: e.type, actorId: e.actorId, subject: e.subjectUserId, by: e.data.by, method: e.data.method }))).toEqual([
      { type: "assigned", actorId: null, subject: agents[0], by: "routing", method: "round_robin" },
    ]);
  });
});

describe("the sticky owner", () => {
  it("gets their returning customer first when Online and under capacity, whatever the turn", async () => {
    const w = await t.world();
    const { groupId, agents } = await team(t.db, w, 3, { routing: "round_robin" });
    const [id] = await waiting(t.db, w, groupId, 1, t.clock.now(), agents[2]);
    await drainAll(w.orgId, groupId);
    expect((await assigneeOf(t.db, id)).assigneeId).toBe(agents[2]);
  });

  it("moved to another group (a rule's 'iade → Returns'), goes to that group, not back to the owner outside it", async () => {
    const w = await t.world();
    const sales = await team(t.db, w, 1, { routing: "round_robin" });
    const returns = await team(t.db, w, 2, { routing: "round_robin" });
    const [id] = await waiting(t.db, w, sales.groupId, 1, t.clock.now());
    await drainAll(w.orgId, sales.groupId);
    // The first routing made the Sales agent the contact's owner.
    expect((await assigneeOf(t.db, id)).assigneeId).toBe(sales.agents[0]);
    const moved = await t.db.transaction((tx) => routeConversation(tx, { orgId: w.orgId, conversationId: id, workgroupId: returns.groupId, by: { kind: "rule", ruleId: 1, ruleName: "Returns" } }, t.clock.now()));
    expect(moved.outcome).toBe("assigned");
    const after = await assigneeOf(t.db, id);
    expect(returns.agents as string[]).toContain(after.assigneeId!);
    expect(after.workgroupId).toBe(returns.groupId);
  });

  it("away, the conversation waits for them up to the group's minutes, then goes to the group", async () => {
    const w = await t.world();
    const { groupId, agents } = await team(t.db, w, 2, { routing: "round_robin", ownerWaitMinutes: 10 });
    await setStatus(t.db, w.orgId, agents[1], "break");
    const [id] = await waiting(t.db, w, groupId, 1, t.clock.now(), agents[1]);
    await drainAll(w.orgId, groupId);
    expect((await assigneeOf(t.db, id)).assigneeId).toBeNull();
    t.clock.advance("5m");
    await setStatus(t.db, w.orgId, agents[1], "online");
    await drainAll(w.orgId, groupId);
    expect((await assigneeOf(t.db, id)).assigneeId).toBe(agents[1]);

    const [next] = await waiting(t.db, w, groupId, 1, t.clock.now(), agents[1]);
    await setStatus(t.db, w.orgId, agents[1], "offline");
    t.clock.advance("11m");
    await sweepRouting(t.db, t.clock.now());
    expect((await assigneeOf(t.db, next)).assigneeId).toBe(agents[0]);
  });

  it("without a wait, goes straight to the group when the owner is away", async () => {
    const w = await t.world();
    const { groupId, agents } = await team(t.db, w, 2, { routing: "round_robin" });
    await setStatus(t.db, w.orgId, agents[1], "offline");
    const [id] = await waiting(t.db, w, groupId, 1, t.clock.now(), agents[1]);
    await drainAll(w.orgId, groupId);
    expect((await assigneeOf(t.db, id)).assigneeId).toBe(agents[0]);
  });
});

describe("a group's away and no-reply rules", () => {
  it("an agent going on Break gives back their unanswered conversations when the group asks for it", async () => {
    const w = await t.world();
    const { groupId, agents } = await team(t.db, w, 2, { routing: "round_robin", returnOnAway: true });
    await setStatus(t.db, w.orgId, agents[1], "offline");
    const [unanswered, answered] = await waiting(t.db, w, groupId, 2, t.clock.now());
    await drainAll(w.orgId, groupId);
    await t.db.update(conversations).set({ firstResponseAt: t.clock.now() }).where(eq(conversations.id, answered));
    await setStatus(t.db, w.orgId, agents[0], "break");
    const back = await returnUnanswered(t.db, w.orgId, agents[0], t.clock.now());
    expect(back.workgroupIds).toEqual([groupId]);
    expect(await assigneeOf(t.db, unanswered)).toEqual({ assigneeId: null, workgroupId: groupId });
    expect((await assigneeOf(t.db, answered)).assigneeId).toBe(agents[0]);
    await setStatus(t.db, w.orgId, agents[1], "online");
    await drainAll(w.orgId, groupId);
    expect((await assigneeOf(t.db, unanswered)).assigneeId).toBe(agents[1]);
  });

  it("a conversation with no reply within the group's minutes goes to the next agent, without a forward", async () => {
    const w = await t.world();
    const { groupId, agents } = await team(t.db, w, 2, { routing: "round_robin", rerouteMinutes: 5 });
    const [id] = await waiting(t.db, w, groupId, 1, t.clock.now());
    await drainAll(w.orgId, groupId);
    const first = (await assigneeOf(t.db, id)).assigneeId!;
    t.clock.advance("4m");
    await sweepRouting(t.db, t.clock.now());
    expect((await assigneeOf(t.db, id)).assigneeId).toBe(first);
    t.clock.advance("2m");
    await sweepRouting(t.db, t.clock.now());
    expect((await assigneeOf(t.db, id)).assigneeId).toBe(agents.find((a) => a !== first)!);
    const forwards = await t.db.select().from(events).where(and(eq(events.conversationId, id), eq(events.type, "forwarded")));
    expect(forwards).toEqual([]);
  });
});
