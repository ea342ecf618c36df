// The bot's world: a Returns workgroup with an Online agent, an order-number CRM field, and a menu.
import { eq } from "drizzle-orm";
import type { Db } from "@db/client";
import { botSessions, channels, conversations, customFields, messages, type BotOption } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { saveMenu, type MenuInput, type Scope } from "../../src/bot/menus";
import type { World } from "../support/world";
import { team } from "../routing/support";

export async function botWorld(db: Db, w: World, now: Date) {
  const returns = await team(db, w, 1, { routing: "round_robin" });
  await db.insert(customFields).values({ orgId: w.orgId, key: `order_${w.orgId}`, label: "Order number", type: "number" }).onConflictDoNothing();
  const options: BotOption[] = [
    { id: "order", title: "Order status", action: "question", text: "What is your order number?", fieldKey: `order_${w.orgId}` },
    { id: "hours", title: "Opening hours", action: "answer", text: "We are open 9:00–18:00 on weekdays." },
    { id: "more", title: "More", action: "submenu", text: "What else?", options: [{ id: "returns", title: "Returns", action: "handover", workgroupId: returns.groupId }] },
    { id: "talk", title: "Talk to us", action: "handover", workgroupId: returns.groupId },
  ];
  const menu: MenuInput = {
    enabled: true,
    greeting: "Welcome! How can we help?",
    options,
    handoverKeyword: "agent",
    timeoutMinutes: 10,
    handoverWorkgroupId: returns.groupId,
    unknownText: "",
    surveyEnabled: true,
    surveyQuestion: "How satisfied are you with our help?",
    surveyComment: "Anything we could do better? (optional)",
  };
  const admin = (await actorFor(db, w.admin.id, w.orgId))!;
  const save = (scope: Scope, input: Partial<MenuInput> = {}) => saveMenu(db, admin, scope, { ...menu, ...input }, now);
  return { returns, menu, save, admin };
}

export async function conversationOf(db: Db, channelId: number) {
  const [row] = await db.select().from(conversations).where(eq(conversations.channelId, channelId)).orderBy(conversations.id);
  return row;
}

export async function latestConversation(db: Db, channelId: number) {
  const rows = await db.select().from(conversations).where(eq(conversations.channelId, channelId)).orderBy(conversations.id);
  return rows.at(-1)!;
}

export async function sessionOf(db: Db, conversationId: number) {
  const [row] = await db.select().from(botSessions).where(eq(botSessions.conversationId, conversationId));
  return row;
}

export async function outbound(db: Db, conversationId: number) {
  return (await db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(messages.id)).filter((m) => m.direction === "out");
}

export async function channelRow(db: Db, id: number) {
  const [row] = await db.select().from(channels).where(eq(channels.id, id));
  return row;
}
