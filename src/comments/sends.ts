// What the outbox needs to know of a comment thread's sends: which comment a message answers and
// how (metadata written by src/comments/replies.ts), and the commenter's chat id a private reply
// brought back, kept as another identity of the same contact.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { conversations, messages } from "@db/schema";
import type { OutgoingMessage } from "../channels/types";

/** A public or private comment reply's target, from its message's metadata. */
export function commentSend(metadata: Record<string, unknown>): OutgoingMessage["comment"] {
  const reply = metadata.commentReply;
  const id = metadata.replyToCommentId;
  if ((reply !== "public" && reply !== "private") || typeof id !== "string") return undefined;
  return { id, reply };
}

/**
 * Meta answers a private reply with the commenter's PSID/IGSID. Where it differs from the id the
 * comment came with (Facebook's comment authors are not named by their PSID), it becomes another
 * identity of the same contact, so the commenter's direct messages join the same contact.
 */
export async function linkRecipient(db: DbOrTx, messageId: number, recipientId: string, now: Date) {
  await db.execute(sql`insert into contact_identities (org_id, contact_id, channel_id, external_id, created_at)
    select m.org_id, v.contact_id, m.channel_id, ${recipientId}, ${now.toISOString()}::timestamptz
    from ${messages} m join ${conversations} v on v.id = m.conversation_id
    where m.id = ${messageId}
    on conflict (channel_id, external_id) do nothing`);
}
