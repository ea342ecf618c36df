import { describe, expect, it } from "bun:test";
import { contacts, notes } from "@db/schema";
import { useTestApp } from "../support/app";

const t = useTestApp();

describe("contacts", () => {
  it("searches by name, phone or email and opens a contact with its notes", async () => {
    const w = await t.world();
    const [zeynep] = await t.db
      .insert(contacts)
      .values([
        { orgId: w.orgId, name: "Zeynep Ak", phone: "+905551112233", email: "zeynep@example.test" },
        { orgId: w.orgId, name: "Yusuf Er", phone: "+905559998877" },
      ])
      .returning();
    await t.db.insert(notes).values({ orgId: w.orgId, contactId: zeynep.id, authorId: w.agent.id, body: "Calls after six." });
    const agent = await t.signIn(w.agent.email, w.orgId);
    const byPhone = await agent.html("/contacts?q=1112233");
    expect(byPhone.text).toContain("Zeynep Ak");
    expect(byPhone.text).not.toContain("Yusuf Er");
    expect((await agent.html("/contacts?q=EXAMPLE.test")).text).toContain("Zeynep Ak");
    const page = await agent.html(`/contacts/${zeynep.id}`);
    expect(page.text).toContain("Calls after six.");
    expect(page.text).toContain("Okan Agent");
  });

  it("keeps each organization's contacts to itself", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const [hidden] = await t.db.insert(contacts).values({ orgId: rival.orgId, name: "Rival Customer" }).returning();
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.get(`/contacts/${hidden.id}`)).status).toBe(404);
    expect((await agent.html("/contacts?q=Rival")).text).not.toContain("Rival Customer");
  });
});
