// A second organization on the same server, probing every way one tenant could reach another's accounts.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { invitations, memberships, users } from "@db/schema";
import { useTestApp, type Client } from "../support/app";

const t = useTestApp();

function passwordLink(html: string): string {
  const m = html.match(/\/password\/([A-Za-z0-9_-]+)/);
  if (!m) throw new Error("no password link in page");
  return m[0];
}

async function invite(admin: Client, email: string, name = "Whoever", role = "admin") {
  const res = await admin.post("/admin/users", { name, email, role });
  return { status: res.status, html: await res.text() };
}

async function membership(orgId: number, userId: string) {
  const [m] = await t.db.select().from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
  return m ?? null;
}

async function userByEmail(email: string) {
  const [u] = await t.db.select().from(users).where(eq(users.email, email));
  return u;
}

async function acceptFirstInvitation(person: Client) {
  const page = await person.html("/organizations");
  const path = page.text.match(/\/invitations\/\d+\/accept/)?.[0];
  if (!path) throw new Error("no invitation on the organization picker");
  return person.post(path);
}

describe("one organization cannot take over another's pending account", () => {
  it("inviting an address another organization has invited yields no password link and no membership", async () => {
    const a = await t.world("Alpha");
    const b = await t.world("Bravo");
    const adminA = await t.signIn(a.admin.email, a.orgId);
    const adminB = await t.signIn(b.admin.email, b.orgId);
    const linkA = passwordLink((await invite(adminA, "newcomer@alpha.test", "Nur Newcomer", "agent")).html);
    const victim = await userByEmail("newcomer@alpha.test");

    const attack = await invite(adminB, "newcomer@alpha.test", "Mallory's pick");
    expect(attack.html).not.toContain("/password/");
    expect(attack.html).not.toContain("Nur Newcomer");
    expect(await membership(b.orgId, victim.id)).toBeNull();
    // The other ways to a link from B: none reaches the account.
    expect((await adminB.post(`/admin/users/${victim.id}/password-link`)).status).toBe(404);
    expect((await adminB.get(`/admin/users/${victim.id}`)).status).toBe(404);

    // The person keeps A's link and A's role; B's invitation waits for them to accept it.
    const owner = t.client();
    expect((await owner.post(linkA, { password: "nur-own-secret", confirm: "nur-own-secret" })).status).toBe(303);
    const signedIn = await t.signIn("newcomer@alpha.test", a.orgId, "nur-own-secret");
    expect((await membership(a.orgId, victim.id))!.role).toBe("agent");
    expect((await acceptFirstInvitation(signedIn)).status).toBe(303);
    expect((await membership(b.orgId, victim.id))!.role).toBe("admin");
  });

  it("a password link stops working once the person leaves the organization that issued it", async () => {
    const a = await t.world("Alpha");
    const adminA = await t.signIn(a.admin.email, a.orgId);
    const link = passwordLink((await invite(adminA, "leaver@alpha.test", "Lale Leaver", "agent")).html);
    const leaver = await userByEmail("leaver@alpha.test");
    await t.db.delete(memberships).where(and(eq(memberships.orgId, a.orgId), eq(memberships.userId, leaver.id)));
    expect((await t.client().get(link)).status).toBe(404);
    expect((await t.client().post(link, { password: "late-password", confirm: "late-password" })).status).toBe(404);
  });

  it("setting a password ends every other session of the account and voids every other link", async () => {
    const a = await t.world("Alpha");
    const adminA = await t.signIn(a.admin.email, a.orgId);
    const first = passwordLink((await invite(adminA, "twice@alpha.test", "Tuna Twice", "agent")).html);
    const twice = await userByEmail("twice@alpha.test");
    const second = passwordLink(await (await adminA.post(`/admin/users/${twice.id}/password-link`)).text());
    expect((await t.client().post(first, { password: "first-secret-1", confirm: "first-secret-1" })).status).toBe(303);
    expect((await t.client().post(second, { password: "second-secret-2", confirm: "second-secret-2" })).status).toBe(404);

    const session = await t.signIn("twice@alpha.test", a.orgId, "first-secret-1");
    expect((await session.get("/inbox")).status).toBe(200);
    const reset = passwordLink(await (await adminA.post(`/admin/users/${twice.id}/password-link`)).text());
    const spare = passwordLink(await (await adminA.post(`/admin/users/${twice.id}/password-link`)).text());
    expect((await t.client().post(reset, { password: "third-secret-3", confirm: "third-secret-3" })).status).toBe(303);
    const after = await session.get("/inbox");
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toStartWith("/login");
    expect((await t.client().get(spare)).status).toBe(404);
  });
});

describe("one organization cannot change or reveal another's users", () => {
  it("inviting an existing account adds nothing and reveals nothing until its owner accepts", async () => {
    const a = await t.world("Alpha");
    const b = await t.world("Bravo");
    await t.db.update(users).set({ name: "Zeynep Elsewhere" }).where(eq(users.id, a.agent.id));
    const adminB = await t.signIn(b.admin.email, b.orgId);
    const attempt = await invite(adminB, a.agent.email, "Typed By Bravo", "agent");
    expect(attempt.status).toBe(200);
    expect(attempt.html).not.toContain("Zeynep Elsewhere");
    expect(attempt.html).not.toContain("Alpha");
    expect(await membership(b.orgId, a.agent.id)).toBeNull();
    const list = await adminB.html("/admin/users");
    expect(list.text).not.toContain("Zeynep Elsewhere");
    expect(list.text).toContain(a.agent.email);
    expect((await t.db.select().from(users).where(eq(users.id, a.agent.id)))[0].name).toBe("Zeynep Elsewhere");

    const person = await t.signIn(a.agent.email);
    const picker = await person.html("/organizations");
    expect(picker.text).toContain("invites you to join");
    // Someone else's invitation cannot be accepted.
    const intruder = await t.signIn(a.agent2.email);
    const id = picker.text.match(/\/invitations\/(\d+)\/accept/)![1];
    expect((await intruder.post(`/invitations/${id}/accept`)).status).toBe(404);
    expect(await membership(b.orgId, a.agent2.id)).toBeNull();

    expect((await acceptFirstInvitation(person)).status).toBe(303);
    expect((await membership(b.orgId, a.agent.id))!.role).toBe("agent");
    expect(await t.db.select().from(invitations).where(eq(invitations.userId, a.agent.id))).toHaveLength(0);
  });

  it("a declined or withdrawn invitation never becomes a membership", async () => {
    const a = await t.world("Alpha");
    const b = await t.world("Bravo");
    const adminB = await t.signIn(b.admin.email, b.orgId);
    await invite(adminB, a.agent.email);
    const person = await t.signIn(a.agent.email);
    const id = (await person.html("/organizations")).text.match(/\/invitations\/(\d+)\/decline/)![1];
    expect((await person.post(`/invitations/${id}/decline`)).status).toBe(303);
    expect((await person.post(`/invitations/${id}/accept`)).status).toBe(404);

    await invite(adminB, a.agent.email);
    const again = (await person.html("/organizations")).text.match(/\/invitations\/(\d+)\/accept/)![1];
    const adminA = await t.signIn(a.admin.email, a.orgId);
    expect((await adminA.post(`/admin/users/invitations/${again}/withdraw`)).status).toBe(404);
    expect((await adminB.post(`/admin/users/invitations/${again}/withdraw`)).status).toBe(303);
    expect((await person.post(`/invitations/${again}/accept`)).status).toBe(404);
    expect(await membership(b.orgId, a.agent.id)).toBeNull();
  });

  it("an account shared with another organization keeps its own name and password", async () => {
    const a = await t.world("Alpha");
    const b = await t.world("Bravo");
    const adminB = await t.signIn(b.admin.email, b.orgId);
    await invite(adminB, a.agent.email, "x", "agent");
    expect((await acceptFirstInvitation(await t.signIn(a.agent.email))).status).toBe(303);

    const rename = await adminB.post(`/admin/users/${a.agent.id}`, { name: "Renamed By Bravo", role: "supervisor" });
    expect(rename.status).toBe(422);
    const adminA = await t.signIn(a.admin.email, a.orgId);
    expect((await adminA.post(`/admin/users/${a.agent.id}`, { name: "Renamed By Alpha", role: "agent" })).status).toBe(422);
    expect((await t.db.select().from(users).where(eq(users.id, a.agent.id)))[0].name).toBe(a.agent.name);
    // Each organization still sets its own role for the person.
    expect((await adminB.post(`/admin/users/${a.agent.id}`, { role: "supervisor" })).status).toBe(303);
    expect((await membership(b.orgId, a.agent.id))!.role).toBe("supervisor");
    expect((await membership(a.orgId, a.agent.id))!.role).toBe("agent");
    expect((await adminB.html(`/admin/users/${a.agent.id}`)).text).not.toContain('name="name"');

    for (const admin of [adminA, adminB]) {
      const link = await admin.post(`/admin/users/${a.agent.id}/password-link`);
      expect(link.status).toBe(422);
      expect(await link.text()).not.toContain("/password/");
    }
  });
});
