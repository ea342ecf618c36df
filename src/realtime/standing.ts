// Whether the people on open live streams may still listen. A stream is opened by a signed-in
// member, but signing out, being deactivated or removed from the organization, or the session
// ending or moving to another organization must end it too. One query per sweep checks every open
// stream of the process (whichever process the change happened in), so a stream stops within
// SWEEP_MS of any of these, at the cost of one small query every few seconds while streams are open.
import { and, eq, gt, inArray } from "drizzle-orm";
import type { Database } from "@db/client";
import { memberships, sessions } from "@db/schema";

export const SWEEP_MS = 2_000;

interface Listener {
  sessionId: string;
  orgId: number;
  /** Called once when the listener's standing has lapsed. */
  revoke: () => void;
}

export class StreamStanding {
  #open = new Set<Listener>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #sweeping: Promise<void> | null = null;

  constructor(
    private database: Database,
    private now: () => Date,
    private log: { warn(message: string, data?: Record<string, unknown>): void },
    private sweepMs = SWEEP_MS,
  ) {}

  /** Watches a stream's session; resolves when it lapses (never, while it stands). Call the returned stop when the stream ends. */
  watch(sessionId: string, orgId: number): { lapsed: Promise<void>; stop: () => void } {
    let revoke!: () => void;
    const lapsed = new Promise<void>((resolve) => (revoke = resolve));
    const listener: Listener = { sessionId, orgId, revoke };
    this.#open.add(listener);
    if (!this.#timer) {
      // A slow sweep is not stacked on: the timer skips while one runs.
      this.#timer = setInterval(() => void (this.#sweeping ?? this.sweep()), this.sweepMs);
      this.#timer.unref?.();
    }
    const stop = () => {
      this.#open.delete(listener);
      if (this.#open.size === 0 && this.#timer) {
        clearInterval(this.#timer);
        this.#timer = null;
      }
    };
    return { lapsed, stop };
  }

  /**
   * Checks every open stream's session at once; those that no longer stand are revoked. Asked right
   * after a change (sign-out), it runs after any sweep in flight, which may have read too early.
   */
  sweep(): Promise<void> {
    const next = (this.#sweeping ?? Promise.resolve()).then(() => this.#sweep());
    const settled = next.finally(() => {
      if (this.#sweeping === settled) this.#sweeping = null;
    });
    this.#sweeping = settled;
    return settled;
  }

  async #sweep(): Promise<void> {
    const open = [...this.#open];
    if (open.length === 0) return;
    let standing: { id: string; orgId: number | null }[];
    try {
      standing = await this.database.db
        .select({ id: sessions.id, orgId: sessions.orgId })
        .from(sessions)
        .innerJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.orgId, sessions.orgId), eq(memberships.active, true)))
        .where(and(inArray(sessions.id, [...new Set(open.map((l) => l.sessionId))]), gt(sessions.expiresAt, this.now())));
    } catch (error) {
      // An unreachable database revokes nobody: the next sweep decides.
      this.log.warn("live stream standing check failed", { error: error instanceof Error ? error.message : String(error) });
      return;
    }
    const orgOf = new Map(standing.map((s) => [s.id, s.orgId]));
    for (const listener of open) {
      if (orgOf.get(listener.sessionId) === listener.orgId) continue;
      this.#open.delete(listener);
      listener.revoke();
    }
  }
}
