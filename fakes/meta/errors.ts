// Graph API error responses as Meta writes them, and the failures a test can ask the fake for.
import type { MetaKind } from "./payloads";
import { newFbtraceId } from "./payloads";

export interface GraphError {
  message: string;
  code: number;
  error_subcode?: number;
  error_data?: Record<string, unknown>;
}

/** `{"error":{message,type:"OAuthException",code,error_subcode?,error_data?,fbtrace_id}}` with Meta's headers. */
export function graphErrorResponse(status: number, error: GraphError): Response {
  const body = {
    error: {
      message: error.message,
      type: "OAuthException",
      code: error.code,
      ...(error.error_subcode !== undefined && { error_subcode: error.error_subcode }),
      ...(error.error_data && { error_data: error.error_data }),
      fbtrace_id: newFbtraceId(),
    },
  };
  const headers: Record<string, string> = { "content-type": "application/json; charset=UTF-8", "x-fb-trace-id": body.error.fbtrace_id };
  if (status === 401) headers["www-authenticate"] = `OAuth "Facebook Platform" "invalid_token" "${error.message}"`;
  return new Response(JSON.stringify(body), { status, headers });
}

/** WhatsApp errors carry `error_data: {messaging_product, details}`. */
export const waGraphError = (code: number, message: string, details: string, subcode?: number): GraphError => ({
  message: `(#${code}) ${message}`,
  code,
  ...(subcode !== undefined && { error_subcode: subcode }),
  error_data: { messaging_product: "whatsapp", details },
});

export const invalidParameter = (kind: MetaKind, details: string): GraphError =>
  kind === "whatsapp" ? waGraphError(100, "Invalid parameter", details) : { message: `(#100) ${details}`, code: 100 };

export const missingParameter = (details: string): GraphError => waGraphError(131008, "Required parameter is missing", details);

export const invalidToken: GraphError = { message: "Invalid OAuth access token - Cannot parse access token", code: 190 };

export const unknownObject = (id: string): GraphError => ({
  message: `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  code: 100,
  error_subcode: 33,
});

/** What a test can make the next sends fail with. */
export const failures = ["window", "rate-limit", "token-expired", "server-error", "unavailable", "network"] as const;
export type Failure = (typeof failures)[number];

/** The synchronous error for a failure on a kind of channel ([U] where Meta's docs are silent: Messenger's 429 and 503). */
export function failureError(kind: MetaKind, failure: Exclude<Failure, "network">): { status: number; error: GraphError } {
  const whatsapp = kind === "whatsapp";
  switch (failure) {
    case "window":
      return whatsapp
        ? {
            status: 400,
            error: waGraphError(
              131047,
              "Re-engagement message",
              "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
              2494010,
            ),
          }
        : {
            status: 400,
            error: {
              message:
                "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
              code: 10,
              error_subcode: 2018278,
            },
          };
    case "rate-limit":
      return whatsapp
        ? { status: 429, error: waGraphError(130429, "Rate limit hit", "Cloud API message throughput has been reached.") }
        : { status: 429, error: { message: "(#613) Calls to this api have exceeded the rate limit.", code: 613 } };
    case "token-expired":
      return {
        status: 401,
        error: { message: "Error validating access token: Session has expired on Monday, 05-Jan-26 01:00:00 PST.", code: 190, error_subcode: 463 },
      };
    case "server-error":
      return whatsapp
        ? { status: 500, error: waGraphError(131000, "Something went wrong", "Something went wrong") }
        : { status: 500, error: { message: "An unexpected error has occurred. Please retry your request later.", code: 2 } };
    case "unavailable":
      return whatsapp
        ? { status: 503, error: waGraphError(131016, "Service unavailable", "A service is temporarily unavailable. Please check the status page.") }
        : { status: 503, error: { message: "(#2) Service temporarily unavailable", code: 2 } };
  }
}

/** A response whose connection closes before any byte is written: the caller's fetch rejects (ECONNRESET). */
export function droppedConnection(): Response {
  return new Response(
    new ReadableStream({
      pull(controller) {
        controller.error();
      },
    }),
  );
}

/**
 * A template send Meta refuses: a name not approved in that language (132001, HTTP 404), or a
 * parameter count other than the template body's {{n}} count (132000, HTTP 400).
 */
export function templateSendError(
  templates: { name: string; language: string; status: string; components: { type: string; text?: string }[] }[],
  content: { name: string; language: { code: string }; components?: { type?: string; parameters?: unknown[] }[] },
): { status: number; error: GraphError } | null {
  const found = templates.find((t) => t.name === content.name && t.language === content.language.code && t.status === "APPROVED");
  if (!found) {
    return { status: 404, error: waGraphError(132001, "Template name does not exist in the translation", `template name (${content.name}) does not exist in ${content.language.code}`) };
  }
  const body = found.components.find((c) => c.type === "BODY")?.text ?? "";
  const expected = new Set([...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => m[1])).size;
  const given = (content.components ?? []).find((c) => String(c.type).toLowerCase() === "body")?.parameters?.length ?? 0;
  if (given !== expected) {
    return { status: 400, error: waGraphError(132000, "Number of parameters does not match the expected number of params", `body: number of localizable_params (${given}) does not match the expected number of params (${expected})`) };
  }
  return null;
}
