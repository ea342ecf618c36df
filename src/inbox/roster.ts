// What inbox pages show of an organization's roster (the filter panel's choices, tags' names and
// colours), kept per process while the organization's roster_version holds (db/schema.ts).
import type { DbOrTx } from "@db/client";

const KEPT_ORGANIZATIONS = 1_000;

export class KeptByRoster<T> {
  // By database too: one process may serve several (tests do), and organization ids repeat.
  #kept = new WeakMap<DbOrTx, Map<number, { version: number; value: T }>>();

  /**
   * The value kept at `version` (the one the session read), or else `read()`'s, kept at the
   * version it was read with (in the same snapshot), which later requests compare with theirs.
   */
  async get(db: DbOrTx, orgId: number, version: number, read: () => Promise<{ version: number; value: T } | null>): Promise<T | null> {
    let byOrg = this.#kept.get(db);
    if (!byOrg) this.#kept.set(db, (byOrg = new Map()));
    const kept = byOrg.get(orgId);
    if (kept && kept.version === version) return kept.value;
    const fresh = await read();
    if (!fresh) return null;
    if (byOrg.size >= KEPT_ORGANIZATIONS) byOrg.clear();
    byOrg.set(orgId, fresh);
    return fresh.value;
  }
}
