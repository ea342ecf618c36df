// WhatsApp message templates: read from the WABA (GET /{waba-id}/message_templates), the approved
// ones kept in the channel's config so the composer can offer them once the 24-hour window closes.
import { and, eq } from "drizzle-orm";
import { channels } from "@db/schema";
import type { Deps } from "../context";
import { accountOf } from "./accounts";
import { graphFor } from "./adapters";

interface GraphTemplate {
  name: string;
  language: string;
  status: string;
  components?: { type: string; text?: string }[];
}

export async function syncTemplates(deps: Deps, channel: typeof channels.$inferSelect): Promise<number> {
  const account = accountOf(deps.config, channel);
  const wabaId = String(account.config.wabaId ?? "");
  if (!wabaId || !account.secrets.accessToken) return 0;
  const graph = graphFor(deps.config);
  const result = await graph.json<{ data?: GraphTemplate[] }>("GET", graph.url(`${wabaId}/message_templates?fields=name,language,status,components&limit=200`), account.secrets.accessToken);
  const templates = (result?.data ?? [])
    .filter((t) => t.status === "APPROVED")
    .map((t) => {
      const body = t.components?.find((c) => c.type === "BODY")?.text ?? "";
      const params = new Set([...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => m[1])).size;
      return { name: t.name, language: t.language, body, params };
    });
  await deps.database.db
    .update(channels)
    .set({ config: { ...channel.config, templates, templatesSyncedAt: deps.clock.now().toISOString() } })
    .where(eq(channels.id, channel.id));
  return templates.length;
}

export async function syncAllTemplates(deps: Deps) {
  const list = await deps.database.db.select().from(channels).where(and(eq(channels.kind, "whatsapp"), eq(channels.active, true)));
  for (const channel of list) {
    try {
      await syncTemplates(deps, channel);
    } catch (error) {
      deps.log.warn("template sync failed", { channelId: channel.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
