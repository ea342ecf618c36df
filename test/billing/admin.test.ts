// Admin → API tokens and Admin → Payments: a token shown once and stored hashed, revoked for good;
// provider credentials sealed; the rule for hand-made entries kept apart from other settings.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { apiTokens, organizations, paymentProviders } from "@db/schema";
import { hashToken } from "../../src/billing/api-tokens";
import { useTestApp } from "../support/app";

const t = useTestApp();

describe("Admin → API tokens", () => {
  it("shows a new token once, stores only its hash, and revokes it", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const created = await admin.post("/admin/api-tokens", { name: "Shop", scopes: ["ledger:write", "balance:read"] });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const token = /value="(kanal_[A-Za-z0-9_-]+)"/.exec(await created.text())![1];
    const [row] = await t.db.select().from(apiTokens).where(eq(apiTokens.orgId, w.orgId));
    expect(row.tokenHash).toBe(hashToken(token));
    expect(row.scopes).toEqual(["ledger:write", "balance:read"]);
    const list = await admin.html("/admin/api-tokens");
    expect(list.text).toContain("Shop");
    expect(list.text).not.toContain(token);
    expect((await admin.post(`/admin/api-tokens/${row.id}/revoke`)).status).toBe(303);
    expect((await t.db.select().from(apiTokens).where(eq(apiTokens.id, row.id)))[0].revokedAt).not.toBeNull();
    expect((await admin.post(`/admin/api-tokens/${row.id}/revoke`)).status).toBe(404);
  });

  it("needs a name and at least one scope; only admins may enter", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const refused = await admin.post("/admin/api-tokens", { name: "No scopes" });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain("Pick at least one scope");
    expect(html).toContain('value="No scopes"');
    expect((await admin.post("/admin/api-tokens", { name: "x", scopes: "admin:everything" })).status).toBe(422);
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    expect((await supervisor.get("/admin/api-tokens")).status).toBe(403);
    expect((await supervisor.post("/admin/api-tokens", { name: "x", scopes: "balance:read" })).status).toBe(403);
  });
});

describe("Admin → Payments", () => {
  it("seals the provider's credentials, keeps them when left empty, and shows the notification URL", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const saved = await admin.post("/admin/payments", { kind: "stripe", baseUrl: "http://localhost:4020/stripe", stripeSecretKey: "sk_test_verysecret1234", stripeWebhookSecret: "whsec_alsosecret9876", ledgerEntriesBy: "agents" });
    expect(saved.status).toBe(303);
    const [row] = await t.db.select().from(paymentProviders).where(eq(paymentProviders.orgId, w.orgId));
    expect(row.secrets).not.toContain("verysecret");
    await admin.post("/admin/payments", { kind: "stripe", baseUrl: "http://localhost:4021/stripe", stripeSecretKey: "", stripeWebhookSecret: "", ledgerEntriesBy: "agents" });
    const page = await admin.html("/admin/payments");
    expect(page.text).toContain("••••1234");
    expect(page.text).toContain(`/payments/webhooks/${row.webhookKey}`);
    expect(page.text).toContain("http://localhost:4021/stripe");
    expect(page.text).not.toContain("verysecret");
    const [org] = await t.db.select().from(organizations).where(eq(organizations.id, w.orgId));
    expect(org.settings.ledgerEntriesBy).toBe("agents");
  });

  it("refuses a base URL that is not http(s), keeping the form", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const res = await admin.post("/admin/payments", { kind: "iyzico", baseUrl: "ftp://example.com", ledgerEntriesBy: "admins" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('value="ftp://example.com"');
  });

  it("saving the organization's settings keeps the billing rule", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    await admin.post("/admin/payments", { kind: "stripe", baseUrl: "https://api.stripe.com", ledgerEntriesBy: "admins" });
    await admin.post("/admin/organization", { name: "Acme Renamed", timezone: "Europe/Istanbul", locale: "en", agentsSeeOnlyOwn: "on" });
    const [org] = await t.db.select().from(organizations).where(eq(organizations.id, w.orgId));
    expect(org.settings).toEqual({ agentsSeeOnlyOwn: true, ledgerEntriesBy: "admins" });
  });
});
