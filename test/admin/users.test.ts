import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { events, memberships, users } from "@db/schema";
import { useTestApp } from "../support/app";

const t = useTestApp();

function linkFrom(html: string): string {
  const m = html.match(/\/password\/([A-Za-z0-9_-]+)/);
  if (!m) throw new Error("no password link in page");
  return m[0];
}

describe("admin users", () => {
  it("invites a new person with a one-time password link they can use once", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const res = await admin.post("/admin/users", { name: "Deniz Yeni", email: "Deniz@Example.test", role: "agent", workgroupIds: [String(w.workgroupId)] });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Deniz Yeni was invited");
    const link = linkFrom(html);

    const [user] = await t.db.select().from(users).where(eq(users.email, "deniz@example.test"));
    expect(user.passwordHash).toBeNull();

    const visitor = t.client();
    expect((await visitor.get(link)).status).toBe(200);
    const mismatch = await visitor.post(link, { password: "long-enough-1", confirm: "different-1" });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain("The passwords do not match.");
    const set = await visitor.post(link, { password: "long-enough-1", confirm: "long-enough-1" });
    expect(set.status).toBe(303);
    expect((await visitor.post(link, { password: "another-one-2", confirm: "another-one-2" })).status).toBe(404);

    const newcomer = await t.signIn("deniz@example.test", w.orgId, "long-enough-1");
    expect((await newcomer.get("/inbox")).status).toBe(200);
    const list = await admin.html("/admin/users?q=Deniz");
    expect(list.text).toContain("Support");
  });

  it("expires password links after seven days", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const link = linkFrom(await (await admin.post("/admin/users", { name: "Late Larry", email: "larry@example.test", role: "agent" })).text());
    t.clock.advance("7d1m");
    expect((await t.client().get(link)).status).toBe(404);
    t.clock.set("2026-01-05T09:00:00Z");
  });

  it("invites someone who already has an account without a link, and refuses a second membership", async () => {
    const a = await t.world();
    const b = await t.world("Beta");
    const admin = await t.signIn(b.admin.email, b.orgId);
    const res = await admin.post("/admin/users", { name: "ignored", email: a.agent.email, role: "supervisor" });
    const html = await res.text();
    expect(html).toContain("already has a Kanal account");
    expect(html).not.toContain("/password/");
    const member = await t.signIn(a.agent.email);
    const invitation = (await member.html("/organizations")).text.match(/\/invitations\/(\d+)\/accept/)![0];
    expect((await member.post(invitation)).status).toBe(303);
    const again = await admin.post("/admin/users", { name: "x", email: a.agent.email, role: "agent" });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain("already a member");
  });

  it("shows field errors and keeps what was typed", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const res = await admin.post("/admin/users", { name: "", email: "not-an-email", role: "agent", workgroupIds: [String(w.workgroupId)] });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Required.");
    expect(html).toContain("Enter a valid email address.");
    expect(html).toContain('value="not-an-email"');
    expect(html).toMatch(new RegExp(`value="${w.workgroupId}" checked`));
    const badRole = await admin.post("/admin/users", { name: "A", email: "a@b.test", role: "owner" });
    expect(badRole.status).toBe(422);
  });

  it("changes role and workgroups, and never lets admins demote or deactivate themselves", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const saved = await admin.post(`/admin/users/${w.agent2.id}`, { name: "İpek Renamed", role: "supervisor", workgroupIds: [String(w.workgroupId)] });
    expect(saved.status).toBe(303);
    const [m] = await t.db.select().from(memberships).where(and(eq(memberships.orgId, w.orgId), eq(memberships.userId, w.agent2.id)));
    expect(m.role).toBe("supervisor");
    const self = await admin.post(`/admin/users/${w.admin.id}`, { name: "Me", role: "agent" });
    expect(self.status).toBe(422);
    expect(await self.text()).toContain("cannot remove your own admin role");
    expect((await admin.post(`/admin/users/${w.admin.id}/deactivate`)).status).toBe(422);
    const log = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "user_updated")));
    expect(log.length).toBe(1);
  });

  it("deactivating a member ends their work in the organization at once", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.get("/inbox")).status).toBe(200);
    expect((await admin.post(`/admin/users/${w.agent.id}/deactivate`)).status).toBe(303);
    const after = await agent.get("/inbox");
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/organizations");
    expect((await agent.post("/organizations", { orgId: String(w.orgId) })).headers.get("location")).toBe("/organizations");
    expect((await admin.post(`/admin/users/${w.agent.id}/reactivate`)).status).toBe(303);
    expect((await agent.post("/organizations", { orgId: String(w.orgId) })).headers.get("location")).toBe("/inbox");
  });

  it("paginates with Load more, without OFFSET", async () => {
    const w = await t.world();
    const now = t.clock.now();
    const extra = Array.from({ length: 30 }, (_, i) => ({ id: crypto.randomUUID(), email: `p${i}-${w.orgId}@bulk.test`, name: `Person ${String(i).padStart(2, "0")}`, createdAt: now }));
    await t.db.insert(users).values(extra);
    await t.db.insert(memberships).values(extra.map((u) => ({ orgId: w.orgId, userId: u.id, role: "agent" as const, createdAt: now })));
    const admin = await t.signIn(w.admin.email, w.orgId);
    const first = await admin.html("/admin/users");
    const next = first.text.match(/href="(\/admin\/users\?after=[^"]+)"/)![1].replaceAll("&amp;", "&");
    expect((first.text.match(/<tr><td><a href="\/admin\/users\//g) ?? []).length).toBe(25);
    const more = await admin.get(next, { htmx: true });
    const rows = await more.text();
    expect(rows.startsWith("<tr")).toBe(true);
    expect(rows).not.toContain("<html");
    expect((rows.match(/<tr><td>/g) ?? []).length).toBe(34 - 25);
    expect(rows).not.toContain("Load more");
  });

  it("is for admins only", async () => {
    const w = await t.world();
    for (const person of [w.supervisor, w.agent]) {
      const client = await t.signIn(person.email, w.orgId);
      expect((await client.get("/admin/users")).status).toBe(403);
      expect((await client.post("/admin/users", { name: "X", email: "x@y.test", role: "admin" })).status).toBe(403);
    }
  });

  it("never shows or changes another organization's members", async () => {
    const mine = await t.world();
    const theirs = await t.world("Rival");
    const admin = await t.signIn(mine.admin.email, mine.orgId);
    expect((await admin.get(`/admin/users/${theirs.agent.id}`)).status).toBe(404);
    expect((await admin.post(`/admin/users/${theirs.agent.id}`, { name: "Hijack", role: "admin" })).status).toBe(404);
    expect((await admin.post(`/admin/users/${theirs.agent.id}/deactivate`)).status).toBe(404);
    expect((await admin.post(`/admin/users/${theirs.agent.id}/password-link`)).status).toBe(404);
    const list = await admin.html("/admin/users");
    expect(list.text).not.toContain(theirs.agent.email);
    // A workgroup id of another organization is ignored, not joined.
    await admin.post(`/admin/users/${mine.agent2.id}`, { name: "İpek", role: "agent", workgroupIds: [String(theirs.workgroupId)] });
    const page = await admin.html(`/admin/users/${mine.agent2.id}`);
    expect(page.text).not.toMatch(new RegExp(`value="${theirs.workgroupId}"`));
  });

  it("will not issue a password link for an account shared with another organization", async () => {
    const a = await t.world();
    const b = await t.world("Shared");
    const adminB = await t.signIn(b.admin.email, b.orgId);
    await adminB.post("/admin/users", { name: "x", email: a.agent.email, role: "agent" });
    expect((await adminB.post(`/admin/users/${a.agent.id}/password-link`)).status).toBe(404);
    const member = await t.signIn(a.agent.email);
    await member.post((await member.html("/organizations")).text.match(/\/invitations\/\d+\/accept/)![0]);
    const res = await adminB.post(`/admin/users/${a.agent.id}/password-link`);
    expect(res.status).toBe(422);
    expect(await res.text()).not.toContain("/password/");
  });
});
