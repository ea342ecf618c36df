// Uploads a composer never sent: after a day their rows go, and their bytes unless still used.
import { describe, expect, it } from "bun:test";
import { eq, inArray } from "drizzle-orm";
import { attachments, conversations, messages } from "@db/schema";
import { storageFor, storeBytes } from "../../src/media/storage";
import { removeUnsentUploads, UNSENT_UPLOAD_TTL_MS } from "../../src/media/uploads";
import { runJobOnce, jobs } from "../../src/jobs/schedule";
import { useTestApp } from "../support/app";
import { joinedConversation } from "./support";

const t = useTestApp({ STORAGE_DIR: `/tmp/kanal-test-unsent-${process.pid}` });

describe("unsent uploads", () => {
  it("go after a day with their bytes; fresh ones, sent ones and bytes a file box still uses stay", async () => {
    const { w, conversationId } = await joinedConversation(t, "whatsapp");
    const storage = storageFor(t.config);
    const now = t.clock.now();
    const dayAgo = new Date(now.getTime() - UNSENT_UPLOAD_TTL_MS - 60_000);
    const [message] = await t.db.select({ id: messages.id }).from(messages).where(eq(messages.conversationId, conversationId));
    const [{ contactId }] = await t.db.select({ contactId: conversations.contactId }).from(conversations).where(eq(conversations.id, conversationId));
    const file = async (label: string) => ({ ...(await storeBytes(storage, w.orgId, new TextEncoder().encode(label), "text/plain", now)), filename: `${label}.txt`, mime: "text/plain" });
    const stale = await file("stale");
    const fresh = await file("fresh");
    const boxed = await file("boxed");
    const sent = await file("sent");
    const rows = await t.db
      .insert(attachments)
      .values([
        { orgId: w.orgId, ...stale, uploadedBy: w.agent.id, createdAt: dayAgo },
        { orgId: w.orgId, ...fresh, uploadedBy: w.agent.id, createdAt: now },
        // A file-box copy and an unsent share of it, on the same bytes.
        { orgId: w.orgId, ...boxed, contactId, uploadedBy: w.agent.id, createdAt: dayAgo },
        { orgId: w.orgId, ...boxed, uploadedBy: w.agent.id, createdAt: dayAgo },
        { orgId: w.orgId, ...sent, messageId: message.id, uploadedBy: w.agent.id, createdAt: dayAgo },
      ])
      .returning({ id: attachments.id, storageKey: attachments.storageKey });

    expect(await removeUnsentUploads(t.db, storage, now, 1)).toBe(2);

    const left = await t.db.select({ id: attachments.id }).from(attachments).where(inArray(attachments.id, rows.map((r) => r.id)));
    expect(left.map((r) => r.id).sort()).toEqual([rows[1].id, rows[2].id, rows[4].id].sort());
    expect(await storage.read(stale.storageKey)).toBeNull();
    for (const kept of [fresh, boxed, sent]) expect(await storage.read(kept.storageKey)).not.toBeNull();
    // Nothing left to do the next time.
    expect(await removeUnsentUploads(t.db, storage, now)).toBe(0);
  });

  it("runs as a periodic job", async () => {
    const job = jobs.find((j) => j.name === "unsent-uploads")!;
    expect(job).toBeDefined();
    expect(await runJobOnce(t.deps, job, new Date("2026-11-29T06:20:00Z"))).toBe("ran");
  });
});
