import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { attachments, messages, organizations } from "@db/schema";
import { useTestApp } from "../support/app";
import { fileOf, joinedConversation, TINY_PNG, upload } from "./support";

const t = useTestApp({ STORAGE_DIR: `/tmp/kanal-test-access-${process.pid}` });

describe("files are served only to the owning organization", () => {
  it("a member gets the stored type, nosniff, Content-Disposition and byte ranges; others get nothing", async () => {
    const { w, conversationId, agent } = await joinedConversation(t, "whatsapp");
    const video = fileOf("mp4", 100_000);
    const up = await (await upload(agent, conversationId, video, { filename: "clip.mp4", type: "image/png" })).json();
    expect(up.mime).toBe("video/mp4");

    const res = await agent.get(`/media/${up.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/mp4");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-disposition")).toBe(`inline; filename="clip.mp4"; filename*=UTF-8''clip.mp4`);
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(video);

    const part = await agent.get(`/media/${up.id}`, { headers: { range: "bytes=1000-1999" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 1000-1999/100000");
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(video.slice(1000, 2000));
    const tail = await agent.get(`/media/${up.id}`, { headers: { range: "bytes=-10" } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(video.slice(-10));
    expect((await agent.get(`/media/${up.id}`, { headers: { range: "bytes=200000-" } })).status).toBe(416);

    const download = await agent.get(`/media/${up.id}?download=1`);
    expect(download.headers.get("content-disposition")).toStartWith("attachment;");

    // A colleague in the same organization may see it; another organization and strangers may not.
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    expect((await supervisor.get(`/media/${up.id}`)).status).toBe(200);
    const other = await joinedConversation(t, "whatsapp");
    const outsider = await other.agent.get(`/media/${up.id}`);
    expect(outsider.status).toBe(404);
    expect(await outsider.text()).not.toContain("ftyp");
    const anonymous = await t.client().get(`/media/${up.id}`);
    expect(anonymous.status).not.toBe(200);
    expect([302, 303, 401]).toContain(anonymous.status);
  });

  it("with \"agents see only their own\", an agent gets no file of a colleague's conversation", async () => {
    const { w, conversationId, agent } = await joinedConversation(t, "whatsapp");
    const up = await (await upload(agent, conversationId, TINY_PNG, { filename: "dot.png" })).json();
    await t.db.update(organizations).set({ settings: { agentsSeeOnlyOwn: true } }).where(eq(organizations.id, w.orgId));
    // Joined the unassigned conversation, so it is the first agent's now.
    expect((await agent.get(`/media/${up.id}`)).status).toBe(200);
    const colleague = await t.signIn(w.agent2.email, w.orgId);
    expect((await colleague.get(`/media/${up.id}`)).status).toBe(404);
    expect((await upload(colleague, conversationId, TINY_PNG, { filename: "x.png" })).status).toBe(404);
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    expect((await supervisor.get(`/media/${up.id}`)).status).toBe(200);
  });

  it("documents are downloads, never shown inline, and a non-ASCII name survives", async () => {
    const { conversationId, agent } = await joinedConversation(t, "whatsapp");
    const up = await (await upload(agent, conversationId, fileOf("pdf", 5000), { filename: "Sipariş özeti.pdf" })).json();
    const res = await agent.get(`/media/${up.id}`);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="Sipari_ _zeti.pdf"; filename*=UTF-8''Sipari%C5%9F%20%C3%B6zeti.pdf`);
  });

  it("inbound media from the customer render inline in the thread: image, video, voice note, file", async () => {
    const { w, conversationId, agent } = await joinedConversation(t, "whatsapp");
    const [conv] = await t.db.select({ channelId: messages.channelId }).from(messages).where(eq(messages.conversationId, conversationId));
    const kinds = [
      ["image", "image/jpeg", "photo.jpg"],
      ["video", "video/mp4", "clip.mp4"],
      ["voice", "audio/ogg", "voice.ogg"],
      ["file", "application/pdf", "invoice.pdf"],
    ] as const;
    for (const [kind, mime, filename] of kinds) {
      const [m] = await t.db.insert(messages).values({ orgId: w.orgId, conversationId, channelId: conv.channelId, direction: "in", kind, body: kind === "image" ? "Box arrived damaged" : "", createdAt: t.clock.now() }).returning();
      await t.db.insert(attachments).values({ orgId: w.orgId, messageId: m.id, storageKey: `in/${m.id}`, filename, mime, size: 1234, sha256: "x", durationMs: kind === "voice" ? 4200 : null, createdAt: t.clock.now() });
    }
    const html = (await agent.html(`/inbox/${conversationId}`)).text;
    expect(html).toMatch(/<a href="\/media\/\d+" class="media-image"[^>]*><img src="\/media\/\d+" alt="photo.jpg"/);
    expect(html).toContain("Box arrived damaged");
    expect(html).toMatch(/<video class="media-video" controls="" preload="metadata" src="\/media\/\d+"/);
    expect(html).toMatch(/<div class="voice-note">.*<audio controls="" preload="metadata" src="\/media\/\d+"[^>]*><\/audio><span class="muted">0:04<\/span>/s);
    expect(html).toMatch(/<a href="\/media\/\d+\?download=1" class="file-download" download="invoice.pdf">/);
  });
});
