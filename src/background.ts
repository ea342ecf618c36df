// Work a request starts and does not wait for (processing a webhook after acknowledging it, waking
// the outbox). Tracked so tests and shutdown can wait until it has settled; errors are logged.
import type { Logger } from "./log";

export class Background {
  private running = new Set<Promise<unknown>>();

  constructor(private log: Logger) {}

  run(name: string, work: () => Promise<unknown>): void {
    const task = work()
      .catch((error) => this.log.error("background work failed", { name, error }))
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Resolves once nothing is running (including work started while waiting). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
