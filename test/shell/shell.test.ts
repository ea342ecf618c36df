import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { events, memberships, users } from "@db/schema";
import { catalogs } from "../../src/i18n/catalog";
import { useTestApp } from "../support/app";

const t = useTestApp();

describe("app shell", () => {
  it("shows navigation by role: the cockpit for supervisors, admin for admins only", async () => {
    const w = await t.world();
    const admin = await (await t.signIn(w.admin.email, w.orgId)).html("/inbox");
    const supervisor = await (await t.signIn(w.supervisor.email, w.orgId)).html("/inbox");
    const agent = await (await t.signIn(w.agent.email, w.orgId)).html("/inbox");
    expect(admin.text).toContain('href="/admin"');
    expect(admin.text).toContain('href="/cockpit"');
    expect(supervisor.text).toContain('href="/cockpit"');
    expect(supervisor.text).not.toContain('href="/admin"');
    expect(agent.text).not.toContain('href="/cockpit"');
    expect(agent.text).toContain('href="/contacts"');
  });

  it("switches language for the user and remembers it on their account", async () => {
    const w = await t.world();
    const client = await t.signIn(w.agent.email, w.orgId);
    const res = await client.post("/me/locale", { locale: "tr", back: "/inbox" });
    expect(res.headers.get("location")).toBe("/inbox");
    const page = await client.html("/inbox");
    expect(page.text).toContain('lang="tr"');
    expect(page.text).toContain("Gelen kutusu");
    const [u] = await t.db.select().from(users).where(eq(users.id, w.agent.id));
    expect(u.locale).toBe("tr");
    // A new sign-in elsewhere follows the account's language.
    const elsewhere = await t.signIn(w.agent.email, w.orgId);
    expect((await elsewhere.html("/inbox")).text).toContain("Çıkış yap");
    expect((await client.post("/me/locale", { locale: "de" })).status).toBe(303);
  });

  it("picks Turkish from the browser's preference before anyone chooses", async () => {
    const res = await t.client().get("/login", { headers: { "accept-language": "tr-TR,tr;q=0.9,en;q=0.5" } });
    expect(await res.text()).toContain("Giriş yap");
  });

  it("never redirects the language switch off-site", async () => {
    const res = await t.client().post("/me/locale", { locale: "en", back: "//evil.example/x" });
    expect(res.headers.get("location")).toBe("/");
  });

  it("changes the agent's own status and records the change as an event", async () => {
    const w = await t.world();
    const client = await t.signIn(w.agent.email, w.orgId);
    const res = await client.post("/me/status", { status: "break" }, { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="status-switch"');
    expect(html).toMatch(/value="break" selected/);
    const [m] = await t.db.select().from(memberships).where(and(eq(memberships.orgId, w.orgId), eq(memberships.userId, w.agent.id)));
    expect(m.status).toBe("break");
    const log = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "status_changed")));
    expect(log.map((e) => e.data)).toEqual([
      { from: "offline", to: "online" },
      { from: "online", to: "break" },
    ]);
    expect((await client.post("/me/status", { status: "asleep" })).status).toBe(400);
  });

  it("has every English message in Turkish, and no Turkish text left in English", () => {
    const en = catalogs.en as Record<string, string>;
    const tr = catalogs.tr as Record<string, string>;
    expect(Object.keys(tr).sort()).toEqual(Object.keys(en).sort());
    const untranslated = Object.keys(en).filter((k) => tr[k] === en[k] && !/^(app\.name|language\.|inbox\.channel\.|filters\.op\.|filters\.type\.(bot|spam)|media\.kind\.video$|imports\.encoding\.utf-8$|bot\.cockpit\.answers$)/.test(k) && en[k].length > 3);
    expect(untranslated).toEqual([]);
    for (const [k, v] of Object.entries(en)) {
      const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(`${k}: ${params(tr[k])}`).toBe(`${k}: ${params(v)}`);
    }
  });

  it("keeps each person's choice of sound and browser notifications for new messages", async () => {
    const w = await t.world();
    const client = await t.signIn(w.agent.email, w.orgId);
    const res = await client.post("/me/preferences", { sound: "on", back: "/inbox" });
    expect(res.headers.get("location")).toBe("/inbox");
    const [m] = await t.db.select().from(memberships).where(and(eq(memberships.orgId, w.orgId), eq(memberships.userId, w.agent.id)));
    expect(m.preferences).toEqual({ sound: true, desktopNotifications: false });
    const page = await client.html("/inbox");
    expect(page.text).toContain('data-sound="1"');
    expect(page.text).not.toContain('data-desktop="1"');
    expect(page.text).toContain('id="shortcuts"');
  });

  it("renders a translated 404 page", async () => {
    const res = await t.client().get("/nowhere", { headers: { "accept-language": "tr" } });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Bulunamadı");
  });

  it("sets security headers on pages", async () => {
    const res = await t.client().get("/login");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });
});
