// CSV export: RFC 4180 quoting, UTF-8 with a byte order mark (Excel reads Turkish names right only
// with it), written as a stream so a long export never sits in memory whole.
import { and, eq, ne, sql, type SQL } from "drizzle-orm";
import { channels } from "@db/schema";
import type { DbOrTx } from "@db/client";
import { rows } from "@db/client";
import type { Actor } from "../context";
import { channelScope, zonedMidnight } from "../cockpit/metrics";
import type { Translate } from "../i18n";
import { buildReport, dayRows, figureKeys, resolveRange, shiftDay, timeFigures, type DayRange, type Figures, type ReportQuery, type ReportRow, type ReportTable } from "./figures";

export const BOM = "\uFEFF";

/**
 * One field: quoted when it holds a comma, quote or line break (quotes doubled). Text a spreadsheet
 * would run as a formula (= + - @ at the start) gets a leading apostrophe: a contact can name
 * themselves "=HYPERLINK(…)".
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: (string | number | null | undefined)[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

/** A response body: the byte order mark and header, then each batch of lines as it is read. */
export function csvStream(header: string[], batches: AsyncIterable<(string | number | null)[][]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = batches[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(BOM + csvLine(header)));
      },
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) return controller.close();
        controller.enqueue(encoder.encode(next.value.map(csvLine).join("")));
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}

export async function* inOneBatch<T>(lines: T[]): AsyncIterable<T[]> {
  yield lines;
}

const BATCH = 1000;

/**
 * The conversations created in the report's range (its filters applied), oldest first, read a
 * thousand at a time on the (created_at, id) order the conversations_created_idx index keeps: each
 * page is picked from conversations alone (a join in that query made the planner sort the whole rest
 * of the range for every page, ~1 s a page on the bench data set), then its names are joined. The
 * next page's bound is spelled as a range on created_at (a row comparison would not use the index
 * behind org_id). Kanal's own support line is left out by channel id, for the same reason.
 * Times are local to the organization.
 */
export async function* conversationLines(db: DbOrTx, actor: Actor, query: ReportQuery, now: Date, batch = BATCH): AsyncIterable<(string | number | null)[][]> {
  const range = resolveRange(query, actor.timezone, now);
  const start = zonedMidnight(range.from, actor.timezone).toISOString();
  const end = zonedMidnight(shiftDay(range.to, 1), actor.timezone).toISOString();
  const scope = await channelScope(db, actor.orgId, query.brand ?? null, query.channel ?? null);
  const counted = await db.select({ id: channels.id }).from(channels).where(and(eq(channels.orgId, actor.orgId), ne(channels.kind, "support")));
  const ids = counted.map((c) => c.id).filter((id) => !scope || scope.includes(id));
  const filters = [sql`c.org_id = ${actor.orgId}`, sql`c.created_at >= ${start}::timestamptz`, sql`c.created_at < ${end}::timestamptz`];
  filters.push(sql`c.channel_id = any(${`{${(ids.length ? ids : [-1]).join(",")}}`}::bigint[])`);
  if (query.workgroup) filters.push(sql`c.workgroup_id = ${query.workgroup}`);
  if (query.agent) filters.push(sql`c.assignee_id = ${query.agent}`);
  const local = (column: SQL) => sql`to_char(${column} at time zone ${actor.timezone}, 'YYYY-MM-DD HH24:MI:SS')`;
  let after: { at: string; id: number } | null = null;
  for (;;) {
    const page: { id: number; at: string; contact: string; channel: string; created: string; first_response: string | null; closed: string | null; assignee: string | null; workgroup: string | null; tags: string | null; type: string }[] = await rows(
      db,
      sql`with page as (
            select c.* from conversations c
            where ${sql.join(filters, sql` and `)}
              ${after ? sql`and c.created_at >= ${after.at}::timestamptz and (c.created_at > ${after.at}::timestamptz or c.id > ${after.id})` : sql``}
            order by c.created_at, c.id
            limit ${batch}
          )
          select c.id, c.created_at::text as at, ct.name as contact, ch.name as channel, ${local(sql`c.created_at`)} as created,
            ${local(sql`c.first_response_at`)} as first_response, ${local(sql`c.closed_at`)} as closed, u.name as assignee, w.name as workgroup,
            (select string_agg(t.name, ', ' order by t.name) from conversation_tags x join tags t on t.id = x.tag_id where x.conversation_id = c.id) as tags,
            c.type
          from page c
          join contacts ct on ct.id = c.contact_id
          join channels ch on ch.id = c.channel_id
          left join users u on u.id = c.assignee_id
          left join workgroups w on w.id = c.workgroup_id
          order by c.created_at, c.id`,
    );
    if (page.length === 0) return;
    yield page.map((r) => [Number(r.id), r.contact, r.channel, r.created, r.first_response, r.closed, r.assignee, r.workgroup, r.tags, r.type]);
    if (page.length < batch) return;
    const last = page[page.length - 1];
    after = { at: last.at, id: Number(last.id) };
  }
}

export const csvTables = ["agents", "channels", "workgroups", "days", "conversations"] as const;
export type CsvTable = (typeof csvTables)[number];

/** A table of the report as CSV lines: each figure now (times in seconds) and, but per day, before. */
export function reportTableLines(rows: ReportRow[], withPrevious: boolean, name: (row: ReportRow) => string): (string | number | null)[][] {
  const values = (f: Figures) => figureKeys.map((k) => (timeFigures.has(k) ? (f[k] === null ? null : Math.round(f[k]! / 1000)) : f[k]));
  return rows.map((r) => [name(r), ...values(r.current), ...(withPrevious ? values(r.previous) : [])]);
}

/** Its header, in the viewer's language. */
export function reportTableHeader(t: Translate, first: string, withPrevious: boolean): string[] {
  const labels = figureKeys.map((k) => (timeFigures.has(k) ? t("reports.csv.seconds", { label: t(`reports.figure.${k}`) }) : t(`reports.figure.${k}`)));
  return [first, ...labels, ...(withPrevious ? labels.map((label) => t("reports.csv.previous", { label })) : [])];
}

export function conversationHeader(t: Translate): string[] {
  return [t("reports.csv.id"), t("reports.csv.contact"), t("reports.channel"), t("reports.csv.created"), t("reports.csv.firstResponse"), t("reports.csv.closed"), t("reports.csv.assignee"), t("reports.workgroup"), t("reports.csv.tags"), t("reports.csv.type")];
}

/** One download: the CSV body, streamed, and the days it covers (for its file name). */
export async function exportCsv(
  db: DbOrTx,
  actor: Actor,
  table: CsvTable,
  query: ReportQuery,
  now: Date,
  t: Translate,
  name: (table: ReportTable, row: ReportRow) => string,
): Promise<{ range: DayRange; body: ReadableStream<Uint8Array> }> {
  if (table === "conversations") return { range: resolveRange(query, actor.timezone, now), body: csvStream(conversationHeader(t), conversationLines(db, actor, query, now)) };
  const report = await buildReport(db, actor, query, now);
  const withPrevious = table !== "days";
  const header = reportTableHeader(t, table === "days" ? t("reports.day") : t("common.name"), withPrevious);
  const lines = reportTableLines(table === "days" ? dayRows(report) : report[table], withPrevious, (row) => name(table, row));
  return { range: report.range, body: csvStream(header, inOneBatch(lines)) };
}
