// Sends a stored file: its stored content type, nosniff, Content-Disposition, and byte ranges
// (audio and video players seek with them). Callers decide who may see the file.
import type { StoredFile } from "./storage";

export interface ServedAs {
  mime: string;
  filename: string;
  /** Show in the browser (images, audio, video) or offer as a download. */
  inline: boolean;
}

export function contentDisposition(filename: string, inline: boolean): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function serveStored(request: Request, file: StoredFile, as: ServedAs): Response {
  const headers = new Headers({
    "Content-Type": as.mime,
    "Content-Disposition": contentDisposition(as.filename, as.inline),
    "X-Content-Type-Options": "nosniff",
    "Accept-Ranges": "bytes",
    "Cache-Control": "private, max-age=3600",
    // A stored file is never a page: no scripts even if a browser were talked into rendering it.
    "Content-Security-Policy": "default-src 'none'; media-src 'self'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
  });
  const range = parseRange(request.headers.get("range"), file.size);
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${file.size}`);
    return new Response(null, { status: 416, headers });
  }
  if (range) {
    headers.set("Content-Range", `bytes ${range.start}-${range.end}/${file.size}`);
    headers.set("Content-Length", String(range.end - range.start + 1));
    const part = file.blob.slice(range.start, range.end + 1);
    return new Response(file.streamed ? part.stream() : part, { status: 206, headers });
  }
  headers.set("Content-Length", String(file.size));
  return new Response(file.streamed ? file.blob.stream() : file.blob, { status: 200, headers });
}

/** One `bytes=a-b` range (the form players send); several ranges are answered with the whole file. */
export function parseRange(header: string | null, size: number): { start: number; end: number } | "unsatisfiable" | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  let start: number;
  let end: number;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}
