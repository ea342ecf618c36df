import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { organizations } from "@db/schema";
import { useTestApp } from "../support/app";

const t = useTestApp();

describe("organization settings", () => {
  it("admins change name, time zone, language and the agents-see-only-their-own rule", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const bad = await admin.post("/admin/organization", { name: "", timezone: "Nowhere/Land", locale: "tr" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Required.");
    const ok = await admin.post("/admin/organization", { name: "Acme Türkiye", timezone: "Europe/Berlin", locale: "tr", agentsSeeOnlyOwn: "on" });
    expect(ok.status).toBe(303);
    const [org] = await t.db.select().from(organizations).where(eq(organizations.id, w.orgId));
    expect(org).toMatchObject({ name: "Acme Türkiye", timezone: "Europe/Berlin", locale: "tr", settings: { agentsSeeOnlyOwn: true } });
    await admin.post("/admin/organization", { name: "Acme", timezone: "Europe/Istanbul", locale: "en" });
    const [after] = await t.db.select().from(organizations).where(eq(organizations.id, w.orgId));
    expect(after.settings).toEqual({ agentsSeeOnlyOwn: false });
  });

  it("is for admins only, and only ever changes the admin's own organization", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    expect((await supervisor.post("/admin/organization", { name: "X", timezone: "UTC", locale: "en" })).status).toBe(403);
    const admin = await t.signIn(w.admin.email, w.orgId);
    await admin.post("/admin/organization", { name: "Mine", timezone: "UTC", locale: "en", orgId: String(rival.orgId) });
    const [theirs] = await t.db.select().from(organizations).where(eq(organizations.id, rival.orgId));
    expect(theirs.name).not.toBe("Mine");
  });
});
