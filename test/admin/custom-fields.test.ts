import { describe, expect, it } from "bun:test";
import { and, asc, eq } from "drizzle-orm";
import { contacts, customFields, events } from "@db/schema";
import { keyFromLabel } from "../../src/admin/custom-fields";
import { useTestApp, type Client } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

async function fieldsOf(w: World) {
  return t.db.select().from(customFields).where(eq(customFields.orgId, w.orgId)).orderBy(asc(customFields.position), asc(customFields.id));
}

async function fieldKeyed(w: World, key: string) {
  const [row] = await t.db.select().from(customFields).where(and(eq(customFields.orgId, w.orgId), eq(customFields.key, key)));
  return row;
}

async function adminOf(w: World): Promise<Client> {
  return t.signIn(w.admin.email, w.orgId);
}

describe("admin CRM fields", () => {
  it("makes a key from the label when none is given", async () => {
    expect(keyFromLabel("Müşteri Seviyesi")).toBe("musteri_seviyesi");
    expect(keyFromLabel("  Order #  number ")).toBe("order_number");
    expect(keyFromLabel("2nd phone")).toBe("field_2nd_phone");
    expect(keyFromLabel("ışık IĞDIR")).toBe("isik_igdir");
    expect(keyFromLabel("x".repeat(60))).toHaveLength(40);
    const w = await t.world();
    const admin = await adminOf(w);
    expect((await admin.post("/admin/custom-fields", { label: "Müşteri Seviyesi", key: "", type: "select", options: "Gold\r\n Silver \n\n" })).status).toBe(303);
    expect(await fieldKeyed(w, "musteri_seviyesi")).toMatchObject({ label: "Müşteri Seviyesi", type: "select", options: ["Gold", "Silver"] });
  });

  it("creates each type, ignores options on anything but a select, and each change is an event", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    for (const type of ["text", "number", "date", "boolean"]) {
      expect((await admin.post("/admin/custom-fields", { label: `A ${type}`, key: `a_${type}`, type, options: "ignored\nlines" })).status).toBe(303);
    }
    const rows = await fieldsOf(w);
    expect(rows.map((r) => [r.key, r.type, r.options])).toEqual([
      ["a_text", "text", []],
      ["a_number", "number", []],
      ["a_date", "date", []],
      ["a_boolean", "boolean", []],
    ]);
    const page = await admin.html("/admin/custom-fields");
    for (const label of ["Text", "Number", "Date", "Yes / No"]) expect(page.text).toContain(`<td>${label}</td>`);
    await admin.post("/me/locale", { locale: "tr" });
    const tr = await admin.html("/admin/custom-fields");
    for (const label of ["Metin", "Sayı", "Tarih", "Evet / Hayır"]) expect(tr.text).toContain(`<td>${label}</td>`);
    expect(tr.text).toContain(">Seçim listesi</option>");

    const date = rows[2];
    expect((await admin.post(`/admin/custom-fields/${date.id}`, { label: "Birthday" })).status).toBe(303);
    expect((await admin.post(`/admin/custom-fields/${date.id}/delete`)).status).toBe(303);
    const log = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "custom_field_changed")));
    expect(log.map((e) => (e.data as { change: string }).change)).toEqual(["created", "created", "created", "created", "updated", "deleted"]);
  });

  it("refuses a blank label, a bad key, a duplicate key and a select without options, keeping what was typed", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const blank = await admin.post("/admin/custom-fields", { label: "", key: "9 lives!", type: "number", options: "" });
    expect(blank.status).toBe(422);
    const blankHtml = await blank.text();
    expect(blankHtml).toContain("Required.");
    expect(blankHtml).toContain("Start with a letter");
    expect(blankHtml).toContain('value="9 lives!"');
    expect(blankHtml).toMatch(/<option value="number" selected/);

    const tooLong = await admin.post("/admin/custom-fields", { label: "L".repeat(61), key: "k".repeat(41), type: "text" });
    expect(tooLong.status).toBe(422);
    const tooLongHtml = await tooLong.text();
    expect(tooLongHtml).toContain("At most 60 characters.");
    expect(tooLongHtml).toContain("At most 40 characters.");

    const noOptions = await admin.post("/admin/custom-fields", { label: "Size", key: "", type: "select", options: "\n  \n" });
    expect(noOptions.status).toBe(422);
    const noOptionsHtml = await noOptions.text();
    expect(noOptionsHtml).toContain("A Select field needs at least one option.");
    expect(noOptionsHtml).toContain('value="Size"');
    const dupOptions = await admin.post("/admin/custom-fields", { label: "Size", key: "", type: "select", options: "S\nM\ns" });
    expect(dupOptions.status).toBe(422);
    expect(await dupOptions.text()).toContain("Each option must be different.");

    await admin.post("/admin/custom-fields", { label: "Tier", key: "tier", type: "text" });
    const dupKey = await admin.post("/admin/custom-fields", { label: "Other tier", key: "tier", type: "number" }, { htmx: true });
    expect(dupKey.status).toBe(422);
    const dupHtml = await dupKey.text();
    expect(dupHtml).toContain("Another field already uses the key “tier”.");
    expect(dupHtml).toContain('value="Other tier"');
    expect(dupHtml).toMatch(/<option value="number" selected/);
    // A key made from the label is checked too.
    const derived = await admin.post("/admin/custom-fields", { label: "TIER", key: "", type: "text" });
    expect(derived.status).toBe(422);
    expect(await derived.text()).toContain("Another field already uses the key “tier”.");
    expect((await fieldsOf(w)).map((r) => r.key)).toEqual(["tier"]);
  });

  it("keeps the key and type after creation; label and a select's options can change", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    await admin.post("/admin/custom-fields", { label: "Level", key: "level", type: "select", options: "Gold\nSilver" });
    const made = await fieldKeyed(w, "level");
    const edit = await admin.html(`/admin/custom-fields/${made.id}`);
    expect(edit.text).not.toContain('name="key"');
    expect(edit.text).not.toContain('name="type"');
    expect(await admin.post(`/admin/custom-fields/${made.id}`, { label: "Tier", key: "hacked", type: "text", options: "Gold\nSilver\nBronze" }).then((r) => r.status)).toBe(303);
    expect(await fieldKeyed(w, "level")).toMatchObject({ id: made.id, label: "Tier", type: "select", options: ["Gold", "Silver", "Bronze"] });
    expect(await fieldKeyed(w, "hacked")).toBeUndefined();

    const emptied = await admin.post(`/admin/custom-fields/${made.id}`, { label: "Tier typed", options: "" });
    expect(emptied.status).toBe(422);
    const html = await emptied.text();
    expect(html).toContain("A Select field needs at least one option.");
    expect(html).toContain('value="Tier typed"');
    expect((await fieldKeyed(w, "level")).options).toEqual(["Gold", "Silver", "Bronze"]);
    const blank = await admin.post(`/admin/custom-fields/${made.id}`, { label: "", options: "Gold" }, { htmx: true });
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain("Required.");
  });

  it("deleting a field deletes every contact's value for it, so a later field with that key starts empty", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const admin = await adminOf(w);
    await admin.post("/admin/custom-fields", { label: "Tier", key: "tier", type: "text" });
    const tier = await fieldKeyed(w, "tier");
    const [ozge] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Özge", customFields: { tier: "Gold", city: "İzmir" } }).returning();
    const [theirs] = await t.db.insert(contacts).values({ orgId: rival.orgId, name: "Rival contact", customFields: { tier: "Gold" } }).returning();
    const list = await admin.html("/admin/custom-fields");
    expect(list.text).toContain("data-confirm=\"Delete the field “Tier”? Every contact&#39;s value for it is deleted too.\"");
    expect((await admin.post(`/admin/custom-fields/${tier.id}/delete`)).status).toBe(303);
    expect(await fieldsOf(w)).toEqual([]);
    const [after] = await t.db.select().from(contacts).where(eq(contacts.id, ozge.id));
    expect(after.customFields).toEqual({ city: "İzmir" });
    const [untouched] = await t.db.select().from(contacts).where(eq(contacts.id, theirs.id));
    expect(untouched.customFields).toEqual({ tier: "Gold" });
    await admin.post("/admin/custom-fields", { label: "Tier", key: "tier", type: "number" });
    const [later] = await t.db.select().from(contacts).where(eq(contacts.id, ozge.id));
    expect(later.customFields).toEqual({ city: "İzmir" });
  });

  it("reorders fields up and down", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    for (const key of ["alpha", "beta", "gamma"]) await admin.post("/admin/custom-fields", { label: key, key, type: "text" });
    const gamma = await fieldKeyed(w, "gamma");
    const alpha = await fieldKeyed(w, "alpha");
    expect((await admin.post(`/admin/custom-fields/${gamma.id}/move`, { direction: "up" })).status).toBe(303);
    expect((await fieldsOf(w)).map((r) => r.key)).toEqual(["alpha", "gamma", "beta"]);
    await admin.post(`/admin/custom-fields/${alpha.id}/move`, { direction: "up" });
    await admin.post(`/admin/custom-fields/${alpha.id}/move`, { direction: "down" });
    expect((await fieldsOf(w)).map((r) => r.key)).toEqual(["gamma", "alpha", "beta"]);
    const page = (await admin.html("/admin/custom-fields")).text;
    expect(page.indexOf(">gamma</a>")).toBeLessThan(page.indexOf(">alpha</a>"));
    const moves = (id: number) => [...page.matchAll(new RegExp(`/admin/custom-fields/${id}/move"[^]*?name="direction" value="(up|down)"`, "g"))].map((m) => m[1]);
    expect(moves(gamma.id)).toEqual(["down"]);
    expect(moves(alpha.id)).toEqual(["up", "down"]);
  });

  it("pages with Load more when there are more than 25", async () => {
    const w = await t.world();
    await t.db.insert(customFields).values(Array.from({ length: 27 }, (_, i) => ({ orgId: w.orgId, key: `f${String(i).padStart(2, "0")}`, label: `Field ${String(i).padStart(2, "0")}`, type: "text" as const, position: i })));
    const admin = await adminOf(w);
    const first = await admin.html("/admin/custom-fields");
    expect((first.text.match(/class="row-actions"/g) ?? []).length).toBe(25);
    expect(first.text).not.toContain("Field 25");
    const next = first.text.match(/hx-get="(\/admin\/custom-fields\?after=[^"]+)"/)![1].replaceAll("&amp;", "&");
    const more = await (await admin.get(next, { htmx: true })).text();
    expect((more.match(/class="row-actions"/g) ?? []).length).toBe(2);
    expect(more).toContain("Field 26");
    expect(more).not.toContain("Load more");
  });

  it("is for admins only", async () => {
    const w = await t.world();
    for (const person of [w.supervisor, w.agent]) {
      const client = await t.signIn(person.email, w.orgId);
      expect((await client.get("/admin/custom-fields")).status).toBe(403);
      expect((await client.post("/admin/custom-fields", { label: "Sneaky", key: "", type: "text" })).status).toBe(403);
    }
    expect(await fieldsOf(w)).toEqual([]);
  });

  it("never shows or changes another organization's fields, and keys are unique per organization only", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    await (await adminOf(rival)).post("/admin/custom-fields", { label: "Tier", key: "tier", type: "text" });
    const theirs = await fieldKeyed(rival, "tier");
    const admin = await adminOf(w);
    expect((await admin.html("/admin/custom-fields")).text).not.toContain(">Tier</a>");
    expect((await admin.get(`/admin/custom-fields/${theirs.id}`)).status).toBe(404);
    expect((await admin.post(`/admin/custom-fields/${theirs.id}`, { label: "Hijack" })).status).toBe(404);
    expect((await admin.post(`/admin/custom-fields/${theirs.id}/move`, { direction: "down" })).status).toBe(404);
    expect((await admin.post(`/admin/custom-fields/${theirs.id}/delete`)).status).toBe(404);
    expect(await fieldKeyed(rival, "tier")).toMatchObject({ id: theirs.id, label: "Tier" });
    expect((await admin.post("/admin/custom-fields", { label: "Tier", key: "tier", type: "number" })).status).toBe(303);
  });
});
