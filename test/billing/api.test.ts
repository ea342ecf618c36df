// The billing API: scoped, revocable, rate-limited tokens; entries stored once per idempotency key;
// errors as {error:{code,message,field}}.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { apiTokens, contacts } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { API_RATE_LIMIT, createApiToken, revokeApiToken } from "../../src/billing/api-tokens";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function setup(scopes: ("ledger:write" | "balance:read")[] = ["ledger:write", "balance:read"]) {
  const w = await t.world();
  const admin = (await actorFor(t.db, w.admin.id, w.orgId))!;
  const [contact] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Ayşe", phone: `+90555${w.orgId}1234`, externalId: `crm-${w.orgId}` }).returning();
  const { token, row } = await createApiToken(t.db, admin, { name: "Shop", scopes }, t.clock.now());
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.app.request(`http://kanal.test/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  return { w, admin, contact, token, row, call };
}

const charge = (key: string, amount = 25_000) => ({ kind: "charge", amount_minor: amount, currency: "TRY", description: "Sipariş 42", external_ref: "INV-42", idempotency_key: key });

describe("POST /api/v1/contacts/{id}/ledger", () => {
  it("adds an entry and answers with it and the balances; the same key again is stored once", async () => {
    const { contact, call } = await setup();
    const first = await call("POST", `/contacts/${contact.id}/ledger`, charge("k1"));
    expect(first.status).toBe(201);
    const body = await first.json();
    expect(body.entry).toMatchObject({ kind: "charge", amount_minor: 25_000, amount: "250.00", currency: "TRY", idempotency_key: "k1", source: "api" });
    expect(body.balances).toEqual([{ currency: "TRY", balance_minor: 25_000, balance: "250.00", entries: 1 }]);
    const again = await call("POST", `/contacts/${contact.id}/ledger`, charge("k1"));
    expect(again.status).toBe(200);
    expect((await again.json()).entry.id).toBe(body.entry.id);
    const conflict = await call("POST", `/contacts/${contact.id}/ledger`, charge("k1", 30_000));
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toEqual({ error: { code: "idempotency_conflict", message: expect.any(String), field: "idempotency_key" } });
    const balance = await (await call("GET", `/contacts/${contact.id}/balance`)).json();
    expect(balance).toEqual({ contact_id: contact.id, balances: [{ currency: "TRY", balance_minor: 25_000, balance: "250.00", entries: 1 }] });
  });

  it("finds the contact by phone (with or without +) and by external id", async () => {
    const { w, contact, call } = await setup();
    expect((await call("POST", `/contacts/by-phone/90555${w.orgId}1234/ledger`, charge("p1"))).status).toBe(201);
    expect((await call("POST", `/contacts/by-external-id/crm-${w.orgId}/ledger`, { ...charge("e1"), kind: "payment", amount_minor: 5_000 })).status).toBe(201);
    const balance = await (await call("GET", `/contacts/by-phone/+90555${w.orgId}1234/balance`)).json();
    expect(balance.contact_id).toBe(contact.id);
    expect(balance.balances[0].balance_minor).toBe(20_000);
    expect((await call("GET", `/contacts/by-external-id/nobody/balance`)).status).toBe(404);
  });

  it("the idempotency key may come as a header", async () => {
    const { contact, call } = await setup();
    const { idempotency_key: _, ...rest } = charge("unused");
    expect((await call("POST", `/contacts/${contact.id}/ledger`, rest, { "idempotency-key": "h1" })).status).toBe(201);
    expect((await call("POST", `/contacts/${contact.id}/ledger`, rest, { "idempotency-key": "h1" })).status).toBe(200);
  });

  it("refuses bad input with the field named, never a 500", async () => {
    const { contact, call } = await setup();
    const cases: [unknown, number, string, string | undefined][] = [
      [{ ...charge("b1"), amount_minor: 12.5 }, 400, "invalid_field", "amount_minor"],
      [{ ...charge("b2"), amount_minor: -100 }, 400, "invalid_field", "amount_minor"],
      [{ ...charge("b3"), currency: "try" }, 400, "invalid_field", "currency"],
      [{ ...charge("b4"), currency: "XXQ" }, 400, "invalid_field", "currency"],
      [{ ...charge("b5"), kind: "gift" }, 400, "invalid_field", "kind"],
      [{ ...charge("b6"), extra: 1 }, 400, "invalid_field", undefined],
      [{ ...charge("b7"), amount_minor: 2 ** 60 }, 400, "invalid_field", "amount_minor"],
      ["{not json", 400, "invalid_json", undefined],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await call("POST", `/contacts/${contact.id}/ledger`, body);
      expect(res.status).toBe(status);
      const json = await res.json();
      expect(json.error.code).toBe(code);
      if (field) expect(json.error.field).toBe(field);
    }
    expect((await call("POST", `/contacts/999999999/ledger`, charge("b9"))).status).toBe(404);
    const adjustment = await call("POST", `/contacts/${contact.id}/ledger`, { ...charge("b10"), kind: "adjustment", amount_minor: -100 });
    expect(adjustment.status).toBe(201);
  });
});

describe("tokens", () => {
  it("an unknown, missing or revoked token is refused", async () => {
    const { admin, contact, row, call } = await setup();
    expect((await t.app.request(`http://kanal.test/api/v1/contacts/${contact.id}/balance`)).status).toBe(401);
    expect((await t.app.request(`http://kanal.test/api/v1/contacts/${contact.id}/balance`, { headers: { authorization: "Bearer kanal_nope" } })).status).toBe(401);
    expect((await call("GET", `/contacts/${contact.id}/balance`)).status).toBe(200);
    await revokeApiToken(t.db, admin, row.id, t.clock.now());
    const refused = await call("GET", `/contacts/${contact.id}/balance`);
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.code).toBe("unauthorized");
  });

  it("a token reaches only its own organization's contacts", async () => {
    const mine = await setup();
    const theirs = await setup();
    expect((await mine.call("GET", `/contacts/${theirs.contact.id}/balance`)).status).toBe(404);
    expect((await mine.call("POST", `/contacts/${theirs.contact.id}/ledger`, charge("x"))).status).toBe(404);
  });

  it("scopes limit what a token may do", async () => {
    const reader = await setup(["balance:read"]);
    const res = await reader.call("POST", `/contacts/${reader.contact.id}/ledger`, charge("s1"));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("insufficient_scope");
    expect((await reader.call("GET", `/contacts/${reader.contact.id}/balance`)).status).toBe(200);
    const writer = await setup(["ledger:write"]);
    expect((await writer.call("GET", `/contacts/${writer.contact.id}/balance`)).status).toBe(403);
  });

  it("records when a token was last used and stores only its hash", async () => {
    const { contact, row, token, call } = await setup();
    expect(row.lastUsedAt).toBeNull();
    t.clock.advance("1m");
    await call("GET", `/contacts/${contact.id}/balance`);
    const [stored] = await t.db.select().from(apiTokens).where(eq(apiTokens.id, row.id));
    expect(stored.lastUsedAt).toEqual(t.clock.now());
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it("is rate limited per token, with Retry-After, and allowed again in the next window", async () => {
    const { contact, call } = await setup();
    const other = await setup();
    for (let i = 0; i < API_RATE_LIMIT.max; i++) expect((await call("GET", `/contacts/${contact.id}/balance`)).status).toBe(200);
    const limited = await call("GET", `/contacts/${contact.id}/balance`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await other.call("GET", `/contacts/${other.contact.id}/balance`)).status).toBe(200);
    t.clock.advance("61s");
    expect((await call("GET", `/contacts/${contact.id}/balance`)).status).toBe(200);
  });
});
