// S3-compatible storage against a local S3 server (s3rver on loopback) started by this file.
import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "bun";
import S3rver from "s3rver";
import { eq } from "drizzle-orm";
import { attachments } from "@db/schema";
import { storageFor } from "../../src/media/storage";
import { useTestApp } from "../support/app";
import { fileOf, joinedConversation, MB, upload, voiceFixture } from "./support";

const dir = mkdtempSync(join(tmpdir(), "kanal-s3rver-"));
const s3 = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: "kanal-test" }] });
const { port } = await s3.run();
afterAll(async () => {
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

const s3Env = {
  STORAGE_S3_BUCKET: "kanal-test",
  STORAGE_S3_ENDPOINT: `http://127.0.0.1:${port}`,
  STORAGE_S3_REGION: "us-east-1",
  STORAGE_S3_ACCESS_KEY_ID: "S3RVER",
  STORAGE_S3_SECRET_ACCESS_KEY: "S3RVER",
};
const t = useTestApp(s3Env);
const bucket = () => new S3Client({ bucket: s3Env.STORAGE_S3_BUCKET, endpoint: s3Env.STORAGE_S3_ENDPOINT, region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER" });

describe("S3-compatible storage", () => {
  it("is chosen when STORAGE_S3_* is set, and writes, reads ranges and deletes", async () => {
    const storage = storageFor(t.config);
    expect(storage.kind).toBe("s3");
    const bytes = fileOf("pdf", 300_000);
    expect(await storage.write("test/one.pdf", bytes, "application/pdf")).toBe(300_000);
    const read = await storage.read("test/one.pdf");
    expect(read!.size).toBe(300_000);
    expect(new Uint8Array(await read!.blob.slice(10, 20).arrayBuffer())).toEqual(bytes.slice(10, 20));
    await storage.delete("test/one.pdf");
    expect(await storage.read("test/one.pdf")).toBeNull();
  });

  it("an upload streams into the bucket (12 MB, in several parts) and is served back with ranges", async () => {
    const { conversationId, agent } = await joinedConversation(t, "whatsapp");
    const video = fileOf("mp4", 12 * MB);
    const res = await upload(agent, conversationId, video, { filename: "unboxing.mp4", chunked: true });
    expect(res.status).toBe(201);
    const up = await res.json();
    const [row] = await t.db.select().from(attachments).where(eq(attachments.id, up.id));
    const stat = await bucket().file(row.storageKey).stat();
    expect(stat.size).toBe(12 * MB);
    expect(stat.type).toBe("video/mp4");
    const part = await agent.get(`/media/${up.id}`, { headers: { range: `bytes=${6 * MB}-${6 * MB + 99}` } });
    expect(part.status).toBe(206);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(video.slice(6 * MB, 6 * MB + 100));
    const whole = await agent.get(`/media/${up.id}`);
    expect(whole.headers.get("content-type")).toBe("video/mp4");
    expect((await whole.arrayBuffer()).byteLength).toBe(12 * MB);
  });

  it("an upload over the limit leaves nothing in the bucket", async () => {
    const { w, conversationId, agent } = await joinedConversation(t, "whatsapp");
    const before = (await bucket().list({ prefix: `${w.orgId}/` })).contents?.length ?? 0;
    const res = await upload(agent, conversationId, fileOf("jpeg", 5 * MB + 1024), { filename: "big.jpg", chunked: true });
    expect(res.status).toBe(422);
    expect((await bucket().list({ prefix: `${w.orgId}/` })).contents?.length ?? 0).toBe(before);
  });

  it("a voice note lands in the bucket as OGG/Opus", async () => {
    const { conversationId, agent } = await joinedConversation(t, "whatsapp");
    const up = await (await upload(agent, conversationId, await voiceFixture(), { voice: true })).json();
    const [row] = await t.db.select().from(attachments).where(eq(attachments.id, up.id));
    const head = new Uint8Array(await bucket().file(row.storageKey).slice(0, 36).arrayBuffer());
    expect(new TextDecoder().decode(head.subarray(0, 4))).toBe("OggS");
    expect(new TextDecoder().decode(head.subarray(28, 36))).toBe("OpusHead");
  });
});
