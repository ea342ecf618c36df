// The Bulk messages pages over HTTP: a supervisor makes a send from the form (a bad list is refused
// with what was typed kept), follows it, exports its recipients and steers it; agents and another
// organization's people cannot reach it; an agent opts a contact out and back in.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { bulkSends, contacts } from "@db/schema";
import { useTestApp } from "../support/app";
import { useLiveChannels } from "../channels/support/live-channels";
import { bulkWorld, newRunner, runToEnd, taggedContacts } from "./support";

const t = useTestApp();
const live = useLiveChannels(t);

describe("bulk pages", () => {
  it("create from the form, follow, export, pause; agents and other organizations are kept out", async () => {
    const { w, channel } = await bulkWorld(t, live, "440000000000001");
    const { tagId } = await taggedContacts(t, w.orgId, channel.id, "pages", 3, "6");
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const form = { name: "Kargo", tag: String(tagId), template: `${channel.id}:order_update:tr`, p1_source: "contact.name", p1_text: "", p2_source: "text", p2_text: "A-77", pace: "20", when: "now" };

    const page = await supervisor.html("/bulk/new");
    expect(page.status).toBe(200);
    expect(page.text).toContain("order_update (tr)");
    const preview = await (await supervisor.post("/bulk/preview", form, { htmx: true })).text();
    expect(preview).toContain('<output id="bulk-count">3</output>');
    expect(preview).toContain("Merhaba Customer 60, A-77 numaralı siparişiniz kargoya verildi.");

    const bad = await supervisor.post("/bulk", { ...form, numbers: "+905551112233\nnot-a-number" });
    expect(bad.status).toBe(422);
    const badText = await bad.text();
    expect(badText).toContain("not-a-number");
    expect(badText).toContain('value="Kargo"');

    const made = await supervisor.post("/bulk", form);
    expect(made.status).toBe(303);
    const at = made.headers.get("location")!;
    const id = Number(at.split("/").pop());
    await runToEnd(t, live, newRunner(t));
    const detail = await supervisor.html(at);
    expect(detail.text).toContain('data-figure="read">3<');
    const csv = await (await supervisor.get(`${at}/recipients.csv`)).text();
    expect(csv.trim().split("\r\n")).toHaveLength(4);
    expect(csv).toContain("read");
    const list = await supervisor.html("/bulk");
    expect(list.text).toContain("3 / 3");

    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.get("/bulk")).status).toBe(403);
    expect((await agent.post(`/bulk/${id}/cancel`)).status).toBe(403);
    const other = await bulkWorld(t, live, "440000000000002");
    const stranger = await t.signIn(other.w.supervisor.email, other.w.orgId);
    expect((await stranger.get(at)).status).toBe(404);
    expect((await stranger.get(`${at}/recipients.csv`)).status).toBe(404);
    expect((await stranger.post(`${at}/cancel`)).status).toBe(404);
    expect((await t.db.select().from(bulkSends).where(eq(bulkSends.id, id)))[0].status).toBe("done");
  });

  it("an agent opts a contact out of bulk messages and back in", async () => {
    const { w, channel } = await bulkWorld(t, live, "440000000000003");
    const { contacts: people } = await taggedContacts(t, w.orgId, channel.id, "opt", 1, "7");
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.post(`/contacts/${people[0].id}/bulk-opt-out`)).status).toBe(303);
    expect((await t.db.select().from(contacts).where(eq(contacts.id, people[0].id)))[0].bulkOptedOutAt).not.toBeNull();
    expect((await agent.html(`/contacts/${people[0].id}`)).text).toContain("Opted out of bulk messages since");
    expect((await agent.post(`/contacts/${people[0].id}/bulk-opt-in`)).status).toBe(303);
    expect((await t.db.select().from(contacts).where(eq(contacts.id, people[0].id)))[0].bulkOptedOutAt).toBeNull();
  });
});
