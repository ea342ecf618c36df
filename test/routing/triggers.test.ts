// What sets routing going, through the real app: a customer's first message on a channel with a
// workgroup, an agent coming Online or going on Break, closing, a manual hand-over to the group.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { channels, conversations, events } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { changeStatus } from "../../src/cockpit/statuses";
import { assignConversation } from "../../src/inbox/assignment";
import { commit } from "../../src/realtime/changes";
import { useTestApp } from "../support/app";
import { addChannel, metaJson, signedPost, waText, whatsappPayload } from "../support/channels";
import { assigneeOf, team } from "./support";

const t = useTestApp();
let seq = 0;

async function setup(settings: Parameters<typeof team>[3]) {
  const w = await t.world();
  const phoneId = `4200000009${String(++seq).padStart(5, "0")}`;
  const { groupId, agents } = await team(t.db, w, 2, settings);
  const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId: phoneId, wabaId: "310000000000001" });
  await t.db.update(channels).set({ workgroupId: groupId }).where(eq(channels.id, channel.id));
  const settle = () => t.app.runtime.background.idle();
  /** A new customer's first message; the conversation it opened. */
  const firstMessage = async (from: string) => {
    const m = waText(from, `Müşteri ${from}`, "Merhaba");
    const body = metaJson(whatsappPayload(phoneId, { contacts: [m.contact], messages: [m.message] }));
    expect((await t.app.request(`/webhooks/${channel.webhookKey}`, signedPost(body))).status).toBe(200);
    await settle();
    const all = await t.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.channelId, channel.id)).orderBy(conversations.id);
    return all.at(-1)!.id;
  };
  /** A status change as the agent makes it, through the after-commit seam like the route. */
  const status = async (userId: string, to: "online" | "break" | "offline") => {
    const actor = (await actorFor(t.db, userId, w.orgId))!;
    await commit(t.database, w.orgId, (db) => changeStatus(db, actor, userId, to, t.clock.now()));
    await settle();
  };
  return { w, groupId, agents, firstMessage, status, settle };
}

describe("routing follows committed changes", () => {
  it("a customer's first message on a channel with a round-robin workgroup goes to its Online agents in turn, by routing", async () => {
    const s = await setup({ routing: "round_robin" });
    const first = await s.firstMessage("905550000001");
    const second = await s.firstMessage("905550000002");
    const owners = [(await assigneeOf(t.db, first)).assigneeId, (await assigneeOf(t.db, second)).assigneeId];
    expect(new Set(owners)).toEqual(new Set(s.agents));
    const [assigned] = await t.db.select().from(events).where(eq(events.conversationId, first)).then((rows) => rows.filter((e) => e.type === "assigned"));
    expect(assigned.data).toMatchObject({ by: "routing", workgroupId: s.groupId, method: "round_robin" });
    const admin = await t.signIn(s.w.admin.email, s.w.orgId);
    const thread = await admin.html(`/inbox/${first}`);
    expect(thread.text).toMatch(new RegExp(`Assigned to Agent \\d+\\.\\d by routing \\(Team \\d+, round-robin\\)`));
  });

  it("with nobody Online it waits in the group; the first agent to come Online gets it", async () => {
    const s = await setup({ routing: "least_busy", status: "offline" });
    const id = await s.firstMessage("905550000003");
    expect(await assigneeOf(t.db, id)).toEqual({ assigneeId: null, workgroupId: s.groupId });
    const admin = await t.signIn(s.w.admin.email, s.w.orgId);
    const open = await admin.html("/inbox");
    expect(open.text).toMatch(/<span class="assignee">Team \d+ · waiting \d+ min<\/span>/);
    expect((await admin.html(`/inbox/${id}`)).text).toMatch(/<span class="badge queue">Team \d+ · waiting \d+ min<\/span>/);
    await s.status(s.agents[1], "online");
    expect((await assigneeOf(t.db, id)).assigneeId).toBe(s.agents[1]);
  });

  it("going on Break hands unanswered conversations back; a full agent's free place drains the queue", async () => {
    const s = await setup({ routing: "round_robin", capacity: 1, returnOnAway: true, status: "offline" });
    await s.status(s.agents[0], "online");
    const first = await s.firstMessage("905550000004");
    const second = await s.firstMessage("905550000005");
    expect((await assigneeOf(t.db, first)).assigneeId).toBe(s.agents[0]);
    expect((await assigneeOf(t.db, second)).assigneeId).toBeNull();
    await s.status(s.agents[1], "online");
    expect((await assigneeOf(t.db, second)).assigneeId).toBe(s.agents[1]);
    await s.status(s.agents[0], "break");
    // Back in the queue; agent 1 is full, so it waits.
    expect(await assigneeOf(t.db, first)).toEqual({ assigneeId: null, workgroupId: s.groupId });
    const supervisor = (await actorFor(t.db, s.w.supervisor.id, s.w.orgId))!;
    await commit(t.database, s.w.orgId, (db) => assignConversation(db, supervisor, second, { userId: s.w.supervisor.id }, t.clock.now()));
    await s.settle();
    expect((await assigneeOf(t.db, first)).assigneeId).toBe(s.agents[1]);
  });
});

describe("assigning by hand", () => {
  it("to a workgroup puts the conversation in its queue with nobody assigned; to a user keeps the group only for a member", async () => {
    const s = await setup({ routing: "manual" });
    const admin = (await actorFor(t.db, s.w.admin.id, s.w.orgId))!;
    const id = await s.firstMessage("905550000006");
    await assignConversation(t.db, admin, id, { userId: s.agents[0] }, t.clock.now());
    expect(await assigneeOf(t.db, id)).toEqual({ assigneeId: s.agents[0], workgroupId: s.groupId });
    await assignConversation(t.db, admin, id, { workgroupId: s.w.workgroupId }, t.clock.now());
    expect(await assigneeOf(t.db, id)).toEqual({ assigneeId: null, workgroupId: s.w.workgroupId });
    await assignConversation(t.db, admin, id, { userId: s.w.agent2.id }, t.clock.now());
    expect(await assigneeOf(t.db, id)).toEqual({ assigneeId: s.w.agent2.id, workgroupId: null });
  });
});
