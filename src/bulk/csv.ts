// A bulk send's recipients as CSV (UTF-8 with a byte-order mark, so spreadsheets read Turkish letters), streamed page by page.
import type { Translate } from "../i18n";
import type { RecipientRow } from "./progress";

function cell(value: unknown): string {
  const text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value);
  // A leading =, +, - or @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function recipientsCsv(pages: AsyncGenerator<RecipientRow[]>, t: Translate): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const header = ["contact_id", "name", "phone", "state", "skip_reason", "delivery", "error_code", "error_text", "sent_at", "delivered_at", "read_at", "replied"];
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode(`\uFEFF${header.join(",")}\r\n`));
    },
    async pull(controller) {
      const next = await pages.next();
      if (next.done) return controller.close();
      const lines = next.value.map((r) =>
        [r.contactId, r.name, r.phone, r.state, r.skipReason ? t(`bulk.skip.${r.skipReason}` as "bulk.skip.blocked") : "", r.delivery, r.errorCode, r.errorText, r.sentAt, r.deliveredAt, r.readAt, r.replied ? "yes" : ""].map(cell).join(","),
      );
      controller.enqueue(encoder.encode(lines.join("\r\n") + "\r\n"));
    },
  });
}
