// What a benchmark case gets (BenchContext) and how its figures are printed. The contract is
// described at the top of run.ts.
import { sql, type SQL } from "drizzle-orm";
import type { Database, Db } from "@db/client";
import { serveApp, type ServedApp } from "./app";
import { describeDataset, generateDataset, type Dataset } from "./generate";
import { measureLoad, startBaselineServer, type BaselineServer, type LoadOptions, type LoadResult } from "./load";

export interface BenchCase {
  /** kebab-case; what `bun run bench <name>` selects. */
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<void>;
}

export interface BenchOptions {
  conversations: number;
  messages: number;
  agents: number;
  /** Most measured requests per load run. */
  requests: number;
  /** Processes serving the app (1 unless --workers), as KANAL_WORKERS does. */
  workers?: number;
  /** The Postgres database's URL, for app processes besides the runner's own. */
  databaseUrl?: string;
  /** Longest measured time per load run, in seconds. */
  seconds: number;
}

/** One measured figure. `baseline` is the same figure measured for the baseline in the same run. */
export interface Figure {
  metric: string;
  value: number;
  unit: string;
  baseline: number | null;
  /** Printed before the value in the human line ("p50 1.9 ms"); left out for self-describing units ("req/s"). */
  label?: string;
}

export interface Row {
  /** Distinguishes rows of one case ("c1", "c8"); prefixes the metric names in JSON ("c1.p50"). */
  variant?: string;
  figures: Figure[];
  /** The baseline's name and the metric whose baseline and ratio end the human line. */
  baseline?: { label: string; metric: string };
}

export interface LoadRequest extends Partial<LoadOptions> {
  concurrency: number;
}

export interface BenchContext {
  readonly database: Database;
  readonly options: BenchOptions;
  /** The shared data set, generated on first use with the run's sizes and reused by later cases. */
  dataset(): Promise<Dataset>;
  /** The real app on a free loopback port (served by `--workers` processes), started on first use and stopped after the last case. */
  app(): Promise<ServedApp>;
  /** Loads a path of the app; requests and seconds default to the run's bounds. */
  load(path: string, request: LoadRequest): Promise<LoadResult>;
  /** The same client loop with the same bounds against a bare `Bun.serve(() => new Response("ok"))`. */
  baseline(request: LoadRequest): Promise<LoadResult>;
  /** Measures the baseline then the app path, and reports p50, p95 and req/s beside the baseline's. */
  compare(variant: string, path: string, request: LoadRequest): Promise<{ app: LoadResult; baseline: LoadResult }>;
  report(row: Row): void;
  /** Progress for the person watching (stderr, so --json output stays clean). */
  log(line: string): void;
}

export interface OutputLine {
  case: string;
  metric: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
}

function significant(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function formatValue(value: number, unit: string): string {
  if (unit === "ms") return value < 1 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : grouped.format(value);
  if (Math.abs(value) >= 100) return grouped.format(value);
  return String(significant(value, 3));
}

function formatRatio(ratio: number): string {
  return ratio < 1 ? ratio.toPrecision(2) : ratio < 100 ? ratio.toFixed(1) : grouped.format(ratio);
}

/** `value / baseline`: below 1 means less of the figure than the baseline (fewer req/s, shorter latency). */
export function ratioOf(value: number, baseline: number | null): number | null {
  if (baseline === null || baseline === 0 || !Number.isFinite(baseline)) return null;
  return significant(value / baseline, 4);
}

export function outputLines(caseName: string, row: Row): OutputLine[] {
  return row.figures.map((f) => ({
    case: caseName,
    metric: row.variant ? `${row.variant}.${f.metric}` : f.metric,
    value: significant(f.value, 5),
    unit: f.unit,
    baseline: f.baseline === null ? null : significant(f.baseline, 5),
    ratio: ratioOf(f.value, f.baseline),
  }));
}

export function humanLine(caseName: string, row: Row): string {
  const title = (row.variant ? `${caseName} ${row.variant}` : caseName).padEnd(26);
  const figures = row.figures.map((f) => `${f.label ? f.label + " " : ""}${formatValue(f.value, f.unit)} ${f.unit}`).join("  ");
  const headline = row.baseline && row.figures.find((f) => f.metric === row.baseline!.metric);
  if (!row.baseline || !headline || headline.baseline === null) return `${title}  ${figures}`;
  const ratio = ratioOf(headline.value, headline.baseline);
  return (
    `${title}  ${figures.padEnd(44)}  | baseline ${row.baseline.label} ${formatValue(headline.baseline, headline.unit)} ${headline.unit}` +
    (ratio === null ? "" : `  ratio ${formatRatio(ratio)}`)
  );
}

export function loadRow(variant: string, app: LoadResult, baseline: LoadResult): Row {
  return {
    variant,
    figures: [
      { metric: "p50", label: "p50", value: app.p50, unit: "ms", baseline: baseline.p50 },
      { metric: "p95", label: "p95", value: app.p95, unit: "ms", baseline: baseline.p95 },
      { metric: "rps", value: app.rps, unit: "req/s", baseline: baseline.rps },
    ],
    baseline: { label: "bare Bun.serve", metric: "rps" },
  };
}

/** One run's context; the runner makes one per case so each reports under its own name. */
export class BenchRun {
  #dataset: Promise<Dataset> | undefined;
  #app: Promise<ServedApp> | undefined;
  #baseline: BaselineServer | undefined;

  constructor(
    readonly database: Database,
    readonly options: BenchOptions,
    private print: (line: string) => void,
    private json: boolean,
    readonly log: (line: string) => void,
  ) {}

  contextFor(caseName: string): BenchContext {
    const run = this;
    const bounds = (request: LoadRequest): LoadOptions => ({ requests: run.options.requests, seconds: run.options.seconds, ...request });
    const ctx: BenchContext = {
      database: run.database,
      options: run.options,
      dataset: () => run.dataset(),
      app: () => run.app(),
      load: async (path, request) => measureLoad((await run.app()).origin + path, bounds(request)),
      baseline: (request) => {
        run.#baseline ??= startBaselineServer();
        const { concurrency, requests, seconds, warmup, warmupSeconds } = bounds(request);
        return measureLoad(run.#baseline.url, { concurrency, requests, seconds, warmup, warmupSeconds });
      },
      async compare(variant, path, request) {
        const baseline = await ctx.baseline(request);
        const app = await ctx.load(path, request);
        ctx.report(loadRow(variant, app, baseline));
        return { app, baseline };
      },
      report: (row) => {
        if (run.json) for (const line of outputLines(caseName, row)) run.print(JSON.stringify(line));
        else run.print(humanLine(caseName, row));
      },
      log: run.log,
    };
    return ctx;
  }

  dataset(): Promise<Dataset> {
    return (this.#dataset ??= (async () => {
      const { conversations, messages, agents } = this.options;
      this.log(`generating ${conversations.toLocaleString("en-US")} conversations, ${messages.toLocaleString("en-US")} messages, ${agents} agents…`);
      const dataset = await generateDataset(this.database, { conversations, messages, agents, log: this.log });
      this.log(`generated ${describeDataset(dataset)}`);
      return dataset;
    })());
  }

  app(): Promise<ServedApp> {
    return (this.#app ??= serveApp(this.database, { workers: this.options.workers, databaseUrl: this.options.databaseUrl }));
  }

  async close() {
    await (await this.#app)?.stop();
    await this.#baseline?.stop();
  }
}

/** The p-th percentile of an ascending list. */
export function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Runs a statement that writes a bench's data, failing with the database's own message (Drizzle
 * wraps it). The pool's connections carry the pages' statement and lock timeouts (10 s, 3 s), which
 * a batch of 20,000 rows through triggers can pass on a busy machine: they are lifted for it alone.
 */
export async function write(db: Db, query: SQL) {
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local statement_timeout = 0`);
      await tx.execute(sql`set local lock_timeout = 0`);
      await tx.execute(query);
    });
  } catch (e) {
    throw new Error(String((e as { cause?: unknown }).cause ?? e));
  }
}
