// A customer answering a bulk message: the closed conversation of type bulk that carried the
// template opens again, so the agent sees the template above the reply, and goes to the channel's
// queue (or the contact's owner) like any new conversation. Answers to templates older than
// REPLY_DAYS open an ordinary conversation.
import { sql } from "drizzle-orm";
import { rows, type Tx } from "@db/client";

export const REPLY_DAYS = 30;

/** Opens the contact's latest unanswered bulk conversation on the channel; null when there is none. */
export async function openBulkConversation(
  tx: Tx,
  input: { contactId: number; channelId: number; ownerId: string | null; at: Date },
): Promise<{ id: number; assigneeId: string | null; workgroupId: number | null; bulkSendId: number } | null> {
  const at = input.at.toISOString();
  const [row] = await rows<{ id: number; assignee_id: string | null; workgroup_id: number | null; bulk_send_id: number }>(tx, sql`
    with target as (
      select r.conversation_id as id, r.bulk_send_id from bulk_recipients r
      join conversations v on v.id = r.conversation_id
      where r.contact_id = ${input.contactId} and v.channel_id = ${input.channelId} and v.type = 'bulk' and v.status = 'closed'
        and v.last_inbound_at is null and r.sent_at > ${at}::timestamptz - make_interval(days => ${REPLY_DAYS})
        and not exists (select from conversations o where o.contact_id = ${input.contactId} and o.status = 'open')
      order by r.id desc limit 1
    ),
    grp as (select c.workgroup_id from channels c where c.id = ${input.channelId})
    update conversations v set status = 'open', closed_at = null, closed_by = null, closing_message_id = null,
      started_by = 'contact',
      workgroup_id = (select workgroup_id from grp),
      assignee_id = case when (select workgroup_id from grp) is null then ${input.ownerId}::text end,
      assigned_at = case when (select workgroup_id from grp) is null and ${input.ownerId}::text is not null then ${at}::timestamptz end
    from target
    where v.id = target.id
    returning v.id::float8 as id, v.assignee_id, v.workgroup_id::float8 as workgroup_id, target.bulk_send_id::float8 as bulk_send_id`);
  if (!row) return null;
  return { id: Number(row.id), assigneeId: row.assignee_id, workgroupId: row.workgroup_id === null ? null : Number(row.workgroup_id), bulkSendId: Number(row.bulk_send_id) };
}
