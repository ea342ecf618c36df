import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { memberships } from "@db/schema";
import { useTestApp } from "../support/app";

const t = useTestApp();

const statusOf = async (orgId: number, userId: string) =>
  (await t.db.select().from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId))))[0].status;

describe("cockpit board", () => {
  it("is for supervisors and admins; agents are refused", async () => {
    const w = await t.world();
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.get("/cockpit")).status).toBe(403);
    expect((await agent.post("/cockpit/status", { userId: w.agent2.id, status: "break" })).status).toBe(403);
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const page = await supervisor.html("/cockpit");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Okan Agent");
  });

  it("lets a supervisor put an online agent on break but never touch an offline one", async () => {
    const w = await t.world();
    await t.signIn(w.agent.email, w.orgId); // picking the organization brings the agent online
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    await supervisor.post("/cockpit/status", { userId: w.agent.id, status: "break" });
    expect(await statusOf(w.orgId, w.agent.id)).toBe("break");
    const refused = await supervisor.post("/cockpit/status", { userId: w.agent2.id, status: "online" });
    expect(refused.status).toBe(303);
    expect(await statusOf(w.orgId, w.agent2.id)).toBe("offline");
    expect((await supervisor.html("/cockpit")).text).toContain("only the agent can leave or enter Offline");
  });

  it("cannot reach another organization's members", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    await t.signIn(rival.agent.email, rival.orgId);
    const admin = await t.signIn(w.admin.email, w.orgId);
    expect((await admin.post("/cockpit/status", { userId: rival.agent.id, status: "break" })).status).toBe(404);
    expect(await statusOf(rival.orgId, rival.agent.id)).toBe("online");
  });
});
