// The admin resource factory's promises, held by every section built with it: rows alone for "Load
// more", a rejected form drawn again with 422 as typed, 404 for ids that are not the organization's,
// the flash after a plain post, the panel after an htmx one.
import { describe, expect, it } from "bun:test";
import { useTestApp, type Client } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

interface Section {
  base: string;
  /** A valid form for the n-th item; its first value is what the list shows. */
  valid(n: number, w: World): Record<string, string>;
  /** A form the schema rejects, with a value to find again in the redrawn form. */
  invalid: Record<string, string>;
  typed: string;
  panel: string;
}

const sections: Section[] = [
  { base: "/admin/tags", valid: (n) => ({ name: `Tag ${n}`, color: "#112233" }), invalid: { name: "Kept tag", color: "red" }, typed: 'value="Kept tag"', panel: "tags-panel" },
  { base: "/admin/brands", valid: (n) => ({ name: `Brand ${n}` }), invalid: { name: "B".repeat(200) }, typed: `value="${"B".repeat(200)}"`, panel: "brands-panel" },
  { base: "/admin/workgroups", valid: (n, w) => ({ name: `Group ${n}`, memberIds: w.agent.id }), invalid: { name: "", memberIds: "kept-member" }, typed: 'name="name"', panel: "workgroups-panel" },
  { base: "/admin/quick-replies", valid: (n) => ({ title: `Reply ${n}`, body: "Hello", scope: "shared" }), invalid: { title: "Kept title", body: "", scope: "shared" }, typed: 'value="Kept title"', panel: "quick-replies-panel" },
  { base: "/admin/closing-messages", valid: (n) => ({ body: `Bye ${n}` }), invalid: { body: "C".repeat(1001) }, typed: "C".repeat(1001), panel: "closing-messages-panel" },
  { base: "/admin/custom-fields", valid: (n) => ({ label: `Field ${n}`, key: "", type: "text" }), invalid: { label: "L".repeat(61), key: "9 lives", type: "text" }, typed: `value="${"L".repeat(61)}"`, panel: "custom-fields-panel" },
];

async function adminOf(w: World): Promise<Client> {
  return t.signIn(w.admin.email, w.orgId);
}

describe("admin resource factory", () => {
  for (const s of sections) {
    it(`${s.base}: "Load more" answers htmx with the next rows only, a plain request with the whole page`, async () => {
      const w = await t.world();
      const admin = await adminOf(w);
      for (let n = 1; n <= 27; n++) expect((await admin.post(s.base, s.valid(n, w))).status).toBe(303);
      const page = (await admin.html(s.base)).text;
      const after = page.match(/\?after=([A-Za-z0-9_-]+)/)?.[1];
      expect(after).toBeDefined();
      const rows = await admin.get(`${s.base}?after=${after}`, { htmx: true });
      expect(rows.status).toBe(200);
      const html = await rows.text();
      expect(html.startsWith("<tr")).toBe(true);
      expect(html).not.toContain("<html");
      expect(html).not.toContain("load-more");
      const plain = (await admin.html(`${s.base}?after=${after}`)).text;
      expect(plain).toContain(`id="${s.panel}"`);
    });

    it(`${s.base}: a rejected create or edit is drawn again with 422, keeping what was typed`, async () => {
      const w = await t.world();
      const admin = await adminOf(w);
      const created = await admin.post(s.base, s.invalid);
      expect(created.status).toBe(422);
      const html = await created.text();
      expect(html).toContain(s.typed);
      expect(html).toContain("<details class=\"card\" open=\"\">");

      await admin.post(s.base, s.valid(1, w));
      const id = (await admin.html(s.base)).text.match(new RegExp(`${s.base}/(\\d+)"`))![1];
      const edited = await admin.post(`${s.base}/${id}`, s.invalid, { htmx: true });
      expect(edited.status).toBe(422);
      expect(await edited.text()).toContain(s.typed);
    });

    it(`${s.base}: ids of another organization, unknown or malformed are 404 for every action`, async () => {
      const other = await t.world("Other");
      const otherAdmin = await adminOf(other);
      await otherAdmin.post(s.base, s.valid(1, other));
      const foreign = (await otherAdmin.html(s.base)).text.match(new RegExp(`${s.base}/(\\d+)"`))![1];

      const w = await t.world();
      const admin = await adminOf(w);
      for (const id of [foreign, "999999999"]) {
        expect((await admin.get(`${s.base}/${id}`)).status).toBe(404);
        expect((await admin.post(`${s.base}/${id}`, s.valid(2, w))).status).toBe(404);
        expect((await admin.post(`${s.base}/${id}/delete`)).status).toBe(404);
      }
      expect((await admin.get(`${s.base}/abc`)).status).toBe(404);
      expect((await otherAdmin.get(`${s.base}/${foreign}`)).status).toBe(200);
    });

    it(`${s.base}: a plain post is redirected and flashes once; an htmx post gets the panel with the flash`, async () => {
      const w = await t.world();
      const admin = await adminOf(w);
      const created = await admin.post(s.base, s.valid(1, w));
      expect(created.status).toBe(303);
      expect(created.headers.get("location")).toBe(s.base);
      expect((await admin.html(s.base)).text).toContain("Saved.");
      expect((await admin.html(s.base)).text).not.toContain("Saved.");

      const viaHtmx = await admin.post(s.base, s.valid(2, w), { htmx: true });
      expect(viaHtmx.status).toBe(200);
      const panel = await viaHtmx.text();
      expect(panel).toContain(`id="${s.panel}"`);
      expect(panel).toContain("Saved.");

      const id = (await admin.html(s.base)).text.match(new RegExp(`${s.base}/(\\d+)"`))![1];
      const saved = await admin.post(`${s.base}/${id}`, s.valid(3, w));
      expect(saved.status).toBe(303);
      expect(saved.headers.get("location")).toBe(`${s.base}/${id}`);
      const deleted = await admin.post(`${s.base}/${id}/delete`);
      expect(deleted.status).toBe(303);
      expect(deleted.headers.get("location")).toBe(s.base);
      expect((await admin.html(s.base)).text).toContain("Deleted.");
    });
  }
});
