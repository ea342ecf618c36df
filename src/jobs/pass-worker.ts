// A worker that runs a pass every interval and soon after it is woken (any process's committed
// events, told through the bus), never two passes at once: the workflow engine and the bot run so.
import type { Deps } from "../context";

const WAKE_SPACING_MS = 100;

export class PassWorker {
  #timer: ReturnType<typeof setInterval> | null = null;
  #running: Promise<unknown> | null = null;
  #again = false;
  #urgent = false;
  #soon: ReturnType<typeof setTimeout> | null = null;

  constructor(
    protected deps: Deps,
    private name: string,
    private pass: (deps: Deps) => Promise<unknown>,
    /** How long a wake-up waits for others to share its pass (a pass that is running makes the rest wait anyway). */
    private spacingMs = WAKE_SPACING_MS,
  ) {}

  start(intervalMs = 5_000) {
    this.#timer ??= setInterval(() => this.wake(), intervalMs);
    this.wake();
  }

  stop() {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#soon) clearTimeout(this.#soon);
    this.#timer = null;
    this.#soon = null;
  }

  /** A pass soon; only once started (tests run the passes themselves). */
  wake() {
    this.#wake(this.spacingMs);
  }

  /** A pass at once, or right after the one running: someone waits for it (routing left them a conversation). */
  wakeNow() {
    if (!this.#timer) return;
    if (this.#running) {
      this.#again = true;
      this.#urgent = true;
      return;
    }
    if (this.#soon) clearTimeout(this.#soon);
    this.#soon = null;
    this.#wake(0);
  }

  #wake(spacingMs: number) {
    if (!this.#timer) return;
    if (this.#running || this.#soon) {
      this.#again = true;
      return;
    }
    this.#soon = setTimeout(() => {
      this.#soon = null;
      this.#running = this.pass(this.deps)
        .catch((error) => this.deps.log.error(`${this.name} pass failed`, { error }))
        .finally(() => {
          this.#running = null;
          if (this.#again) {
            const urgent = this.#urgent;
            this.#again = false;
            this.#urgent = false;
            this.#wake(urgent ? 0 : this.spacingMs);
          }
        });
    }, spacingMs);
  }

  async settled() {
    while (this.#running || this.#soon) await (this.#running ?? Bun.sleep(this.spacingMs));
  }
}
