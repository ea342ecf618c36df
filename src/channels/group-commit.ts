// Webhook statements committed together: while a few are being committed, those that arrive
// meanwhile wait and then share one transaction, so a busy server pays one commit (and its WAL
// flush) for many webhooks instead of one each. Every caller still hears back only after the
// commit holding its own statement returned; a batch that fails is undone whole and each of its
// statements is run again on its own, so one bad webhook costs the others only time.
import type { Database, FixedStatement } from "@db/client";

interface Waiting<Row> {
  values: Record<string, unknown>;
  resolve(rows: Row[]): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Commits under way at once; a statement arriving while this many are goes into the next batch. */
  inFlight?: number;
  /** Most statements in one transaction. */
  batch?: number;
}

export class GroupCommit<Row> {
  #waiting: Waiting<Row>[] = [];
  #inFlight = 0;
  #maxInFlight: number;
  #maxBatch: number;

  constructor(
    private database: Database,
    private statement: FixedStatement<Row>,
    options: GroupCommitOptions = {},
  ) {
    this.#maxInFlight = options.inFlight ?? 2;
    this.#maxBatch = options.batch ?? 32;
  }

  /** Runs the statement with these values; resolves once it is committed. */
  run(values: Record<string, unknown>): Promise<Row[]> {
    return new Promise<Row[]>((resolve, reject) => {
      this.#waiting.push({ values, resolve, reject });
      this.#next();
    });
  }

  #next() {
    while (this.#inFlight < this.#maxInFlight && this.#waiting.length > 0) {
      const batch = this.#waiting.length <= this.#maxBatch ? this.#waiting : this.#waiting.slice(0, this.#maxBatch);
      this.#waiting = batch === this.#waiting ? [] : this.#waiting.slice(this.#maxBatch);
      this.#inFlight++;
      void this.#commit(batch).finally(() => {
        this.#inFlight--;
        this.#next();
      });
    }
  }

  async #commit(batch: Waiting<Row>[]) {
    if (batch.length > 1) {
      let results: Row[][] | null = null;
      try {
        // BEGIN, the statements and COMMIT sent together on one connection: one round trip, one commit.
        results = await this.statement.together(this.database, batch.map((w) => w.values));
      } catch {
        // Rolled back whole (or its outcome is unknown): each runs alone below. Statements of this
        // kind are idempotent where it matters (a provider message id is stored once).
      }
      if (results) {
        for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
        return;
      }
    }
    await Promise.all(
      batch.map(async (w) => {
        try {
          w.resolve(await this.statement(this.database.db, w.values));
        } catch (error) {
          w.reject(error);
        }
      }),
    );
  }
}
