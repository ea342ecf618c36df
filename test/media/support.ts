// Conversations on each kind of channel, uploads as the composer sends them, and small real files.
import { channels, type ChannelKind } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { ingestInbound } from "../../src/inbox/customer-messages";
import type { Client, TestApp } from "../support/app";

export const MB = 1024 * 1024;

let seq = 0;

/** A customer writes on a channel of this kind; the agent is signed in and has joined. */
export async function joinedConversation(t: TestApp, kind: ChannelKind, config: Record<string, unknown> = {}) {
  const w = await t.world();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind, name: kind, config, webhookKey: newWebhookKey() }).returning();
  const n = ++seq;
  const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: `90555000${n}`, contactName: `Customer ${n}`, body: "Merhaba", providerMessageId: `wamid.media.${n}`, at: t.clock.now() });
  const agent = await t.signIn(w.agent.email, w.orgId);
  await agent.post(`/inbox/${conversationId}/join`);
  return { w, channel, conversationId, agent };
}

export interface UploadOptions {
  filename?: string;
  type?: string;
  voice?: boolean;
  /** Send the body as a stream without Content-Length (as a chunked upload would arrive). */
  chunked?: boolean;
}

export function upload(client: Client, conversationId: number, bytes: Uint8Array<ArrayBuffer>, opts: UploadOptions = {}) {
  const headers: Record<string, string> = { "content-type": opts.type ?? "application/octet-stream" };
  if (opts.filename !== undefined) headers["x-filename"] = encodeURIComponent(opts.filename);
  if (opts.voice) headers["x-voice"] = "1";
  // A browser sends the length of a file it uploads.
  if (!opts.chunked) headers["content-length"] = String(bytes.length);
  const body = opts.chunked ? chunkedStream(bytes) : bytes;
  return client.request(`/inbox/${conversationId}/uploads`, { method: "POST", body, headers });
}

function chunkedStream(bytes: Uint8Array<ArrayBuffer>, size = 64 * 1024) {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_HEAD = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46];

/** A file of exactly `size` bytes that starts like a real file of that type. */
export function fileOf(kind: "png" | "jpeg" | "pdf" | "mp4" | "exe" | "zip" | "mp3", size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  const head: number[] =
    kind === "png"
      ? PNG_HEAD
      : kind === "jpeg"
        ? JPEG_HEAD
        : kind === "pdf"
          ? [..."%PDF-1.7\n"].map((c) => c.charCodeAt(0))
          : kind === "mp4"
            ? [0, 0, 0, 0x18, ..."ftypisom".split("").map((c) => c.charCodeAt(0))]
            : kind === "zip"
              ? [0x50, 0x4b, 0x03, 0x04]
              : kind === "mp3"
                ? [..."ID3"].map((c) => c.charCodeAt(0))
                : [0x4d, 0x5a, 0x90, 0x00];
  out.set(head.slice(0, size));
  for (let i = head.length; i < size; i++) out[i] = (i * 31) & 0xff || 1;
  return out;
}

/** A real 1×1 PNG (a pasted screenshot's bytes, in miniature). */
export const TINY_PNG: Uint8Array<ArrayBuffer> = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

export const voiceFixture = async (): Promise<Uint8Array<ArrayBuffer>> => new Uint8Array(await Bun.file(new URL("../fixtures/voice-chromium.webm", import.meta.url)).arrayBuffer());
