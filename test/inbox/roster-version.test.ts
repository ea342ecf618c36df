import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { customFields, memberships, organizations, users, workgroups } from "@db/schema";
import { filterChoices } from "../../src/inbox/filters";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function versionOf(orgId: number) {
  const [org] = await t.db.select({ v: organizations.rosterVersion }).from(organizations).where(eq(organizations.id, orgId));
  return org.v;
}

describe("the roster version the filter choices are kept by", () => {
  it("moves on with members joining, leaving, being renamed, and with workgroups and CRM fields", async () => {
    const w = await t.world();
    const steps: [string, () => Promise<unknown>][] = [
      ["a workgroup", () => t.db.insert(workgroups).values({ orgId: w.orgId, name: "Night shift" })],
      ["a workgroup renamed", () => t.db.update(workgroups).set({ name: "Nights" }).where(eq(workgroups.name, "Night shift"))],
      ["a workgroup deleted", () => t.db.delete(workgroups).where(eq(workgroups.name, "Nights"))],
      ["a field", () => t.db.insert(customFields).values({ orgId: w.orgId, key: "tier", label: "Tier", type: "text" })],
      ["a field relabelled", () => t.db.update(customFields).set({ label: "Level" }).where(eq(customFields.orgId, w.orgId))],
      ["a field deleted", () => t.db.delete(customFields).where(eq(customFields.orgId, w.orgId))],
      [
        "a member joined",
        async () => {
          await t.db.insert(users).values({ id: "new-member", email: "new@acme.test", name: "New Member" });
          await t.db.insert(memberships).values({ orgId: w.orgId, userId: "new-member", role: "agent" });
        },
      ],
      ["a member deactivated", () => t.db.update(memberships).set({ active: false }).where(and(eq(memberships.orgId, w.orgId), eq(memberships.userId, w.agent2.id)))],
      ["a member renamed", () => t.db.update(users).set({ name: "Okan Renamed" }).where(eq(users.id, w.agent.id))],
    ];
    for (const [what, change] of steps) {
      const before = await versionOf(w.orgId);
      await change();
      expect({ what, moved: (await versionOf(w.orgId)) > before }).toEqual({ what, moved: true });
    }
  });

  it("stays with statuses, roles and languages, which the panel does not show", async () => {
    const w = await t.world();
    const before = await versionOf(w.orgId);
    await t.db.update(memberships).set({ status: "online", role: "supervisor" }).where(eq(memberships.userId, w.agent.id));
    await t.db.update(users).set({ locale: "tr" }).where(eq(users.id, w.agent.id));
    await t.db.update(users).set({ name: "Okan Agent" }).where(eq(users.id, w.agent.id));
    expect(await versionOf(w.orgId)).toBe(before);
  });

  it("moves on in every organization of someone renamed", async () => {
    const w = await t.world();
    const other = await t.world("Rival");
    await t.db.insert(memberships).values({ orgId: other.orgId, userId: w.agent.id, role: "agent" });
    const [mine, theirs] = [await versionOf(w.orgId), await versionOf(other.orgId)];
    await t.db.update(users).set({ name: "Okan Everywhere" }).where(eq(users.id, w.agent.id));
    expect(await versionOf(w.orgId)).toBeGreaterThan(mine);
    expect(await versionOf(other.orgId)).toBeGreaterThan(theirs);
    const names = (await filterChoices(t.db, other.orgId, await versionOf(other.orgId))).people.map((p) => p.name);
    expect(names).toContain("Okan Everywhere");
  });

  it("keeps the choices while the version holds, and reads them again once it moves", async () => {
    const w = await t.world();
    const first = await filterChoices(t.db, w.orgId, await versionOf(w.orgId));
    expect(await filterChoices(t.db, w.orgId, await versionOf(w.orgId))).toBe(first);
    await t.db.insert(workgroups).values({ orgId: w.orgId, name: "Night shift" });
    const after = await filterChoices(t.db, w.orgId, await versionOf(w.orgId));
    expect(after).not.toBe(first);
    expect(after.groups.map((g) => g.name)).toContain("Night shift");
  });
});
