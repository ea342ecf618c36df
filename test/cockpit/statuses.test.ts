import { describe, expect, it } from "bun:test";
import { changeStatus, StatusChangeRefused } from "../../src/cockpit/statuses";
import { actorFor } from "../../src/auth/accounts";
import { useTestApp } from "../support/app";

const t = useTestApp();

describe("who may change an agent's status", () => {
  it("a supervisor moves an online agent between online, break and invisible, never to or from offline", async () => {
    const w = await t.world();
    const now = t.clock.now();
    const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
    const supervisor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
    await expect(changeStatus(t.db, supervisor, w.agent.id, "online", now)).rejects.toEqual(new StatusChangeRefused("offline_target"));
    await changeStatus(t.db, agent, w.agent.id, "online", now);
    expect((await changeStatus(t.db, supervisor, w.agent.id, "break", now)).changed).toBe(true);
    expect((await changeStatus(t.db, supervisor, w.agent.id, "invisible", now)).changed).toBe(true);
    await expect(changeStatus(t.db, supervisor, w.agent.id, "offline", now)).rejects.toEqual(new StatusChangeRefused("offline_by_other"));
  });

  it("an agent changes only their own status", async () => {
    const w = await t.world();
    const now = t.clock.now();
    const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
    const other = (await actorFor(t.db, w.agent2.id, w.orgId))!;
    await changeStatus(t.db, other, w.agent2.id, "online", now);
    await expect(changeStatus(t.db, agent, w.agent2.id, "break", now)).rejects.toEqual(new StatusChangeRefused("forbidden"));
  });

  it("nobody changes the status of another organization's member", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const admin = (await actorFor(t.db, w.admin.id, w.orgId))!;
    await expect(changeStatus(t.db, admin, rival.agent.id, "break", t.clock.now())).rejects.toEqual(new StatusChangeRefused("not_found"));
  });
});
