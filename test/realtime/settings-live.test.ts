// Live everywhere: admins' changes and new files reach an open conversation's pickers and widgets.
import { describe, expect, it } from "bun:test";
import { useTestApp } from "../support/app";
import { readSse } from "../support/sse";
import { joinedConversation, TINY_PNG, upload } from "../media/support";

const t = useTestApp({ STORAGE_DIR: `/tmp/kanal-test-settings-live-${process.pid}` });

async function stream(client: Awaited<ReturnType<typeof t.signIn>>, conversationId: number) {
  const res = await client.get(`/events?view=inbox&tab=assigned&conversation=${conversationId}`);
  expect(res.status).toBe(200);
  return res;
}

describe("an open conversation follows admins' changes live", () => {
  it("a new tag reaches the agent's tag picker and a supervisor's suggestions, a shared quick reply the chips", async () => {
    const { w, conversationId, agent } = await joinedConversation(t, "whatsapp");
    const admin = await t.signIn(w.admin.email, w.orgId);
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const agentStream = await stream(agent, conversationId);
    const supervisorStream = await stream(supervisor, conversationId);
    expect((await admin.post("/admin/tags", { name: "Kargo gecikmesi", color: "#DC2626" })).status).toBe(303);
    const forAgent = await readSse(agentStream, (m) => m.data.includes('hx-target="#widget-tags"'));
    expect(forAgent.at(-1)!.data).toContain("Kargo gecikmesi");
    const forSupervisor = await readSse(supervisorStream, (m) => m.data.includes('hx-target="#w-tag-options"'));
    expect(forSupervisor.at(-1)!.data).toContain('<option value="Kargo gecikmesi">');

    const again = await stream(agent, conversationId);
    expect((await admin.post("/admin/quick-replies", { title: "İade süreci", body: "İadeniz 3 iş günü içinde…", scope: "shared" })).status).toBe(303);
    const chips = await readSse(again, (m) => m.data.includes('hx-target="#quick-reply-chips"'));
    expect(chips.at(-1)!.data).toContain("İade süreci");
  });

  it("a user invited, or an agent's status, reach the assignment list; someone's personal quick reply stays theirs", async () => {
    const { w, conversationId, agent } = await joinedConversation(t, "whatsapp");
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const agentStream = await stream(agent, conversationId);
    expect((await supervisor.post("/me/status", { status: "break" })).status).toBeLessThan(400);
    const got = await readSse(agentStream, (m) => m.data.includes('hx-target="#assign-target"'));
    expect(got.at(-1)!.data).toMatch(/Selin Supervisor · Break/);
    const watching = await stream(agent, conversationId);
    await supervisor.post("/admin/quick-replies", { title: "Benim notum", body: "kişisel", scope: "personal" });
    const seen = await readSse(watching, (m) => m.data.includes("Benim notum"), 1000);
    expect(seen.some((m) => m.data.includes("Benim notum"))).toBe(false);
  });

  it("the file box and the gallery update live for another agent on the contact's conversation; another organization hears nothing", async () => {
    const { w, conversationId, agent } = await joinedConversation(t, "whatsapp");
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const other = await joinedConversation(t, "whatsapp");
    const watching = await stream(supervisor, conversationId);
    const elsewhere = await stream(other.agent, other.conversationId);
    const box = await agent.request(`/inbox/${conversationId}/files`, {
      method: "POST",
      body: new TextEncoder().encode("%PDF-1.4 terms"),
      headers: { "content-type": "application/octet-stream", "x-filename": encodeURIComponent("sozlesme.pdf"), "content-length": "14" },
      htmx: true,
    });
    expect(box.status).toBeLessThan(400);
    const files = await readSse(watching, (m) => m.data.includes('hx-target="#widget-files"'));
    expect(files.at(-1)!.data).toContain("sozlesme.pdf");
    const watchingGallery = await stream(supervisor, conversationId);
    const photo = await (await upload(agent, conversationId, TINY_PNG, { filename: "kutu.png" })).json();
    await agent.post(`/inbox/${conversationId}/reply`, { body: "", as: "reply", attachmentIds: String(photo.id) });
    const shown = await readSse(watchingGallery, (m) => m.data.includes('hx-target="#widget-gallery"'));
    expect(shown.at(-1)!.data).toContain(`data-viewer="${photo.id}"`);
    const heard = await readSse(elsewhere, (m) => m.data.includes("sozlesme.pdf") || m.data.includes("widget-gallery"), 800);
    expect(heard.some((m) => m.data.includes("sozlesme.pdf") || m.data.includes("widget-gallery"))).toBe(false);
  });
});
