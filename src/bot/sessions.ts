// Where a bot session begins and ends. A customer's first message on a channel whose bot is on opens
// a conversation of type `bot` (in no queue, routed by nobody, in no tab but the Bot filter); it
// ends by hand-over (an option, the keyword, the timeout: type chat, into a workgroup's routing) or
// when an agent joins.
import { and, eq, isNull } from "drizzle-orm";
import type { Tx } from "@db/client";
import { botSessions, channels, conversations, workgroups } from "@db/schema";
import { routeConversation } from "../routing/routing";
import { recordEvent } from "../realtime/events";
import { BY_BOT, botLine, type Target } from "./lines";
import { menuForChannel } from "./menus";

/** The channel's bot, when it is on and has a menu: the conversation about to open is the bot's. */
export async function botFor(tx: Tx, channelId: number) {
  const menu = await menuForChannel(tx, channelId);
  return menu && menu.enabled && menu.options.length > 0 && menu.greeting ? menu : null;
}

/** Starts the bot in a conversation just opened as type bot; the worker greets (botStep). */
export async function startBotSession(tx: Tx, conversation: { id: number; orgId: number }, menu: NonNullable<Awaited<ReturnType<typeof botFor>>>, now: Date) {
  await tx.insert(botSessions).values({
    conversationId: conversation.id,
    orgId: conversation.orgId,
    menuId: menu.id,
    menu: { greeting: menu.greeting, options: menu.options, keyword: menu.handoverKeyword, timeoutMinutes: menu.timeoutMinutes, handoverWorkgroupId: menu.handoverWorkgroupId, unknownText: menu.unknownText },
    timeoutAt: new Date(now.getTime() + menu.timeoutMinutes * 60_000),
    createdAt: now,
  });
}

/**
 * The bot lets go: the conversation becomes a chat waiting for a person, in the workgroup given (or
 * the channel's) and that group's routing picks the agent. Returns the events written.
 */
export async function handOver(tx: Tx, conv: Target, reason: "option" | "keyword" | "timeout", workgroupId: number | null, now: Date): Promise<number[]> {
  const [channel] = await tx.select({ workgroupId: channels.workgroupId }).from(channels).where(eq(channels.id, conv.channelId));
  const target = workgroupId ?? channel?.workgroupId ?? null;
  const [group] = target ? await tx.select({ id: workgroups.id, name: workgroups.name }).from(workgroups).where(and(eq(workgroups.orgId, conv.orgId), eq(workgroups.id, target))) : [];
  await tx.update(botSessions).set({ endedAt: now, outcome: reason }).where(and(eq(botSessions.conversationId, conv.id), isNull(botSessions.endedAt)));
  await tx.update(conversations).set({ type: "chat", waitingSince: now }).where(eq(conversations.id, conv.id));
  const eventIds = [
    await botLine(tx, conv, { line: "handover", reason, workgroupName: group?.name ?? null }, now),
    await recordEvent(tx, { orgId: conv.orgId, type: "bot_ended", conversationId: conv.id, data: { ...BY_BOT, outcome: reason, workgroupId: group?.id ?? null }, createdAt: now }),
  ];
  if (group) eventIds.push(...(await routeConversation(tx, { orgId: conv.orgId, conversationId: conv.id, workgroupId: group.id, by: { kind: "routing" } }, now)).eventIds);
  return eventIds;
}

/** An agent joins a conversation the bot has: the bot stops and the conversation is a chat. */
export async function endBotOnJoin(tx: Tx, conv: { id: number; orgId: number; channelId: number; type: string }, agentName: string, now: Date): Promise<number[]> {
  if (conv.type !== "bot") return [];
  await tx.update(botSessions).set({ endedAt: now, outcome: "joined" }).where(and(eq(botSessions.conversationId, conv.id), isNull(botSessions.endedAt)));
  await tx.update(conversations).set({ type: "chat" }).where(eq(conversations.id, conv.id));
  const target = { ...conv, channelKind: "support" as const, lastInboundAt: null };
  return [
    await botLine(tx, target, { line: "joined", name: agentName }, now),
    await recordEvent(tx, { orgId: conv.orgId, type: "bot_ended", conversationId: conv.id, data: { outcome: "joined" }, createdAt: now }),
  ];
}
