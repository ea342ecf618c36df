// The Billing widget through the real app: forms in the viewer's language with errors that keep
// what was typed, who may add entries, and live updates to every inbox showing the contact.
import { describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { ledgerEntries, organizations, paymentLinks } from "@db/schema";
import { appendEntry } from "../../src/billing/ledger";
import { useTestApp } from "../support/app";
import { readSse } from "../support/sse";
import { billingWorld, useFakePay } from "./support";

const t = useTestApp();
const pay = useFakePay(t);

async function setup(setting?: "admins" | "supervisors" | "agents") {
  const b = await billingWorld(t, pay);
  if (setting) await t.db.update(organizations).set({ settings: sql`${organizations.settings} || ${JSON.stringify({ ledgerEntriesBy: setting })}::jsonb` }).where(eq(organizations.id, b.w.orgId));
  const agent = await t.signIn(b.w.agent.email, b.w.orgId);
  const base = `/inbox/${b.conversationId}/billing`;
  const entries = () => t.db.select().from(ledgerEntries).where(eq(ledgerEntries.contactId, b.contactId));
  return { ...b, client: agent, base, entries };
}

const entry = (over: Record<string, string> = {}) => ({ key: crypto.randomUUID(), kind: "charge", amount: "250.00", currency: "TRY", description: "Sipariş 42", reference: "INV-42", ...over });

describe("the widget on the conversation page", () => {
  it("shows balances per currency, transactions newest first and the forms", async () => {
    const b = await setup();
    for (const [kind, amountMinor, currency] of [["charge", 123_456, "TRY"], ["charge", 1_999, "EUR"]] as const) {
      await appendEntry(t.db, b.w.orgId, { source: "manual", userId: b.w.admin.id }, { contactId: b.contactId, kind, amountMinor, currency, description: "x", idempotencyKey: crypto.randomUUID() }, t.clock.now());
    }
    const page = await b.client.html(`/inbox/${b.conversationId}`);
    expect(page.text).toContain('id="widget-billing"');
    expect(page.text).toContain("₺1,234.56");
    expect(page.text).toContain("€19.99");
    expect(page.text).toContain("New payment link");
    const tr = await t.signIn(b.w.agent.email, b.w.orgId);
    await tr.post("/me/locale", { locale: "tr" });
    const trPage = await tr.html(`/inbox/${b.conversationId}`);
    expect(trPage.text).toContain("1.234,56 ₺");
  });

  it("Load more brings the next page of transactions", async () => {
    const b = await setup();
    for (let i = 0; i < 25; i++) {
      await appendEntry(t.db, b.w.orgId, { source: "manual", userId: b.w.admin.id }, { contactId: b.contactId, kind: "charge", amountMinor: 100 + i, currency: "TRY", description: `line ${i}`, idempotencyKey: crypto.randomUUID(), occurredAt: new Date(t.clock.now().getTime() - (25 - i) * 60_000) }, t.clock.now());
    }
    const page = await b.client.html(`/inbox/${b.conversationId}`);
    expect(page.text).toContain("line 24");
    expect(page.text).not.toContain("line 4<");
    const next = /billing\/entries\?after=([A-Za-z0-9_-]+)/.exec(page.text)![1];
    const more = await b.client.get(`${b.base}/entries?after=${next}`, { htmx: true });
    const html = await more.text();
    expect(html).toContain("line 4");
    expect(html).toContain("line 0");
    expect(html).not.toContain("billing-more");
    expect((await b.client.get(`${b.base}/entries?after=nonsense`, { htmx: true })).status).toBe(400);
  });
});

describe("Add entry", () => {
  it("admins and supervisors may add entries by default; agents may not", async () => {
    const b = await setup();
    const refused = await b.client.post(`${b.base}/entries`, entry(), { htmx: true });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Your role may not add entries by hand");
    const supervisor = await t.signIn(b.w.supervisor.email, b.w.orgId);
    expect((await supervisor.post(`${b.base}/entries`, entry(), { htmx: true })).status).toBe(200);
    const [stored] = await b.entries();
    expect(stored).toMatchObject({ amountMinor: 25_000, currency: "TRY", createdBy: b.w.supervisor.id, source: "manual", externalRef: "INV-42" });
  });

  it("follows the organization's setting", async () => {
    const agents = await setup("agents");
    expect((await agents.client.post(`${agents.base}/entries`, entry(), { htmx: true })).status).toBe(200);
    const admins = await setup("admins");
    const supervisor = await t.signIn(admins.w.supervisor.email, admins.w.orgId);
    expect((await supervisor.post(`${admins.base}/entries`, entry(), { htmx: true })).status).toBe(422);
    const admin = await t.signIn(admins.w.admin.email, admins.w.orgId);
    expect((await admin.post(`${admins.base}/entries`, entry(), { htmx: true })).status).toBe(200);
  });

  it("the same form sent twice stores one entry; a plain post returns to the conversation", async () => {
    const b = await setup("agents");
    const form = entry();
    expect((await b.client.post(`${b.base}/entries`, form)).headers.get("location")).toBe(`/inbox/${b.conversationId}`);
    await b.client.post(`${b.base}/entries`, form);
    expect((await b.entries()).length).toBe(1);
  });

  it("reads amounts in the viewer's language and keeps what was typed when refused", async () => {
    const b = await setup("agents");
    await b.client.post("/me/locale", { locale: "tr" });
    const bad = await b.client.post(`${b.base}/entries`, entry({ amount: "250.00", description: "Kargo ücreti" }), { htmx: true });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('value="250.00"');
    expect(html).toContain('value="Kargo ücreti"');
    expect(html).toContain("250,00");
    expect((await b.client.post(`${b.base}/entries`, entry({ amount: "1.250,50" }), { htmx: true })).status).toBe(200);
    expect((await b.entries())[0].amountMinor).toBe(125_050);
    expect((await b.client.post(`${b.base}/entries`, entry({ kind: "adjustment", amount: "-10,00" }), { htmx: true })).status).toBe(200);
    expect((await b.entries()).map((e) => e.amountMinor).sort((x, y) => x - y)).toEqual([-1000, 125_050]);
  });

  it("an agent who may not see the conversation gets a 404", async () => {
    const b = await setup("agents");
    await t.db.update(organizations).set({ settings: { agentsSeeOnlyOwn: true, ledgerEntriesBy: "agents" } }).where(eq(organizations.id, b.w.orgId));
    const other = await t.signIn(b.w.agent2.email, b.w.orgId);
    expect((await other.post(`${b.base}/entries`, entry(), { htmx: true })).status).toBe(404);
    expect(await b.entries()).toEqual([]);
  });
});

describe("New payment link", () => {
  it("creates the link, sends it in the thread and shows it pending", async () => {
    const b = await setup();
    const res = await b.client.post(`${b.base}/links`, { amount: "250", currency: "TRY", description: "Sipariş 1042", expiresIn: "24" }, { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    const [link] = await t.db.select().from(paymentLinks).where(eq(paymentLinks.contactId, b.contactId));
    expect(html).toContain(link.url);
    expect(html).toContain("Pending");
    expect(link.expiresAt.getTime() - t.clock.now().getTime()).toBe(24 * 3_600_000);
    const thread = await b.client.html(`/inbox/${b.conversationId}`);
    expect(thread.text).toContain(`Payment link for Sipariş 1042 (₺250.00): ${link.url}`);
  });

  it("refuses a bad amount keeping the description typed", async () => {
    const b = await setup();
    const res = await b.client.post(`${b.base}/links`, { amount: "-5", currency: "TRY", description: "Kargo", expiresIn: "6" }, { htmx: true });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('value="Kargo"');
    expect(html).toContain("Enter an amount greater than zero");
    expect((await b.client.post(`${b.base}/links`, { amount: "5", currency: "TRY", description: "Kargo", expiresIn: "999" }, { htmx: true })).status).toBe(422);
  });

  it("explains when the reply window has closed", async () => {
    const b = await setup();
    t.clock.advance("25h");
    const res = await b.client.post(`${b.base}/links`, { amount: "250", currency: "TRY", description: "Sipariş", expiresIn: "1" }, { htmx: true });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("reply window has closed");
    const page = await b.client.html(`/inbox/${b.conversationId}`);
    expect(page.text).toContain("A payment link goes out as a message");
  });
});

describe("live", () => {
  it("a payment redraws the balances, links and transactions of every inbox showing the contact", async () => {
    const b = await setup();
    const supervisor = await t.signIn(b.w.supervisor.email, b.w.orgId);
    const stream = await supervisor.get(`/events?view=inbox&tab=assigned&conversation=${b.conversationId}`);
    expect(stream.status).toBe(200);
    await b.client.post(`${b.base}/links`, { amount: "250", currency: "TRY", description: "Sipariş 7", expiresIn: "1" }, { htmx: true });
    const [link] = await t.db.select().from(paymentLinks).where(eq(paymentLinks.contactId, b.contactId));
    await pay.fake.pay(link.providerLinkId);
    const seen = { balance: false, line: false };
    const got = await readSse(stream, (m) => {
      seen.balance ||= m.data.includes("billing-balances") && m.data.includes("in credit");
      seen.line ||= m.data.includes("paid by payment link");
      return seen.balance && seen.line;
    }, 5000);
    const all = got.map((m) => m.data).join("\n");
    expect(all).toContain('hx-target="#billing-links"');
    expect(all).toContain("Paid");
    expect(all).toContain(`₺250.00 paid by payment link #${link.id}`);
  });
});
