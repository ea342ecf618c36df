// Webhooks committed together: while one batch is being committed, those that arrive meanwhile
// wait and then share the next one, so a busy server pays one statement (its commit, WAL flush,
// executor and lock set-up, round trip) for many webhooks instead of one each. Every caller still
// hears back only after the commit holding its own row returned; a batch that fails is undone whole
// and each of its items is committed again on its own, so one bad webhook costs the others only
// time. A batch stuck for a while (waiting on a row an agent holds) stops holding the others back:
// the next one starts beside it.

interface Waiting<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Batches under way at once; an item arriving while this many are goes into the next batch. */
  inFlight?: number;
  /** Most items in one batch. */
  batch?: number;
  /** A batch under way this long no longer counts against `inFlight`. */
  stuckMs?: number;
  /** Most batches under way at all, stuck ones included. */
  most?: number;
  /**
   * A batch starts at least this long after the one before it started, unless a full batch is
   * waiting: items gather meanwhile, so a busy server pays fewer, larger statements and commits.
   * Only for work nobody waits on closely.
   */
  spacingMs?: number;
}

/**
 * `commit` writes a batch all or nothing and resolves, once committed, with one result per item in
 * the order given.
 */
export class GroupCommit<Item, Result> {
  #waiting: Waiting<Item, Result>[] = [];
  #inFlight = 0;
  #maxInFlight: number;
  #maxBatch: number;
  #stuckMs: number;
  #running = 0;
  #most: number;
  #spacingMs: number;
  #lastStart = -Infinity;
  #spaced: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private commit: (items: Item[]) => Promise<Result[]>,
    options: GroupCommitOptions = {},
  ) {
    // One at a time: at 800 webhooks a second on two cores, two batches under way split the same
    // work into more, smaller statements and commits, which cost Postgres a fifth more CPU per
    // webhook and lengthened the acknowledgement's tail.
    this.#maxInFlight = options.inFlight ?? 1;
    this.#maxBatch = options.batch ?? 32;
    this.#stuckMs = options.stuckMs ?? 20;
    this.#most = options.most ?? 4;
    this.#spacingMs = options.spacingMs ?? 0;
  }

  /** Commits the item with others; resolves with its result once that is committed. */
  run(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      this.#next();
    });
  }

  #next() {
    while (this.#inFlight < this.#maxInFlight && this.#running < this.#most && this.#waiting.length > 0) {
      const early = this.#lastStart + this.#spacingMs - performance.now();
      if (early > 0 && this.#waiting.length < this.#maxBatch) {
        this.#spaced ??= setTimeout(() => {
          this.#spaced = null;
          this.#next();
        }, early);
        return;
      }
      this.#lastStart = performance.now();
      const batch = this.#waiting.length <= this.#maxBatch ? this.#waiting : this.#waiting.slice(0, this.#maxBatch);
      this.#waiting = batch === this.#waiting ? [] : this.#waiting.slice(this.#maxBatch);
      this.#inFlight++;
      this.#running++;
      let counted = true;
      const release = () => {
        if (!counted) return;
        counted = false;
        this.#inFlight--;
        this.#next();
      };
      const stuck = setTimeout(release, this.#stuckMs);
      void this.#commitBatch(batch).finally(() => {
        clearTimeout(stuck);
        this.#running--;
        if (counted) release();
        else this.#next();
      });
    }
  }

  async #commitBatch(batch: Waiting<Item, Result>[]) {
    if (batch.length > 1) {
      let results: Result[] | null = null;
      try {
        results = await this.commit(batch.map((w) => w.item));
      } catch {
        // Rolled back whole (or its outcome is unknown): each is committed alone below. Items of
        // this kind are idempotent where it matters (a provider message id is stored once).
      }
      if (results) {
        for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
        return;
      }
    }
    await Promise.all(
      batch.map(async (w) => {
        try {
          const [result] = await this.commit([w.item]);
          w.resolve(result);
        } catch (error) {
          w.reject(error);
        }
      }),
    );
  }
}
