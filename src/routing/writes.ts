// Routing's writes, for any number of conversations: one statement (the system lines, the events,
// the agents' turns, the contacts' owners, the conversations), its ids taken beforehand so it needs
// nothing back. One statement rather than five pipelined: the same round trip, and less of
// Postgres's time per statement, which the worker pays per batch, most of them of one conversation.
import { sql } from "drizzle-orm";
import { fixedStatement, type Tx } from "@db/client";

export interface RouteWrites {
  /** The system lines ("Assigned to Okan by routing"), in the conversations' threads. */
  lines: { id: number; conversation_id: number; channel_id: number; metadata: Record<string, unknown> }[];
  /** The `assigned` events. */
  events: { id: number; conversation_id: number; subject_user_id: string | null; data: Record<string, unknown> }[];
  /** Each assigned agent's turn: their last assignment's event. */
  turns: { user_id: string; id: number }[];
  /** Contacts' new owners. */
  owners: { id: number; owner_id: string }[];
  conversations: { id: number; assignee_id: string | null; assigned_at: string | null; workgroup_id: number | null; waiting_since: string | null; clear: boolean }[];
}

/** Writes a routing decision. */
export async function writeRoutes(tx: Tx, orgId: number, writes: RouteWrites, now: Date): Promise<void> {
  if (writes.lines.length + writes.events.length + writes.turns.length + writes.owners.length + writes.conversations.length === 0) return;
  const shared = {
    orgId,
    now: now.toISOString(),
    lines: JSON.stringify(writes.lines),
    events: JSON.stringify(writes.events),
    turns: JSON.stringify(writes.turns),
  };
  const [only] = writes.conversations;
  const [owner] = writes.owners;
  // One conversation or none written (most of the worker's batches): a statement
  // whose plan Postgres keeps; the batch's, with arrays it cannot size, is planned again on every call.
  if (writes.conversations.length <= 1 && writes.owners.length <= 1)
    await writeOne(tx, {
      ...shared,
      conversationId: only?.id ?? null,
      assigneeId: only?.assignee_id ?? null,
      assignedAt: only?.assigned_at ?? null,
      workgroupId: only?.workgroup_id ?? null,
      waitingSince: only?.waiting_since ?? null,
      clear: only?.clear ?? false,
      contactId: owner?.id ?? null,
      ownerId: owner?.owner_id ?? null,
    });
  else
    await writeMany(tx, {
      ...shared,
      owners: JSON.stringify(writes.owners),
      ownerIds: `{${writes.owners.map((o) => o.id).join(",")}}`,
      conversations: JSON.stringify(writes.conversations),
      conversationIds: `{${writes.conversations.map((c) => c.id).join(",")}}`,
    });
}

const p = (name: string) => sql.placeholder(name);

/** The steps every write shares: the lines, the events, the turns. */
const SHARED = sql`lines as (
      insert into messages (id, org_id, conversation_id, channel_id, direction, metadata, created_at)
      select v.id, ${p("orgId")}::bigint, v.conversation_id, v.channel_id, 'event', v.metadata, ${p("now")}::timestamptz
      from json_to_recordset(${p("lines")}::json) as v(id bigint, conversation_id bigint, channel_id bigint, metadata jsonb)
    ),
    evs as (
      insert into events (id, org_id, type, conversation_id, subject_user_id, data, created_at)
      select v.id, ${p("orgId")}::bigint, 'assigned', v.conversation_id, v.subject_user_id, v.data, ${p("now")}::timestamptz
      from json_to_recordset(${p("events")}::json) as v(id bigint, conversation_id bigint, subject_user_id text, data jsonb)
    ),
    turns as (
      update memberships m set last_assignment_id = v.id
      from json_to_recordset(${p("turns")}::json) as v(user_id text, id bigint)
      where m.org_id = ${p("orgId")}::bigint and m.user_id = v.user_id
    )`;

/** A conversation's columns as routing sets them (from `v`), and its activity. */
const MOVED = sql`assignee_id = v.assignee_id, assigned_at = v.assigned_at, workgroup_id = v.workgroup_id,
        waiting_since = coalesce(v.waiting_since, c.waiting_since), first_response_at = case when v.clear then null else c.first_response_at end,
        -- A move or an assignment is activity: the conversation goes up the lists ordered by it.
        last_message_at = greatest(c.last_message_at, ${p("now")}::timestamptz)`;

const writeOne = fixedStatement<{ done: number }>(
  () => sql`with ${SHARED},
    owners as (
      update contacts c set owner_id = ${p("ownerId")}::text where c.id = ${p("contactId")}::bigint
    ),
    moved as (
      update conversations c set ${MOVED}
      from (select ${p("assigneeId")}::text as assignee_id, ${p("assignedAt")}::timestamptz as assigned_at, ${p("workgroupId")}::bigint as workgroup_id,
        ${p("waitingSince")}::timestamptz as waiting_since, ${p("clear")}::boolean as clear) v
      where c.id = ${p("conversationId")}::bigint and c.org_id = ${p("orgId")}::bigint
    )
    select 1 as done`,
);

// The arrays of ids beside the JSON: the planner, guessing a hundred rows from JSON, would otherwise
// scan every contact.
const writeMany = fixedStatement<{ done: number }>(
  () => sql`with ${SHARED},
    owners as (
      update contacts c set owner_id = v.owner_id
      from json_to_recordset(${p("owners")}::json) as v(id bigint, owner_id text)
      where c.id = v.id and c.id = any(${p("ownerIds")}::bigint[])
    ),
    moved as (
      update conversations c set ${MOVED}
      from json_to_recordset(${p("conversations")}::json) as v(id bigint, assignee_id text, assigned_at timestamptz, workgroup_id bigint, waiting_since timestamptz, clear boolean)
      where c.id = v.id and c.id = any(${p("conversationIds")}::bigint[]) and c.org_id = ${p("orgId")}::bigint
    )
    select 1 as done`,
);
