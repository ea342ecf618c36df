// What sets routing going: committed events heard after commit (a new conversation in a queue, an
// agent coming Online, closing or handing one on, a group's or member's settings), read from the
// events log and turned into routes and drains, one after another, off the request's path.
import { sql } from "drizzle-orm";
import { rows } from "@db/client";
import type { Deps } from "../context";
import type { Background } from "../background";
import { publishEvents } from "../realtime/events";
import { drainWorkgroup, returnUnanswered, routeConversation, sweepRouting, waitingGroupsOf } from "./routing";

interface Heard {
  type: string;
  conversation_id: number | null;
  subject_user_id: string | null;
  actor_id: string | null;
  data: Record<string, unknown>;
}

/** Agents who stop taking work in these statuses; Online is the only one that receives it. */
const AWAY = new Set(["break", "offline", "invisible"]);

export class RoutingWorker {
  #heard = new Map<number, number[]>();
  #running = false;

  constructor(
    private deps: Deps,
    private background: Background,
  ) {}

  /** The after-commit listener: notes the ids and returns at once; the work runs in the background. */
  heard(orgId: number, eventIds: number[]) {
    this.#heard.set(orgId, [...(this.#heard.get(orgId) ?? []), ...eventIds]);
    if (this.#running) return;
    this.#running = true;
    this.background.run("routing", () => this.#work());
  }

  async #work() {
    try {
      while (this.#heard.size > 0) {
        const batch = this.#heard;
        this.#heard = new Map();
        for (const [orgId, ids] of batch) await this.#react(orgId, ids);
      }
    } finally {
      this.#running = false;
    }
  }

  async #react(orgId: number, ids: number[]) {
    const { db } = this.deps.database;
    const now = this.deps.clock.now();
    const events = await rows<Heard>(
      db,
      sql`select type, conversation_id::float8 as conversation_id, subject_user_id, actor_id, data from events
        where id = any(${`{${ids.join(",")}}`}::bigint[])
          and type in ('conversation_created', 'status_changed', 'closed', 'assigned', 'workgroup_changed', 'user_updated')
        order by id`,
    );
    const routed: number[] = [];
    const drain = new Set<number>();
    const freed = new Set<string>();
    for (const e of events) {
      if (e.type === "conversation_created" && e.conversation_id !== null) {
        // Only a new conversation waiting in a group's queue has routing to do.
        if (typeof e.data.workgroupId !== "number" || e.subject_user_id) continue;
        const done = await db.transaction((tx) => routeConversation(tx, { orgId, conversationId: Number(e.conversation_id), by: { kind: "routing" } }, now));
        routed.push(...done.eventIds);
      } else if (e.type === "status_changed" && e.subject_user_id) {
        if (e.data.to === "online") freed.add(e.subject_user_id);
        else if (AWAY.has(String(e.data.to))) {
          const back = await returnUnanswered(db, orgId, e.subject_user_id, now);
          routed.push(...back.eventIds);
          back.workgroupIds.forEach((id) => drain.add(id));
        }
      } else if (e.type === "closed" && e.subject_user_id) freed.add(e.subject_user_id);
      else if (e.type === "assigned" && e.data.by === undefined) {
        // A manual change: the one who handed it on has a free place; a group got one more waiting.
        if (typeof e.data.from === "string") freed.add(e.data.from);
        if (typeof e.data.workgroupId === "number" && !e.subject_user_id) drain.add(e.data.workgroupId);
      } else if (e.type === "workgroup_changed" && typeof e.data.workgroupId === "number") drain.add(e.data.workgroupId);
      else if (e.type === "user_updated" && e.subject_user_id) freed.add(e.subject_user_id);
    }
    for (const userId of freed) for (const id of await waitingGroupsOf(db, orgId, userId)) drain.add(id);
    for (const id of drain) routed.push(...(await drainWorkgroup(db, orgId, id, now)));
    await publishEvents(this.deps.database, orgId, routed);
  }

}

/** The periodic pass (a job): overdue re-routes, and queues left waiting by a crash or an owner's wait. */
export async function sweepQueues(deps: Deps) {
  const byOrg = await sweepRouting(deps.database.db, deps.clock.now());
  for (const [orgId, ids] of byOrg) await publishEvents(deps.database, orgId, ids);
}
