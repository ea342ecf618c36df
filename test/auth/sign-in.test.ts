import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { memberships, sessions } from "@db/schema";
import { useTestApp } from "../support/app";

const t = useTestApp({ LOGIN_MAX_FAILURES: "3" });

describe("sign-in", () => {
  it("signs in with the right password; a member of one organization goes straight to the inbox, online", async () => {
    const w = await t.world();
    const client = t.client();
    const res = await client.post("/login", { email: w.agent.email, password: "correct-horse-battery" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/inbox");
    const [session] = await t.db.select().from(sessions).where(eq(sessions.userId, w.agent.id));
    expect(session!.orgId).toBe(w.orgId);
    expect((await client.html("/inbox")).text).toContain('value="online" selected');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("kanal_session="))!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure");
    // The picker is still there to switch to.
    const picker = await client.html("/organizations");
    expect(picker.text).toContain("Select your organization");
    expect(picker.text).toContain(`value="${w.orgId}"`);
  });

  it("a member of two organizations, or one with an invitation to answer, picks on the organization page", async () => {
    const w = await t.world();
    const other = await t.world("Other");
    await t.db.insert(memberships).values({ orgId: other.orgId, userId: w.agent.id, role: "agent" });
    const two = await t.client().post("/login", { email: w.agent.email, password: "correct-horse-battery", next: "/contacts" });
    expect(two.headers.get("location")).toBe(`/organizations?next=${encodeURIComponent("/contacts")}`);

    const invited = await t.world("Invited");
    const admin = await t.signIn(invited.admin.email, invited.orgId);
    expect((await admin.post("/admin/users", { name: "İpek", email: w.agent2.email, role: "agent" })).status).toBe(200);
    const pending = await t.client().post("/login", { email: w.agent2.email, password: "correct-horse-battery" });
    expect(pending.headers.get("location")).toBe("/organizations");
    const alone = await t.client().post("/login", { email: w.supervisor.email, password: "correct-horse-battery", next: "/cockpit" });
    expect(alone.headers.get("location")).toBe("/cockpit");
  });

  it("rejects a wrong password with the same message as an unknown email", async () => {
    const w = await t.world();
    const wrong = await t.client().post("/login", { email: w.agent.email, password: "nope-nope" });
    const unknown = await t.client().post("/login", { email: "nobody@nowhere.test", password: "nope-nope" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.text()).toContain("Email or password is wrong.");
    expect(await unknown.text()).toContain("Email or password is wrong.");
  });

  it("locks an account out after repeated failures, even with the right password", async () => {
    const w = await t.world();
    for (let i = 0; i < 3; i++) await t.client().post("/login", { email: w.agent2.email, password: "wrong-password" });
    const res = await t.client().post("/login", { email: w.agent2.email, password: "correct-horse-battery" });
    expect(res.status).toBe(429);
    expect(await res.text()).toContain("Too many failed attempts");
    t.clock.advance("16m");
    const later = await t.client().post("/login", { email: w.agent2.email, password: "correct-horse-battery" });
    expect(later.status).toBe(303);
  });

  it("checks no more passwords than the limit allows, however many attempts race in parallel", async () => {
    const w = await t.world();
    const answers = await Promise.all(Array.from({ length: 30 }, () => t.client().post("/login", { email: w.agent2.email, password: "guess-guess" })));
    const checked = answers.filter((r) => r.status === 401).length;
    expect(checked).toBe(3);
    expect(answers.filter((r) => r.status === 429).length).toBe(27);
    t.clock.advance("16m");
    expect((await t.client().post("/login", { email: w.agent2.email, password: "correct-horse-battery" })).status).toBe(303);
  });

  it("keeps the typed email when the form is incomplete", async () => {
    const res = await t.client().post("/login", { email: "typed@example.test", password: "" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('value="typed@example.test"');
    expect(html).toContain("Required.");
  });

  it("opens the inbox after picking an organization, and refuses one the user is not in", async () => {
    const w = await t.world();
    const other = await t.world("Other");
    // A member of two organizations, so signing in leaves the choice to the picker.
    await t.db.insert(memberships).values({ orgId: (await t.world("Second")).orgId, userId: w.agent.id, role: "agent" });
    const client = await t.signIn(w.agent.email);
    const refused = await client.post("/organizations", { orgId: String(other.orgId) });
    expect(refused.headers.get("location")).toBe("/organizations");
    expect((await client.get("/inbox")).status).toBe(303);
    const picked = await client.post("/organizations", { orgId: String(w.orgId) });
    expect(picked.headers.get("location")).toBe("/inbox");
    expect((await client.get("/inbox")).status).toBe(200);
  });

  it("signs out, ends the session and sets the agent offline", async () => {
    const w = await t.world();
    const client = await t.signIn(w.agent.email, w.orgId);
    await client.post("/me/status", { status: "online" });
    const out = await client.post("/logout");
    expect(out.headers.get("location")).toBe("/login");
    expect((await client.get("/inbox")).status).toBe(303);
    const admin = await t.signIn(w.admin.email, w.orgId);
    const page = await admin.html(`/admin/users/${w.agent.id}`);
    expect(page.status).toBe(200);
    const list = await admin.html("/admin/users?q=Okan");
    expect(list.text).toContain("status-offline");
  });

  it("sends people who are not signed in to the sign-in page, keeping where they wanted to go", async () => {
    const res = await t.client().get("/admin/users?q=x");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fadmin%2Fusers%3Fq%3Dx");
  });

  it("refuses a state-changing request from another origin", async () => {
    const w = await t.world();
    const res = await t.client().post("/login", { email: w.agent.email, password: "correct-horse-battery" }, { headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(403);
  });

  it("extends a session in the second half of its life, ends an expired one, and drops a left organization at once", async () => {
    const w = await t.world();
    const client = await t.signIn(w.agent.email, w.orgId);
    const sessionId = client.cookies.get("kanal_session")!;
    const day = 86_400_000;
    const expiresIn = (days: number) => t.db.update(sessions).set({ expiresAt: new Date(Date.now() + days * day) }).where(eq(sessions.id, sessionId));

    const fresh = await client.get("/inbox");
    expect(fresh.status).toBe(200);
    expect(fresh.headers.getSetCookie().some((c) => c.startsWith("kanal_session="))).toBe(false);

    await expiresIn(t.config.SESSION_DAYS / 2 - 1);
    const extended = await client.get("/inbox");
    expect(extended.status).toBe(200);
    expect(extended.headers.getSetCookie().some((c) => c.startsWith(`kanal_session=${sessionId}`))).toBe(true);
    const [row] = await t.db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect(row.expiresAt.getTime()).toBeGreaterThan(Date.now() + (t.config.SESSION_DAYS - 1) * day);

    await t.db.update(sessions).set({ orgId: null }).where(eq(sessions.id, sessionId));
    expect((await client.get("/inbox")).headers.get("location")).toBe("/organizations");

    await expiresIn(-1);
    const expired = await client.get("/inbox");
    expect(expired.headers.get("location")).toBe("/login?next=%2Finbox");
    expect(await t.db.select().from(sessions).where(eq(sessions.id, sessionId))).toEqual([]);
  });
});
