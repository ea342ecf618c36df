// Admin → Import as an attacker would try it, and a run's life: followed live and without
// JavaScript, carried on by the job after its process stopped, never run twice at once.
import { describe, expect, it } from "bun:test";
import { count, eq } from "drizzle-orm";
import { events, ledgerEntries, ledgerImports } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { startImport } from "../../src/billing/imports";
import { resumeImports, runImport } from "../../src/billing/import-run";
import { readSse } from "../support/sse";
import { useTestApp } from "../support/app";
import { importContacts, importIdOf, importRow, upload } from "./import-support";

const t = useTestApp();

const FILE = "external_id,amount,currency,reference\nCRM-1,10,TRY,R-1\nCRM-2,20,TRY,R-2\nCRM-404,5,TRY,R-3\n";

async function entries(orgId: number) {
  return (await t.db.select({ n: count() }).from(ledgerEntries).where(eq(ledgerEntries.orgId, orgId)))[0].n;
}

describe("who may import", () => {
  it("another organization's admin cannot see, read again, start, discard or download an import; supervisors and agents cannot enter", async () => {
    const w = await t.world("Acme");
    const other = await t.world("Rival");
    await importContacts(t, w.orgId, 2);
    await importContacts(t, other.orgId, 2);
    const admin = await t.signIn(w.admin.email, w.orgId);
    const id = importIdOf(await upload(admin, FILE, {}, "acme-secret.csv"));
    const rival = await t.signIn(other.admin.email, other.orgId);
    for (const path of [`/admin/imports/${id}`, `/admin/imports/${id}/problems.csv`]) expect((await rival.get(path)).status).toBe(404);
    for (const action of ["settings", "start", "discard"]) expect((await rival.post(`/admin/imports/${id}/${action}`, { delimiter: ";", decimalMark: "comma" })).status).toBe(404);
    expect((await rival.html("/admin/imports")).text).not.toContain("acme-secret.csv");
    // The rival's stream never carries the import's progress.
    const stream = await rival.get(`/events?view=import&import=${id}`);
    await admin.post(`/admin/imports/${id}/start`);
    await t.app.runtime.background.idle();
    expect((await readSse(stream, (m) => m.data.includes("import-status"), 1500)).some((m) => m.data.includes("import-status"))).toBe(false);
    expect(await entries(other.orgId)).toBe(0);
    expect(await entries(w.orgId)).toBe(2);
    const row = await importRow(t, id);
    expect(row.orgId).toBe(w.orgId);
    for (const who of [w.supervisor.email, w.agent.email]) {
      const person = await t.signIn(who, w.orgId);
      expect((await person.get(`/admin/imports/${id}`)).status).toBe(403);
      expect((await upload(person, FILE)).status).toBe(403);
    }
    const supervisor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
    await expect(startImport(t.db, supervisor, id, t.clock.now())).rejects.toThrow("forbidden");
  });
});

describe("a run", () => {
  it("is followed live on its page, and without JavaScript the page reloads itself until it is done", async () => {
    const w = await t.world();
    await importContacts(t, w.orgId, 2);
    const admin = await t.signIn(w.admin.email, w.orgId);
    const id = importIdOf(await upload(admin, FILE));
    const adminActor = (await actorFor(t.db, w.admin.id, w.orgId))!;
    // Started, but its process stopped before running it.
    await startImport(t.db, adminActor, id, t.clock.now());
    const waiting = await admin.html(`/admin/imports/${id}`);
    expect(waiting.text).toContain('<noscript><meta http-equiv="refresh" content="3"></noscript>');
    expect(waiting.text.split("<body")[0]).not.toContain("refresh");
    expect(waiting.text).toContain("0 of 3 lines");
    expect(waiting.text).toContain("Waiting to start…");
    const stream = await admin.get(`/events?view=import&import=${id}`);
    await resumeImports(t.deps);
    const frames = await readSse(stream, (m) => m.data.includes("Import finished"), 5000);
    const last = frames.at(-1)!.data;
    expect(last).toContain('hx-target="#import-status"');
    expect(last).toContain("Import finished: 2 entries added, 0 already imported, 1 lines with problems.");
    expect(last).toContain("No contact matches “CRM-404”.");
    const done = await admin.html(`/admin/imports/${id}`);
    expect(done.text).not.toContain("http-equiv");
    expect(done.text).toContain("Done");
  });

  it("is taken over once its lease has passed, and two runners at once store each line once", async () => {
    const w = await t.world();
    await importContacts(t, w.orgId, 2);
    const admin = await t.signIn(w.admin.email, w.orgId);
    const adminActor = (await actorFor(t.db, w.admin.id, w.orgId))!;
    const id = importIdOf(await upload(admin, FILE));
    await startImport(t.db, adminActor, id, t.clock.now());
    // A process claimed it and died: its lease holds the import until it passes.
    await t.db.update(ledgerImports).set({ status: "running", leaseToken: "dead-process", leaseUntil: new Date(t.clock.now().getTime() + 30_000) }).where(eq(ledgerImports.id, id));
    await resumeImports(t.deps);
    expect((await importRow(t, id)).status).toBe("running");
    t.clock.advance("2m");
    const outcomes = await Promise.all([runImport(t.deps, id), runImport(t.deps, id), resumeImports(t.deps)]);
    expect(outcomes.filter((o) => o === true).length).toBeLessThanOrEqual(1);
    expect(await importRow(t, id)).toMatchObject({ status: "done", added: 2, problemLines: 1, leaseToken: null });
    expect(await entries(w.orgId)).toBe(2);
  });

  it("adds the entries to every open Billing widget of the contacts it touched", async () => {
    const w = await t.world();
    const [c1] = await importContacts(t, w.orgId, 2);
    const admin = await t.signIn(w.admin.email, w.orgId);
    const id = importIdOf(await upload(admin, FILE));
    await admin.post(`/admin/imports/${id}/start`);
    await t.app.runtime.background.idle();
    const progress = await t.db.select().from(events).where(eq(events.type, "ledger_import_progress"));
    const withEntries = progress.filter((e) => (e.data as { importId: number }).importId === id && (e.data as { contactIds: number[] }).contactIds.length > 0);
    expect(withEntries.map((e) => [e.orgId, e.actorId, (e.data as { contactIds: number[] }).contactIds.includes(c1.id)])).toEqual([[w.orgId, w.admin.id, true]]);
  });
});
