// Where uploaded and downloaded files live: local disk by default, S3-compatible storage when
// STORAGE_S3_* is configured so several Kanal processes share the same files.
import { S3Client } from "bun";
import { mkdir, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Config } from "../config";

export interface StoredFile {
  size: number;
  /** The bytes, read lazily (a BunFile or S3File); `.slice(a, b)` serves ranges without reading all. */
  blob: Blob;
  /** Send it as a stream: a Response built on an S3 file object itself comes out empty. */
  streamed?: boolean;
}

export interface Storage {
  readonly kind: "disk" | "s3";
  write(key: string, data: Blob | Uint8Array | ReadableStream<Uint8Array> | Response, mime: string): Promise<number>;
  read(key: string): Promise<StoredFile | null>;
  delete(key: string): Promise<void>;
}

export function diskStorage(root: string): Storage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const path = resolve(join(base, key));
    if (!path.startsWith(base + "/")) throw new Error("storage key escapes the storage root");
    return path;
  };
  return {
    kind: "disk",
    async write(key, data, _mime) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      if (data instanceof ReadableStream) return Bun.write(path, new Response(data));
      if (data instanceof Uint8Array) return Bun.write(path, data);
      return data instanceof Response ? Bun.write(path, data) : Bun.write(path, data as Blob);
    },
    async read(key) {
      const file = Bun.file(pathOf(key));
      try {
        const info = await stat(file.name!);
        return { size: info.size, blob: file };
      } catch {
        return null;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

export function s3Storage(client: S3Client): Storage {
  return {
    kind: "s3",
    async write(key, data, mime) {
      const body = data instanceof ReadableStream ? new Response(data) : data;
      return client.write(key, body, { type: mime });
    },
    async read(key) {
      const file = client.file(key);
      try {
        const info = await file.stat();
        return { size: info.size, blob: file, streamed: true };
      } catch {
        return null;
      }
    },
    async delete(key) {
      await client.delete(key);
    },
  };
}

const cache = new WeakMap<Config, Storage>();

/** The storage this configuration asks for (one instance per configuration). */
export function storageFor(config: Config): Storage {
  let storage = cache.get(config);
  if (!storage) {
    storage = config.STORAGE_S3_BUCKET
      ? s3Storage(
          new S3Client({
            bucket: config.STORAGE_S3_BUCKET,
            endpoint: config.STORAGE_S3_ENDPOINT,
            region: config.STORAGE_S3_REGION,
            accessKeyId: config.STORAGE_S3_ACCESS_KEY_ID,
            secretAccessKey: config.STORAGE_S3_SECRET_ACCESS_KEY,
          }),
        )
      : diskStorage(config.STORAGE_DIR ?? join(config.DATA_DIR, "uploads"));
    cache.set(config, storage);
  }
  return storage;
}

/** A fresh key for a file of an organization: `{org}/{yyyy}/{mm}/{uuid}`. */
export function newStorageKey(orgId: number, now: Date): string {
  const month = now.toISOString().slice(0, 7).replace("-", "/");
  return `${orgId}/${month}/${crypto.randomUUID()}`;
}

/** Writes bytes already in memory under a fresh key: what an `attachments` row records of them. */
export async function storeBytes(storage: Storage, orgId: number, bytes: Uint8Array, mime: string, now: Date) {
  const storageKey = newStorageKey(orgId, now);
  await storage.write(storageKey, bytes, mime);
  return { storageKey, size: bytes.byteLength, sha256: new Bun.CryptoHasher("sha256").update(bytes).digest("hex") };
}
