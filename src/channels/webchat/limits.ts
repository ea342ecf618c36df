// Request budgets for the public widget API, counted per visitor and per address in fixed windows.
// Kept in each process's memory: a budget is a brake on abuse, not a record, and behind a load
// balancer each process brakes its share.

export const WIDGET_LIMITS = {
  /** Any widget API request from one address (many visitors can share an office address). */
  perAddress: { max: 240, windowMs: 60_000 },
  /** Messages, files and pre-chat forms from one visitor. */
  perVisitor: { max: 20, windowMs: 60_000 },
  /** New visitor identities handed to one address. */
  newVisitors: { max: 30, windowMs: 60_000 },
} as const;

export class RateWindow {
  #hits = new Map<string, { start: number; count: number }>();

  constructor(
    private max: number,
    private windowMs: number,
  ) {}

  /** Counts one hit; when over budget, the seconds until the window frees up. */
  hit(key: string, now: number): { ok: true } | { ok: false; retryAfter: number } {
    let entry = this.#hits.get(key);
    if (!entry || now - entry.start >= this.windowMs) {
      if (this.#hits.size > 50_000) this.#prune(now);
      entry = { start: now, count: 0 };
      this.#hits.set(key, entry);
    }
    entry.count++;
    if (entry.count <= this.max) return { ok: true };
    return { ok: false, retryAfter: Math.max(1, Math.ceil((entry.start + this.windowMs - now) / 1000)) };
  }

  #prune(now: number) {
    for (const [key, entry] of this.#hits) if (now - entry.start >= this.windowMs) this.#hits.delete(key);
  }
}
