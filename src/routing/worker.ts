// What sets routing going: committed events heard after commit (a new conversation in a queue, an
// agent coming Online, closing or handing one on, a group's or member's settings), read from the
// events log and turned into routes and drains, one after another, off the request's path.
import { routeOpenings } from "./openings";
import { settledAtOpening } from "./at-opening";
import { eventsGlimpsed } from "../workflows/glance";
import { waitsInQueue } from "../workflows/triggers";
import type { Deps } from "../context";
import type { Background } from "../background";
import { commit, commitNotifying } from "../realtime/changes";
import { drainWorkgroup, returnUnanswered, sweepRouting, waitingGroupsOf } from "./routing";

/** The events routing acts on. */
const HEARD = ["conversation_created", "message_created", "status_changed", "closed", "assigned", "workgroup_changed", "user_updated"];

/** Agents who stop taking work in these statuses; Online is the only one that receives it. */
const AWAY = new Set(["break", "offline", "invisible"]);

export class RoutingWorker {
  #heard = new Map<number, number[]>();
  #running = false;
  /** Events this worker wrote, which it hears back as they are published: nothing in them is routing's to do. */
  #own = new Set<number>();

  constructor(
    private deps: Deps,
    private background: Background,
    /** Called when new conversations are left to the rules: the workflow engine should look at once. */
    private leftToRules: () => void = () => {},
  ) {}

  /** The after-commit listener (onCommitted): notes the ids and returns at once; the work runs in the background. */
  heard(orgId: number, eventIds: number[]) {
    // Nothing to read in its own events, or in those of a conversation routed as it opened.
    const others = eventIds.filter((id) => !this.#own.delete(id) && !settledAtOpening.take(id));
    if (others.length === 0) return;
    this.#heard.set(orgId, [...(this.#heard.get(orgId) ?? []), ...others]);
    if (this.#running) return;
    this.#running = true;
    this.background.run("routing", () => this.#work());
  }

  async #work() {
    try {
      while (this.#heard.size > 0) {
        const batch = this.#heard;
        this.#heard = new Map();
        for (const [orgId, ids] of batch) {
          // One organization's failure (its rows are untouched by a rolled-back step) must not stop
          // the others; the sweep job tries its queues again.
          await this.#react(orgId, ids).catch((error) => this.deps.log.error("routing failed", { orgId, error }));
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /**
   * One organization's heard events: routes and drains, each a transaction, published together after.
   * The next batch starts once they have committed, not once other processes have been notified.
   */
  async #react(orgId: number, ids: number[]) {
    const { database, clock } = this.deps;
    const { notified } = await this.#committing(() => commitNotifying(database, orgId, async (db) => {
      // The events, with what judging the new conversations among them needs, in one statement.
      const { events, assigned, behind, ...glance } = await eventsGlimpsed(db, orgId, ids, HEARD);
      const eventIds: number[] = [];
      const drain = new Set<number>();
      const freed = new Set<string>();
      const fresh: number[] = [];
      // Each route and drain is a transaction of its own: one that fails (a lock that timed out) is
      // left to the sweep job, and the others still run.
      const attempt = async (work: () => Promise<number[]>) => {
        try {
          eventIds.push(...(await work()));
        } catch (error) {
          this.deps.log.error("routing step failed", { orgId, error });
        }
      };
      for (const e of events) {
        if (e.type === "conversation_created") {
          // Only a new conversation waiting in a group's queue has routing to do: not one routed in
          // the transaction that opened it (openAtOpening), or taken by someone since.
          if (waitsInQueue(e) && !assigned.has(Number(e.conversation_id))) fresh.push(Number(e.conversation_id));
        } else if (e.type === "status_changed" && e.subject_user_id) {
          if (e.data.to === "online") freed.add(e.subject_user_id);
          else if (AWAY.has(String(e.data.to))) {
            const userId = e.subject_user_id;
            await attempt(async () => {
              const back = await returnUnanswered(db, orgId, userId, clock.now());
              back.workgroupIds.forEach((id) => drain.add(id));
              return back.eventIds;
            });
          }
        } else if (e.type === "closed" && e.subject_user_id) freed.add(e.subject_user_id);
        else if (e.type === "assigned" && e.data.by === undefined) {
          // A manual change: the one who handed it on has a free place; a group got one more waiting.
          if (typeof e.data.from === "string") freed.add(e.data.from);
          if (typeof e.data.workgroupId === "number" && !e.subject_user_id) drain.add(e.data.workgroupId);
        } else if (e.type === "workgroup_changed" && typeof e.data.workgroupId === "number") drain.add(e.data.workgroupId);
        else if (e.type === "user_updated" && e.subject_user_id) freed.add(e.subject_user_id);
      }
      // The new conversations heard together are routed together, in the order they were made: one
      // transaction of about ten statements, however many arrived meanwhile. One a rule may assign
      // goes as that rule sends it, or waits for the workflow engine (routeOpenings).
      if (fresh.length > 0) {
        await attempt(async () => {
          const routed = await routeOpenings(db, orgId, fresh, events, glance, () => clock.now(), behind);
          if (routed.forRules) this.leftToRules();
          routed.drain.forEach((id) => drain.add(id));
          return routed.eventIds;
        });
      }
      for (const userId of freed) for (const id of await waitingGroupsOf(db, orgId, userId)) drain.add(id);
      for (const id of drain) await attempt(() => drainWorkgroup(db, orgId, id, clock.now()));
      for (const id of eventIds) this.#own.add(id);
      return { eventIds };
    }));
    this.background.run("routing-notify", () => notified);
  }

  /** Runs a commit whose events this worker hears back before it returns (listeners are told at once), then forgets them. */
  async #committing<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.#own.clear();
    }
  }
}

/** The periodic pass (a job): overdue re-routes, and queues left waiting by a crash or an owner's wait. */
export async function sweepQueues(deps: Deps) {
  const byOrg = await sweepRouting(deps.database.db, deps.clock.now());
  for (const [orgId, eventIds] of byOrg) await commit(deps.database, orgId, async () => ({ eventIds }));
}
