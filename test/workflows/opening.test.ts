// Rules before routing: a new conversation a rule sends to a workgroup goes there first, through the
// real app (webhook, after-commit routing) and the engine run by hand; and the engine's steps, which
// move many runs a transaction and route their assignments together.
import { describe, expect, it } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { automatedReplies, channels, conversations, events, messages, workflowRuns, workflows, workgroups } from "@db/schema";
import { collectRuns, runWorkflows, stepRuns } from "../../src/workflows/engine";
import { eventsGlimpsed } from "../../src/workflows/glance";
import { routeOpenings } from "../../src/routing/openings";
import type { RuleInput } from "../../src/workflows/rules";
import { assigneeOf, loads, team } from "../routing/support";
import { useTestApp } from "../support/app";
import { addChannel, metaJson, signedPost, waText, whatsappPayload } from "../support/channels";
import { workflowWorld } from "./support";

const t = useTestApp();
let seq = 0;

/** A WhatsApp channel whose new conversations go to a round-robin group, a Returns group, and rules. */
async function setup() {
  const w = await t.world();
  const phoneId = `4200000019${String(++seq).padStart(5, "0")}`;
  const sales = await team(t.db, w, 2, { routing: "round_robin", capacity: 10 });
  const returns = await team(t.db, w, 2, { routing: "round_robin", capacity: 10 });
  const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId: phoneId, wabaId: "310000000000001" });
  await t.db.update(channels).set({ workgroupId: sales.groupId }).where(eq(channels.id, channel.id));
  await collectRuns(t.db, t.clock.now());
  let position = 0;
  const rule = async (input: Pick<RuleInput, "trigger" | "actions"> & Partial<RuleInput>) =>
    (
      await t.db
        .insert(workflows)
        .values({ orgId: w.orgId, name: input.name ?? `Rule ${position + 1}`, position: position++, enabled: true, stopAfter: false, trigger: input.trigger, conditions: input.conditions ?? [], actions: input.actions })
        .returning()
    )[0];
  /** A new customer's first message through the webhook; routing has run when it returns. */
  const firstMessage = async (from: string, text: string) => {
    const m = waText(from, `Müşteri ${from}`, text, undefined, Math.floor(t.clock.now().getTime() / 1000));
    const body = metaJson(whatsappPayload(phoneId, { contacts: [m.contact], messages: [m.message] }));
    expect((await t.app.request(`/webhooks/${channel.webhookKey}`, signedPost(body))).status).toBe(200);
    await t.app.runtime.background.idle();
    const opened = await t.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.channelId, channel.id)).orderBy(conversations.id);
    return opened.at(-1)!.id;
  };
  const engine = () => runWorkflows(t.database, () => t.clock.now());
  const assignments = (conversationId: number) => t.db.select().from(events).where(and(eq(events.conversationId, conversationId), eq(events.type, "assigned")));
  const runsOf = (workflowId: number) => t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, workflowId));
  return { w, sales, returns, rule, firstMessage, engine, assignments, runsOf };
}

describe("a new conversation a rule sends to a workgroup", () => {
  it("goes straight to that group, once, by the rule: no agent of the channel's group has it first, and the engine makes no second run", async () => {
    const s = await setup();
    const r = await s.rule({ name: "Returns", trigger: { type: "message_received" }, conditions: [{ type: "channel_kind", kinds: ["whatsapp"] }, { type: "text_contains", value: "iade" }], actions: [{ type: "assign_workgroup", workgroupId: s.returns.groupId }] });
    const id = await s.firstMessage("905551000001", "Ürünü İADE etmek istiyorum");
    // Routed as the rule sends it, before the engine has even looked.
    const routed = await assigneeOf(t.db, id);
    expect(routed.workgroupId).toBe(s.returns.groupId);
    expect(s.returns.agents as string[]).toContain(routed.assigneeId!);
    // Moved from the channel's queue to Returns' and assigned there, both by the rule: nobody in Sales had it.
    const [moved, assigned, ...more] = await s.assignments(id);
    expect(more).toEqual([]);
    expect(moved.data).toMatchObject({ by: "rule", ruleId: r.id, workgroupId: s.returns.groupId, queued: true, from: null });
    expect(assigned.data).toMatchObject({ by: "rule", ruleId: r.id, ruleName: "Returns", workgroupId: s.returns.groupId, depth: 1 });
    expect(assigned.subjectUserId).toBe(routed.assigneeId);
    expect([moved.actorId, assigned.actorId]).toEqual([null, null]);
    // Its run is the one the engine would have made, logged as done.
    const [run] = await s.runsOf(r.id);
    expect(run).toMatchObject({ status: "done", nextAction: 1, matched: ["message_received", "channel_kind", "text_contains"], results: [{ action: "assign_workgroup", outcome: "done", detail: "assigned" }] });
    await s.engine();
    expect(await s.runsOf(r.id)).toHaveLength(1);
    expect(await s.assignments(id)).toHaveLength(2);
    // The thread's line names the rule.
    const admin = await t.signIn(s.w.admin.email, s.w.orgId);
    expect((await admin.html(`/inbox/${id}`)).text).toMatch(/Assigned to Agent \d+\.\d by the rule “Returns” \(Team \d+, round-robin\)/);
    // Anything else goes to the channel's group, by routing.
    const other = await s.firstMessage("905551000002", "Merhaba");
    expect((await assigneeOf(t.db, other)).workgroupId).toBe(s.sales.groupId);
    expect((await s.assignments(other))[0].data).toMatchObject({ by: "routing" });
  });

  it("waits for the engine when a glance cannot tell; the engine routes it to the rule's group when the rule holds, and in the channel's group when not", async () => {
    const s = await setup();
    // "New contact" needs their history read: routing leaves both conversations to the engine.
    const r = await s.rule({ name: "New returns", trigger: { type: "message_received" }, conditions: [{ type: "text_contains", value: "iade" }, { type: "contact", returning: false }], actions: [{ type: "assign_workgroup", workgroupId: s.returns.groupId }] });
    await s.rule({ name: "Old returns", trigger: { type: "message_received" }, conditions: [{ type: "text_contains", value: "garanti" }, { type: "contact", returning: true }], actions: [{ type: "assign_workgroup", workgroupId: s.returns.groupId }] });
    const hit = await s.firstMessage("905551000011", "iade");
    const miss = await s.firstMessage("905551000012", "garanti");
    for (const id of [hit, miss]) expect(await assigneeOf(t.db, id)).toEqual({ assigneeId: null, workgroupId: s.sales.groupId });
    await s.engine();
    const [hitNow, missNow] = [await assigneeOf(t.db, hit), await assigneeOf(t.db, miss)];
    expect(hitNow.workgroupId).toBe(s.returns.groupId);
    expect(s.returns.agents as string[]).toContain(hitNow.assigneeId!);
    expect((await s.assignments(hit)).map((e) => e.data.by)).toEqual(["rule", "rule"]);
    expect(missNow.workgroupId).toBe(s.sales.groupId);
    expect(s.sales.agents as string[]).toContain(missNow.assigneeId!);
    expect((await s.assignments(miss)).map((e) => e.data.by)).toEqual(["routing"]);
    expect((await s.runsOf(r.id)).map((run) => run.status)).toEqual(["done"]);
  });

  it("follows the rules as they are now: one changed, disabled or enabled between two messages, even straight in the table", async () => {
    const s = await setup();
    const r = await s.rule({ name: "Returns", trigger: { type: "message_received" }, conditions: [{ type: "text_contains", value: "iade" }], actions: [{ type: "assign_workgroup", workgroupId: s.returns.groupId }] });
    // Routed as the rules stand when it arrives (the engine's pass, soon after, agrees).
    const groupOf = async (from: string, text: string) => {
      const id = await s.firstMessage(from, text);
      await s.engine();
      return (await assigneeOf(t.db, id)).workgroupId;
    };
    expect(await groupOf("905551000031", "iade")).toBe(s.returns.groupId);
    // Another keyword, written to the row as it stands (no save through the app).
    await t.db.update(workflows).set({ conditions: [{ type: "text_contains", value: "değişim" }] }).where(eq(workflows.id, r.id));
    expect(await groupOf("905551000032", "iade")).toBe(s.sales.groupId);
    expect(await groupOf("905551000033", "değişim")).toBe(s.returns.groupId);
    await t.db.update(workflows).set({ enabled: false }).where(eq(workflows.id, r.id));
    expect(await groupOf("905551000034", "değişim")).toBe(s.sales.groupId);
    await t.db.update(workflows).set({ enabled: true }).where(eq(workflows.id, r.id));
    expect(await groupOf("905551000035", "değişim")).toBe(s.returns.groupId);
  });

  it("a rule whose group is gone logs the error, and routing takes the conversation in the channel's group", async () => {
    const s = await setup();
    const [gone] = await t.db.insert(workgroups).values({ orgId: s.w.orgId, name: "Gone", routing: "round_robin" }).returning();
    const r = await s.rule({ name: "Broken", trigger: { type: "message_received" }, conditions: [{ type: "text_contains", value: "iade" }], actions: [{ type: "assign_workgroup", workgroupId: gone.id }] });
    await t.db.delete(workgroups).where(eq(workgroups.id, gone.id));
    const id = await s.firstMessage("905551000021", "iade");
    const now = await assigneeOf(t.db, id);
    expect(now.workgroupId).toBe(s.sales.groupId);
    expect(s.sales.agents as string[]).toContain(now.assigneeId!);
    const [run] = await s.runsOf(r.id);
    expect(run).toMatchObject({ status: "failed", results: [{ action: "assign_workgroup", outcome: "error", detail: "no_workgroup" }] });
  });
});

describe("when the engine's pass reads the opening first", () => {
  it("routing still takes the run's first step itself, in its batch: one run, one hop, by the rule", async () => {
    const s = await workflowWorld(t);
    const sales = await team(t.db, s.w, 2, { routing: "round_robin", capacity: 10 });
    const returns = await team(t.db, s.w, 2, { routing: "round_robin", capacity: 10 });
    await t.db.update(channels).set({ workgroupId: sales.groupId }).where(eq(channels.id, s.wa.id));
    const rule = await s.rule({ name: "Returns", trigger: { type: "message_received" }, conditions: [{ type: "text_contains", value: "iade" }], actions: [{ type: "assign_workgroup", workgroupId: returns.groupId }] });
    await collectRuns(t.db, t.clock.now());
    // Written without routing hearing it (ingestInbound, not the webhook's commit): the engine's pass reads it first.
    const opened = await s.inbound("905551000051", "iade");
    await collectRuns(t.db, t.clock.now());
    const [made] = await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, rule.id));
    expect(made).toMatchObject({ status: "pending", nextAction: 0 });
    const heard = await t.db.select().from(events).where(eq(events.conversationId, opened.conversationId)).orderBy(events.id);
    const { events: read, ...glance } = await eventsGlimpsed(t.db, s.w.orgId, heard.map((e) => e.id), ["conversation_created", "message_created"]);
    const routed = await routeOpenings(t.db, s.w.orgId, [opened.conversationId], read, glance, () => t.clock.now());
    expect(routed.forRules).toBe(false);
    const now = await assigneeOf(t.db, opened.conversationId);
    expect(now.workgroupId).toBe(returns.groupId);
    expect(returns.agents as string[]).toContain(now.assigneeId!);
    expect(await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, rule.id))).toEqual([expect.objectContaining({ id: made.id, status: "done", results: [{ action: "assign_workgroup", outcome: "done", detail: "assigned" }] })]);
    expect(await loads(t.db, sales.agents)).toEqual([0, 0]);
    // Its step is done: the engine finds nothing left to do.
    expect(await stepRuns(t.db, t.clock.now())).toBeNull();
  });

  it("leaves it to the engine's steps when an earlier run of the conversation is pending (a welcome reply first)", async () => {
    const s = await workflowWorld(t);
    const sales = await team(t.db, s.w, 1, { routing: "round_robin", capacity: 10 });
    const returns = await team(t.db, s.w, 1, { routing: "round_robin", capacity: 10 });
    await t.db.update(channels).set({ workgroupId: sales.groupId }).where(eq(channels.id, s.wa.id));
    await t.db.insert(automatedReplies).values({ orgId: s.w.orgId, channelId: s.wa.id, kind: "welcome", body: "Hoş geldiniz!", gapMinutes: 600 });
    const rule = await s.rule({ name: "Returns", trigger: { type: "message_received" }, conditions: [{ type: "text_contains", value: "iade" }], actions: [{ type: "assign_workgroup", workgroupId: returns.groupId }] });
    await collectRuns(t.db, t.clock.now());
    const opened = await s.inbound("905551000071", "iade");
    await collectRuns(t.db, t.clock.now());
    const heard = await t.db.select().from(events).where(eq(events.conversationId, opened.conversationId)).orderBy(events.id);
    const { events: read, ...glance } = await eventsGlimpsed(t.db, s.w.orgId, heard.map((e) => e.id), ["conversation_created", "message_created"]);
    expect((await routeOpenings(t.db, s.w.orgId, [opened.conversationId], read, glance, () => t.clock.now())).forRules).toBe(true);
    expect(await assigneeOf(t.db, opened.conversationId)).toEqual({ assigneeId: null, workgroupId: sales.groupId });
    // The engine's steps: the welcome first, then the rule's assignment.
    await s.run();
    expect((await assigneeOf(t.db, opened.conversationId)).workgroupId).toBe(returns.groupId);
    const out = await t.db.select().from(messages).where(and(eq(messages.conversationId, opened.conversationId), eq(messages.direction, "out")));
    expect(out.map((m) => m.body)).toEqual(["Hoş geldiniz!"]);
    const [run] = await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, rule.id));
    expect(run.status).toBe("done");
  });
});

describe("a step moves many runs", () => {
  it("one run per conversation at a time, in the rules' order; their assignments routed together, fairly", async () => {
    const s = await workflowWorld(t);
    const returns = await team(t.db, s.w, 3, { routing: "round_robin", capacity: 10 });
    await s.rule({ trigger: { type: "message_received" }, actions: [{ type: "add_tag", tagId: s.returns.id }] });
    const move = await s.rule({ trigger: { type: "message_received" }, actions: [{ type: "assign_workgroup", workgroupId: returns.groupId }] });
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push((await s.inbound(`90555100003${i}`, "iade")).conversationId);
    await collectRuns(t.db, t.clock.now());
    // The first step takes each conversation's first rule only: tags, no assignment yet.
    expect((await stepRuns(t.db, t.clock.now()))!.runs).toBe(6);
    for (const id of ids) {
      expect(await s.tagIds(id)).toEqual([s.returns.id]);
      expect((await assigneeOf(t.db, id)).assigneeId).toBeNull();
    }
    // The second routes all six in one batch: two each.
    expect((await stepRuns(t.db, t.clock.now()))!.runs).toBe(6);
    expect(await loads(t.db, returns.agents)).toEqual([2, 2, 2]);
    expect((await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, move.id))).map((r) => r.results)).toEqual(ids.map(() => [{ action: "assign_workgroup", outcome: "done", detail: "assigned" }]));
    expect(await stepRuns(t.db, t.clock.now())).toBeNull();
  });

  it("a run whose conversation was closed meanwhile logs why, and the others of its batch are routed", async () => {
    const s = await workflowWorld(t);
    const returns = await team(t.db, s.w, 2, { routing: "round_robin", capacity: 10 });
    const move = await s.rule({ trigger: { type: "message_received" }, actions: [{ type: "assign_workgroup", workgroupId: returns.groupId }] });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await s.inbound(`90555100006${i}`, "iade")).conversationId);
    await collectRuns(t.db, t.clock.now());
    await t.db.update(conversations).set({ status: "closed", closedAt: t.clock.now() }).where(eq(conversations.id, ids[1]));
    expect((await stepRuns(t.db, t.clock.now()))!.runs).toBe(3);
    expect(await loads(t.db, returns.agents)).toEqual([1, 1]);
    expect(await assigneeOf(t.db, ids[1])).toEqual({ assigneeId: null, workgroupId: null });
    const runs = await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, move.id)).orderBy(workflowRuns.id);
    expect(runs.map((r) => r.results)).toEqual([
      [{ action: "assign_workgroup", outcome: "done", detail: "assigned" }],
      [{ action: "assign_workgroup", outcome: "error", detail: "closed" }],
      [{ action: "assign_workgroup", outcome: "done", detail: "assigned" }],
    ]);
  });

  it("a batch that fails as a whole is rolled back and its runs go one by one: the failing run logs why, the others are routed", async () => {
    const s = await workflowWorld(t);
    const returns = await team(t.db, s.w, 2, { routing: "round_robin", capacity: 10 });
    // A database refusal no check foresees: the events of a rule named "Boom" cannot be written.
    await t.db.execute(sql`create function boom_events() returns trigger language plpgsql as $$ begin
        if new.data->>'ruleName' = 'Boom' then raise exception 'boom refused'; end if; return new; end $$`);
    await t.db.execute(sql`create trigger boom_events before insert on events for each row execute function boom_events()`);
    try {
      const move = await s.rule({ name: "Move", trigger: { type: "message_received" }, conditions: [{ type: "text_contains", value: "iade" }], actions: [{ type: "assign_workgroup", workgroupId: returns.groupId }] });
      const boom = await s.rule({ name: "Boom", trigger: { type: "message_received" }, conditions: [{ type: "text_contains", value: "boom" }], actions: [{ type: "assign_workgroup", workgroupId: returns.groupId }] });
      const moved = [(await s.inbound("905551000041", "iade")).conversationId, (await s.inbound("905551000042", "iade")).conversationId];
      const refused = (await s.inbound("905551000043", "boom")).conversationId;
      await collectRuns(t.db, t.clock.now());
      expect((await stepRuns(t.db, t.clock.now()))!.runs).toBe(3);
      expect(await loads(t.db, returns.agents)).toEqual([1, 1]);
      for (const id of moved) expect((await assigneeOf(t.db, id)).workgroupId).toBe(returns.groupId);
      expect(await assigneeOf(t.db, refused)).toEqual({ assigneeId: null, workgroupId: null });
      const [failed] = await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, boom.id));
      expect(failed).toMatchObject({ status: "failed", results: [{ action: "assign_workgroup", outcome: "error", detail: expect.stringContaining("boom refused") }] });
      expect((await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, move.id))).map((r) => r.status)).toEqual(["done", "done"]);
    } finally {
      await t.db.execute(sql`drop trigger boom_events on events`);
      await t.db.execute(sql`drop function boom_events()`);
    }
  });
});

describe("a rule's log", () => {
  it("keeps its last 100 runs, pruning the older ones now and then, never a pending one", async () => {
    const s = await workflowWorld(t);
    const r = await s.rule({ trigger: { type: "message_received" }, actions: [{ type: "add_tag", tagId: s.vip.id }] });
    for (let i = 0; i < 125; i++) await s.inbound(`9055510010${String(i).padStart(2, "0")}`, "merhaba");
    await s.run();
    const kept = await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, r.id));
    expect(kept.length).toBeGreaterThanOrEqual(100);
    expect(kept.length).toBeLessThan(110);
    expect(kept.every((run) => run.status === "done")).toBe(true);
  });
});
