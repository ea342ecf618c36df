import { describe, expect, it } from "bun:test";
import { and, asc, eq, isNull } from "drizzle-orm";
import { closingMessages, events } from "@db/schema";
import { useTestApp, type Client } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

const builtins = (w: World) => t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId)).then((rows) => rows.filter((r) => r.builtinKey));

/** The organization's own messages, in the order agents are offered them. */
async function customOrder(w: World) {
  const rows = await t.db
    .select()
    .from(closingMessages)
    .where(and(eq(closingMessages.orgId, w.orgId), isNull(closingMessages.builtinKey)))
    .orderBy(asc(closingMessages.position), asc(closingMessages.id));
  return rows.map((r) => r.body);
}

async function customNamed(w: World, body: string) {
  const [row] = await t.db.select().from(closingMessages).where(and(eq(closingMessages.orgId, w.orgId), eq(closingMessages.body, body)));
  return row;
}

async function adminOf(w: World): Promise<Client> {
  return t.signIn(w.admin.email, w.orgId);
}

describe("admin closing messages", () => {
  it("shows the built-in messages in the viewer's language, marked built-in, before the custom ones", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    await admin.post("/admin/closing-messages", { body: "Bye for now!" });
    const en = await admin.html("/admin/closing-messages");
    expect(en.text).toContain("Your request has been resolved.");
    expect((en.text.match(/>Built-in</g) ?? []).length).toBe(3);
    expect(en.text.indexOf("Your request has been resolved.")).toBeLessThan(en.text.indexOf("Bye for now!"));
    await admin.post("/me/locale", { locale: "tr" });
    const tr = await admin.html("/admin/closing-messages");
    expect(tr.text).toContain("Talebiniz çözüldü");
    expect(tr.text).toContain("Yerleşik");
    expect(tr.text).not.toContain("Your request has been resolved.");
  });

  it("never lets a built-in message be edited, deleted or moved", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const before = await builtins(w);
    expect(before.length).toBe(3);
    for (const b of before) {
      expect((await admin.get(`/admin/closing-messages/${b.id}`)).status).toBe(404);
      expect((await admin.post(`/admin/closing-messages/${b.id}`, { body: "Changed" })).status).toBe(404);
      expect((await admin.post(`/admin/closing-messages/${b.id}/delete`)).status).toBe(404);
      expect((await admin.post(`/admin/closing-messages/${b.id}/move`, { direction: "down" })).status).toBe(404);
    }
    expect(await builtins(w)).toEqual(before);
    const page = await admin.html("/admin/closing-messages");
    for (const b of before) expect(page.text).not.toContain(`/admin/closing-messages/${b.id}`);
  });

  it("creates, edits and deletes a custom message, and each change is an event", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    expect((await admin.post("/admin/closing-messages", { body: "Bye for now!" })).status).toBe(303);
    const made = await customNamed(w, "Bye for now!");
    expect(made.builtinKey).toBeNull();
    expect((await admin.html(`/admin/closing-messages/${made.id}`)).text).toContain("Bye for now!</textarea>");
    expect((await admin.post(`/admin/closing-messages/${made.id}`, { body: "See you soon!" })).status).toBe(303);
    expect((await customNamed(w, "See you soon!")).id).toBe(made.id);
    const htmx = await admin.post(`/admin/closing-messages/${made.id}`, { body: "See you!" }, { htmx: true });
    expect(htmx.status).toBe(200);
    expect(await htmx.text()).toContain("Saved.");
    expect((await admin.post(`/admin/closing-messages/${made.id}/delete`)).status).toBe(303);
    expect(await customOrder(w)).toEqual([]);
    const log = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "closing_message_changed")));
    expect(log.map((e) => (e.data as { change: string }).change)).toEqual(["created", "updated", "updated", "deleted"]);
  });

  it("refuses a blank message and one over 1000 characters, keeping what was typed", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const blank = await admin.post("/admin/closing-messages", { body: "   " });
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain("Required.");
    const long = "y".repeat(1001);
    const tooLong = await admin.post("/admin/closing-messages", { body: long }, { htmx: true });
    expect(tooLong.status).toBe(422);
    const html = await tooLong.text();
    expect(html).toContain("At most 1000 characters.");
    expect(html).toContain(`>${long}</textarea>`);
    expect(await customOrder(w)).toEqual([]);
    expect((await admin.post("/admin/closing-messages", { body: "y".repeat(1000) })).status).toBe(303);
  });

  it("reorders custom messages up and down; the ends offer no move past them", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    for (const body of ["First", "Second", "Third"]) await admin.post("/admin/closing-messages", { body });
    const third = await customNamed(w, "Third");
    const first = await customNamed(w, "First");
    expect((await admin.post(`/admin/closing-messages/${third.id}/move`, { direction: "up" })).status).toBe(303);
    expect(await customOrder(w)).toEqual(["First", "Third", "Second"]);
    await admin.post(`/admin/closing-messages/${third.id}/move`, { direction: "up" });
    await admin.post(`/admin/closing-messages/${third.id}/move`, { direction: "up" });
    expect(await customOrder(w)).toEqual(["Third", "First", "Second"]);
    await admin.post(`/admin/closing-messages/${first.id}/move`, { direction: "down" });
    expect(await customOrder(w)).toEqual(["Third", "Second", "First"]);
    expect((await admin.post(`/admin/closing-messages/${first.id}/move`, { direction: "sideways" })).status).toBe(400);

    const page = (await admin.html("/admin/closing-messages")).text;
    const moves = (id: number) => [...page.matchAll(new RegExp(`/admin/closing-messages/${id}/move"[^]*?name="direction" value="(up|down)"`, "g"))].map((m) => m[1]);
    expect(moves(third.id)).toEqual(["down"]);
    expect(moves(first.id)).toEqual(["up"]);
    const moved = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "closing_message_changed")));
    // Moving the top message up again changed nothing, so it wrote no event.
    expect(moved.filter((e) => String((e.data as { change: string }).change).startsWith("moved_")).length).toBe(3);
  });

  it("pages with Load more when there are more than 25", async () => {
    const w = await t.world();
    await t.db.insert(closingMessages).values(Array.from({ length: 30 }, (_, i) => ({ orgId: w.orgId, body: `Custom ${String(i).padStart(2, "0")}`, position: 10 + i })));
    const admin = await adminOf(w);
    const first = await admin.html("/admin/closing-messages");
    expect((first.text.match(/<tr><td>/g) ?? []).length).toBe(25);
    expect(first.text).toContain("Custom 21");
    expect(first.text).not.toContain("Custom 22");
    const next = first.text.match(/hx-get="(\/admin\/closing-messages\?after=[^"]+)"/)![1].replaceAll("&amp;", "&");
    const more = await (await admin.get(next, { htmx: true })).text();
    expect(more).not.toContain("<html");
    expect(more).toContain("Custom 22");
    expect(more).toContain("Custom 29");
    expect(more).not.toContain("Custom 21");
    expect(more).not.toContain("Load more");
  });

  it("is for admins only", async () => {
    const w = await t.world();
    for (const person of [w.supervisor, w.agent]) {
      const client = await t.signIn(person.email, w.orgId);
      expect((await client.get("/admin/closing-messages")).status).toBe(403);
      expect((await client.post("/admin/closing-messages", { body: "Sneaky" })).status).toBe(403);
    }
    expect(await customOrder(w)).toEqual([]);
  });

  it("never shows or changes another organization's messages", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    await (await adminOf(rival)).post("/admin/closing-messages", { body: "Rival goodbye" });
    const theirs = await customNamed(rival, "Rival goodbye");
    const admin = await adminOf(w);
    expect((await admin.html("/admin/closing-messages")).text).not.toContain("Rival goodbye");
    expect((await admin.get(`/admin/closing-messages/${theirs.id}`)).status).toBe(404);
    expect((await admin.post(`/admin/closing-messages/${theirs.id}`, { body: "Hijack" })).status).toBe(404);
    expect((await admin.post(`/admin/closing-messages/${theirs.id}/move`, { direction: "up" })).status).toBe(404);
    expect((await admin.post(`/admin/closing-messages/${theirs.id}/delete`)).status).toBe(404);
    expect(await customNamed(rival, "Rival goodbye")).toMatchObject({ id: theirs.id });
  });
});
