// A small client for Meta's Graph API (or the local fake at the same paths): bearer auth, a
// timeout, and Meta's error bodies turned into ProviderError with the code and text agents see.
import { ProviderError } from "./types";

export interface GraphSettings {
  baseUrl: string;
  version: string;
  timeoutMs?: number;
}

interface GraphErrorBody {
  error?: { message?: string; code?: number; error_subcode?: number; error_data?: { details?: string } };
}

/** Codes Meta documents as "try again later": throughput and temporary errors. */
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 32, 613, 80007, 130429, 131000, 131016, 131048, 131056]);

export class GraphClient {
  constructor(private settings: GraphSettings) {}

  url(path: string): string {
    return `${this.settings.baseUrl.replace(/\/$/, "")}/${this.settings.version}/${path.replace(/^\//, "")}`;
  }

  async json<T>(method: "GET" | "POST" | "DELETE", url: string, token: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${token}` } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    const response = await this.fetch(url, init);
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // A proxy's HTML error page: fall through with the status.
    }
    if (!response.ok) throw graphError(response.status, parsed as GraphErrorBody | null, text);
    return parsed as T;
  }

  /** Whether a URL points at the Graph API itself (Meta's, or the configured fake). */
  isGraphUrl(url: string): boolean {
    try {
      return new URL(url).origin === new URL(this.settings.baseUrl).origin;
    } catch {
      return false;
    }
  }

  /**
   * Downloads media, at most `maxBytes`. Only the Graph API's own URLs and Meta's media hosts are
   * fetched (a signed payload from a channel's own admin must not make Kanal read internal
   * addresses), and every redirect is checked the same way.
   */
  async download(url: string, token: string | null, maxBytes = 100 * 1024 * 1024): Promise<{ bytes: Blob; mime: string }> {
    let target = url;
    for (let hop = 0; hop < 4; hop++) {
      if (!this.isGraphUrl(target) && !isMetaMediaHost(target)) throw new ProviderError("bad_media_url", "The media URL is not one of the provider's media hosts.", false);
      // Only the Graph API and Meta's own media hosts get this far, and they want the token.
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const response = await this.fetch(target, { headers, redirect: "manual" });
      if (response.status >= 300 && response.status < 400 && response.headers.get("location")) {
        await response.body?.cancel();
        target = new URL(response.headers.get("location")!, target).toString();
        continue;
      }
      if (!response.ok) throw graphError(response.status, null, await response.text().catch(() => ""));
      const declared = Number(response.headers.get("content-length") ?? 0);
      if (declared > maxBytes) {
        await response.body?.cancel();
        throw new ProviderError("media_too_large", `The media is larger than ${maxBytes} bytes.`, false);
      }
      const chunks: Uint8Array[] = [];
      let size = 0;
      const reader = response.body?.getReader();
      while (reader) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel();
          throw new ProviderError("media_too_large", `The media is larger than ${maxBytes} bytes.`, false);
        }
        chunks.push(value);
      }
      return { bytes: new Blob(chunks as BlobPart[]), mime: response.headers.get("content-type")?.split(";")[0]?.trim() || "application/octet-stream" };
    }
    throw new ProviderError("bad_media_url", "Too many redirects for the media URL.", false);
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.settings.timeoutMs ?? 20_000) });
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new ProviderError("network", `Could not reach the provider: ${reason}`, true);
    }
  }
}

/** Meta's media CDNs (WhatsApp media URLs, Messenger/Instagram attachment URLs), over https only. */
const META_MEDIA_HOSTS = ["fbcdn.net", "fbsbx.com", "cdninstagram.com", "facebook.com", "whatsapp.net"];

export function isMetaMediaHost(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === "https:" && META_MEDIA_HOSTS.some((h) => u.hostname === h || u.hostname.endsWith(`.${h}`));
  } catch {
    return false;
  }
}

export function graphError(status: number, body: GraphErrorBody | null, raw: string): ProviderError {
  const error = body?.error;
  if (!error) return new ProviderError(`http_${status}`, raw.slice(0, 200) || `HTTP ${status}`, status === 429 || status >= 500, status);
  const code = String(error.code ?? `http_${status}`);
  const details = error.error_data?.details;
  const text = details && details !== error.message ? `${error.message ?? ""} — ${details}` : (error.message ?? `HTTP ${status}`);
  const retryable = status === 429 || status >= 500 || RETRYABLE_CODES.has(Number(error.code));
  return new ProviderError(code, text, retryable, status);
}
