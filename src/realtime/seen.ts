// Which events a live stream has passed on. Event ids are taken before commit, so an event with a
// smaller id can commit (and arrive) after a larger one: a stream skips the ids it has seen, not
// every id below the largest, or it would lose that event for good.
import type { LiveEvent } from "./bus";

const WINDOW = 10_000;

export class SeenEvents {
  #ids = new Set<number>();
  #floor: number;
  #max: number;

  /** `from`: the largest id the client has; `floor`: everything up to it counts as seen. */
  constructor(from: number, floor = from) {
    this.#floor = floor;
    this.#max = from;
  }

  /** Records the id; false when it was seen before (or is too old to tell). */
  take(id: number): boolean {
    if (id <= this.#floor || this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (id > this.#max) this.#max = id;
    if (this.#ids.size > 2 * WINDOW) {
      // Commits are never that far out of order: forget the oldest half.
      this.#floor = this.#max - WINDOW;
      for (const seen of this.#ids) if (seen <= this.#floor) this.#ids.delete(seen);
    }
    return true;
  }

  /** The largest id seen: what the browser resumes from (a replay of a few already seen is harmless). */
  get max(): number {
    return this.#max;
  }
}

/**
 * A live stream's sender: batches are written one after another, in the order they came, each event
 * at most once (ids the stream has seen are skipped), until the client leaves; `write` sends one event.
 */
export function sendInOrder(stream: { aborted: boolean }, seen: SeenEvents, write: (event: LiveEvent) => Promise<void>): (batch: LiveEvent[]) => Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  return (batch) => {
    queue = queue.then(async () => {
      for (const event of batch) {
        if (stream.aborted || !seen.take(event.id)) continue;
        await write(event);
      }
    });
    return queue;
  };
}
