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

  async json<T>(method: "GET" | "POST", url: string, token: string, body?: unknown): Promise<T> {
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

  /** Downloads bytes (media URLs want the same bearer token). */
  async download(url: string, token: string): Promise<{ bytes: Blob; mime: string }> {
    const response = await this.fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw graphError(response.status, null, await response.text().catch(() => ""));
    const bytes = await response.blob();
    return { bytes, mime: response.headers.get("content-type")?.split(";")[0]?.trim() || "application/octet-stream" };
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

export function graphError(status: number, body: GraphErrorBody | null, raw: string): ProviderError {
  const error = body?.error;
  if (!error) return new ProviderError(`http_${status}`, raw.slice(0, 200) || `HTTP ${status}`, status === 429 || status >= 500, status);
  const code = String(error.code ?? `http_${status}`);
  const details = error.error_data?.details;
  const text = details && details !== error.message ? `${error.message ?? ""} — ${details}` : (error.message ?? `HTTP ${status}`);
  const retryable = status === 429 || status >= 500 || RETRYABLE_CODES.has(Number(error.code));
  return new ProviderError(code, text, retryable, status);
}
