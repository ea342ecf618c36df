// A reply with files: one message per file (image, video, audio, voice or file), the text as the
// caption of the first file whose kind takes one, else as its own text message first. Every file
// is checked again against the channel here; if one cannot go, nothing goes and the agent is told.
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { attachments } from "@db/schema";
import type { Actor } from "../context";
import { ConversationRuleBroken, type Change } from "../inbox/changes";
import { reply } from "../inbox/replies";
import { checkMedia, messageKindOf, type Refusal } from "./limits";
import { conversationChannel } from "./uploads";

export class FilesRefused extends Error {
  constructor(public refused: { filename: string; size: number; refusal: Refusal }[]) {
    super("files refused");
  }
}

export interface FilesReply {
  body: string;
  attachmentIds: number[];
  /** Attachments recorded with the microphone, to go out as voice notes. */
  voiceIds: number[];
}

export async function replyWithFiles(db: DbOrTx, actor: Actor, conversationId: number, input: FilesReply, now: Date): Promise<Change & { messageIds: number[] }> {
  const conv = await conversationChannel(db, actor, conversationId);
  if (!conv) throw new ConversationRuleBroken("not_found");
  const rows = await db
    .select({ id: attachments.id, filename: attachments.filename, mime: attachments.mime, size: attachments.size })
    .from(attachments)
    .where(and(eq(attachments.orgId, actor.orgId), eq(attachments.uploadedBy, actor.userId), inArray(attachments.id, input.attachmentIds), isNull(attachments.messageId), isNull(attachments.contactId)));
  if (rows.length !== new Set(input.attachmentIds).size) throw new ConversationRuleBroken("bad_target");
  const byId = new Map(rows.map((r) => [r.id, r]));
  const planned = input.attachmentIds.map((id) => {
    const file = byId.get(id)!;
    return { file, verdict: checkMedia(conv.caps, { mime: file.mime, size: file.size, voice: input.voiceIds.includes(id) }) };
  });
  const refused = planned.flatMap(({ file, verdict }) => (verdict.ok ? [] : [{ filename: file.filename, size: file.size, refusal: verdict as Refusal }]));
  if (refused.length) throw new FilesRefused(refused);

  const text = input.body.trim();
  const captioned = text ? planned.findIndex(({ verdict }) => verdict.ok && verdict.rule.caption) : -1;
  const eventIds: number[] = [];
  const messageIds: number[] = [];
  if (text && captioned < 0) {
    const done = await reply(db, actor, conversationId, text, now);
    eventIds.push(...done.eventIds);
    messageIds.push(done.messageId);
  }
  for (const [i, { file, verdict }] of planned.entries()) {
    if (!verdict.ok) continue;
    const done = await reply(db, actor, conversationId, { body: i === captioned ? text : "", kind: messageKindOf(verdict.kind), attachmentIds: [file.id], metadata: verdict.kind === "voice" ? { voice: true } : {} }, now);
    eventIds.push(...done.eventIds);
    messageIds.push(done.messageId);
  }
  return { conversationId, eventIds, messageIds };
}
