// The built-in support line: every organization's conversation with Kanal's operators, pinned first
// in its inbox. Operators write through a small API guarded by SUPPORT_API_TOKEN and read the
// organizations' answers from it; without the token the API does not exist.
import { Hono } from "hono";
import { and, asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { channels, messages, organizations, users } from "@db/schema";
import type { DbOrTx } from "@db/client";
import type { AppEnv } from "../context";
import { SUPPORT_EXTERNAL_ID } from "../admin/organizations";
import { ingestInbound } from "../inbox/customer-messages";
import { commit } from "../realtime/changes";
import { sameSecret } from "./secrets";

/** Kanal's operators write to an organization: the message lands in its support conversation. */
export async function messageFromKanal(db: DbOrTx, orgId: number, text: string, now: Date) {
  const [line] = await db.select({ id: channels.id }).from(channels).where(and(eq(channels.orgId, orgId), eq(channels.kind, "support")));
  if (!line) return null;
  return ingestInbound(db, { orgId, channelId: line.id, externalId: SUPPORT_EXTERNAL_ID, contactName: "Kanal Support", body: text, providerMessageId: `support-${crypto.randomUUID()}`, at: now });
}

/** What organizations answered on their support lines, oldest first, after a message id. */
export async function repliesToKanal(db: DbOrTx, after: number, limit = 100) {
  return db
    .select({ id: messages.id, orgId: messages.orgId, organization: organizations.name, author: users.name, body: messages.body, conversationId: messages.conversationId, createdAt: messages.createdAt })
    .from(messages)
    .innerJoin(channels, eq(channels.id, messages.channelId))
    .innerJoin(organizations, eq(organizations.id, messages.orgId))
    .leftJoin(users, eq(users.id, messages.authorId))
    .where(and(eq(channels.kind, "support"), eq(messages.direction, "out"), gt(messages.id, after)))
    .orderBy(asc(messages.id))
    .limit(limit);
}

const messageSchema = z.object({ orgId: z.number().int().positive(), text: z.string().trim().min(1).max(10_000) });

export function supportRoutes() {
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => {
    const expected = c.get("deps").config.SUPPORT_API_TOKEN;
    if (!expected) return c.text("Not found", 404);
    if (!sameSecret(c.req.header("authorization")?.replace(/^Bearer\s+/i, "") ?? "", expected)) return c.json({ error: "unauthorized" }, 401);
    await next();
  });

  app.post("/messages", async (c) => {
    const parsed = messageSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: "invalid", issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) }, 400);
    const { database, clock } = c.get("deps");
    const change = await commit(database, parsed.data.orgId, (db) => messageFromKanal(db, parsed.data.orgId, parsed.data.text, clock.now()));
    if (!change) return c.json({ error: "no such organization" }, 404);
    return c.json({ conversationId: change.conversationId, messageId: change.messageId }, 201);
  });

  app.get("/replies", async (c) => {
    const after = Number(c.req.query("after") ?? 0);
    if (!Number.isSafeInteger(after) || after < 0) return c.json({ error: "after must be a message id" }, 400);
    return c.json({ replies: await repliesToKanal(c.get("deps").database.db, after) });
  });
  return app;
}
