// The workflow tests' world: an organization with channels and tags, rules written straight to the
// database, customers' messages through the inbox's own ingestion, and the engine run by hand.
import { and, eq } from "drizzle-orm";
import { channels, conversationTags, events, messages, tags, workflows } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { collectRuns, runWorkflows } from "../../src/workflows/engine";
import type { RuleInput } from "../../src/workflows/rules";
import type { TestApp } from "../support/app";

/** An organization with a WhatsApp and a WebChat channel, two tags, and helpers to add rules, receive messages and run the engine. */
export async function workflowWorld(t: TestApp) {
  const w = await t.world();
  const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const [web] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "webchat", name: "Site", webhookKey: newWebhookKey() }).returning();
  const [returns] = await t.db.insert(tags).values({ orgId: w.orgId, name: "returns" }).returning();
  const [vip] = await t.db.insert(tags).values({ orgId: w.orgId, name: "vip" }).returning();
  // The cursor starts where the engine first looks: only what comes after counts.
  await collectRuns(t.db, t.clock.now());
  let position = 0;
  const rule = async (input: Partial<RuleInput> & Pick<RuleInput, "trigger" | "actions">) => {
    const [row] = await t.db
      .insert(workflows)
      .values({ orgId: w.orgId, name: input.name ?? `Rule ${position + 1}`, position: position++, enabled: input.enabled ?? true, stopAfter: input.stopAfter ?? false, trigger: input.trigger, conditions: input.conditions ?? [], actions: input.actions, createdAt: t.clock.now(), updatedAt: t.clock.now() })
      .returning();
    return row;
  };
  const inbound = (externalId: string, body: string, channelId = wa.id) =>
    ingestInbound(t.db, { orgId: w.orgId, channelId, externalId, contactName: `Contact ${externalId}`, body, providerMessageId: crypto.randomUUID(), at: t.clock.now() });
  const run = () => runWorkflows(t.database, () => t.clock.now());
  const eventsOf = (conversationId: number, type: string) => t.db.select().from(events).where(and(eq(events.conversationId, conversationId), eq(events.type, type)));
  const lines = async (conversationId: number) =>
    (await t.db.select().from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "event")))).map((m) => (m.metadata as { automation: { action: string; rule: string | null } }).automation);
  const tagIds = async (conversationId: number) => (await t.db.select().from(conversationTags).where(eq(conversationTags.conversationId, conversationId))).map((r) => r.tagId);
  return { w, wa, web, returns, vip, rule, inbound, run, eventsOf, lines, tagIds };
}
