// The embeddable WebChat widget: its script, a demo page, and the public API it talks to
// (/widget/api/<channel key>/…), guarded by the channel's allowed origins, a signed visitor token
// and request budgets.
import { activeWithin, newVisitor, VISITOR_TOKEN_RENEW_MS, visitorOf, visitorToken } from "./tokens";
import { field } from "../../forms";
import { Hono, type MiddlewareHandler } from "hono";
import { and, asc, eq, max } from "drizzle-orm";
import { z } from "zod";
import { channels, events, organizations } from "@db/schema";
import type { AppEnv } from "../../context";
import type { EventBus, LiveEvent } from "../../realtime/bus";
import { commit } from "../../realtime/changes";
import { storageFor } from "../../media/storage";
import { serveStored } from "../../media/serve";
import { SeenEvents, sendInOrder } from "../../realtime/seen";
import { keepOpen, liveStream, sseMessage } from "../../realtime/keep-open";
import { clientAddress, render, ui, type Ctx } from "../../web";
import { idParam } from "../../forms";
import { staticFiles } from "../../static";
import { WidgetDemoPage } from "../../../views/webchat/demo";
import { spend, WIDGET_LIMITS } from "./limits";
import { typingIsFresh, visitorTyping, type TypingData } from "../../inbox/typing";
import { replyIdSchema } from "./choices";
import {
  findWebchatChannel,
  introduceVisitor,
  originAllowed,
  uploadRules,
  visitorContact,
  visitorFile,
  visitorMessages,
  visitorSaw,
  visitorSays,
  visitorSendsFile,
  WidgetRefusal,
  widgetUpdate,
  type WebchatChannel,
} from "./visitors";

type WidgetEnv = { Bindings: AppEnv["Bindings"]; Variables: AppEnv["Variables"] & { channel: WebchatChannel; visitorId: string; address: string } };
type WidgetCtx = Parameters<MiddlewareHandler<WidgetEnv>>[0];


const sessionSchema = z.object({
  token: z.string().max(200).optional(),
  name: field.text(120).optional(),
  email: z.string().trim().email().max(200).optional(),
});
const messageSchema = z.object({ body: z.string().min(1).max(20_000), clientId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), replyId: replyIdSchema.optional() });
const seenSchema = z.object({ upTo: z.number().int().positive() });
const uploadSchema = z.object({
  clientId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  voice: z.enum(["0", "1"]).default("0"),
  durationMs: z.coerce.number().int().min(0).max(3_600_000).optional(),
  caption: z.string().max(10_000).optional(),
});

/** At most this many of the organization's events are replayed to a reconnecting widget. */
const MAX_REPLAY = 2_000;

function addressOf(c: WidgetCtx | Ctx): string {
  return clientAddress(c as Ctx) ?? "unknown";
}

function ownOrigins(c: WidgetCtx): string[] {
  const own = [new URL(c.req.url).origin];
  const publicUrl = c.get("deps").config.PUBLIC_URL;
  if (publicUrl) own.push(new URL(publicUrl).origin);
  return own.map((o) => o.toLowerCase());
}

function tooMany(c: WidgetCtx, retryAfter: number) {
  c.header("Retry-After", String(retryAfter));
  return c.json({ error: "rate_limited", retryAfter }, 429);
}

function refusal(c: WidgetCtx, e: unknown) {
  if (!(e instanceof WidgetRefusal)) throw e;
  return c.json({ error: e.reason }, e.reason === "too_large" ? 413 : e.reason === "bad_type" ? 415 : 422);
}

/**
 * widget.js keeps its one URL: customers paste it into their sites once. So it is cached for a day
 * and revalidated cheaply (a 304 while it is unchanged) instead of carrying a hash.
 */
function widgetScript(c: Ctx) {
  return staticFiles().send(c.req.raw, staticFiles().get("widget.js")!, {
    "cache-control": "public, max-age=86400, stale-while-revalidate=604800",
    "access-control-allow-origin": "*",
  });
}

/** /widget.js, the script customers embed. */
export function widgetScriptRoutes() {
  return new Hono<AppEnv>().get("/", (c) => widgetScript(c));
}

/** /widget: the demo page and the widget's API. */
export function webchatRoutes(bus: EventBus) {
  const app = new Hono<AppEnv>();
  // What each event means to widgets, read once per process however many visitors are watching.
  const updates = new Map<number, ReturnType<typeof widgetUpdate>>();

  /** A page that embeds a widget, for trying it: ?channel=<key>, else the demo organization's. */
  app.get("/demo", async (c) => {
    const { database, config } = c.get("deps");
    let key = c.req.query("channel") ?? null;
    if (!key && config.demoSeed) {
      const [row] = await database.db
        .select({ key: channels.webhookKey })
        .from(channels)
        .innerJoin(organizations, eq(organizations.id, channels.orgId))
        .where(and(eq(channels.kind, "webchat"), eq(channels.active, true)))
        .orderBy(asc(organizations.id), asc(channels.id))
        .limit(1);
      key = row?.key ?? null;
    }
    const channel = key ? await findWebchatChannel(database.db, key) : null;
    const origin = config.PUBLIC_URL ? new URL(config.PUBLIC_URL).origin : new URL(c.req.url).origin;
    return render(c, <WidgetDemoPage ui={ui(c)} channelKey={channel ? key : null} channelName={channel?.name ?? null} origin={origin} />);
  });

  const api = new Hono<WidgetEnv>();

  // The channel, the embedding page's origin (with CORS answers for it), and the address budget.
  api.use("/:key/*", async (c, next) => {
    const channel = await findWebchatChannel(c.get("deps").database.db, c.req.param("key"));
    if (!channel) return c.json({ error: "not_found" }, 404);
    const sameOrigin = c.req.header("sec-fetch-site") === "same-origin";
    const origin = c.req.header("origin") ?? (sameOrigin ? new URL(c.req.url).origin : null);
    // Images and players fetch files without an Origin; the token alone guards those.
    const isFileRead = c.req.method === "GET" && /\/files\/\d+$/.test(c.req.path);
    if (!(isFileRead && !c.req.header("origin")) && !originAllowed(channel.settings, origin, ownOrigins(c))) {
      return c.json({ error: "origin_not_allowed" }, 403);
    }
    const cors: Record<string, string> = origin
      ? {
          "access-control-allow-origin": origin,
          "access-control-allow-methods": "GET, POST, OPTIONS",
          "access-control-allow-headers": "authorization, content-type, last-event-id",
          "access-control-max-age": "600",
          "access-control-expose-headers": "retry-after, x-visitor-token",
          vary: "Origin",
        }
      : { vary: "Origin" };
    if (c.req.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
    c.set("channel", channel);
    c.set("address", addressOf(c));
    const { database, clock } = c.get("deps");
    const budget = await spend(database.db, "perAddress", `${channel.id}:${c.get("address")}`, clock.now());
    if (!budget.ok) {
      const limited = tooMany(c, budget.retryAfter);
      for (const [k, v] of Object.entries(cors)) limited.headers.set(k, v);
      return limited;
    }
    await next();
    for (const [k, v] of Object.entries(cors)) c.res.headers.set(k, v);
  });

  /** The visitor the token proves (Authorization: Bearer, or ?token= where headers cannot be sent). */
  const visitor: MiddlewareHandler<WidgetEnv> = async (c, next) => {
    const bearer = c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
    const { config, clock } = c.get("deps");
    const now = clock.now();
    const proven = visitorOf(config, c.get("channel").id, bearer ?? c.req.query("token"), now);
    if (!proven) return c.json({ error: "unauthorized" }, 401);
    c.set("visitorId", proven.visitorId);
    await next();
    // Used: renewed, so a visitor who keeps chatting never reaches the idle time.
    if (proven.issuedAt && now.getTime() - proven.issuedAt.getTime() > VISITOR_TOKEN_RENEW_MS && c.res.status < 400 && !c.res.headers.get("content-type")?.includes("event-stream")) {
      c.res.headers.set("x-visitor-token", visitorToken(config, c.get("channel").id, proven.visitorId, now));
    }
  };
  /** Writes spend the visitor's budget. */
  const writes: MiddlewareHandler<WidgetEnv> = async (c, next) => {
    const { database, clock } = c.get("deps");
    const budget = await spend(database.db, "perVisitor", `${c.get("channel").id}:${c.get("visitorId")}`, clock.now());
    if (!budget.ok) return tooMany(c, budget.retryAfter);
    await next();
  };

  async function jsonBody<T extends z.ZodTypeAny>(c: WidgetCtx, schema: T): Promise<z.infer<T> | null> {
    const raw = await c.req.json().catch(() => null);
    const parsed = schema.safeParse(raw ?? {});
    return parsed.success ? parsed.data : null;
  }

  /** Starts or restores a visitor; with name and email (the pre-chat form), creates or updates the contact. */
  api.post("/:key/session", async (c) => {
    const { database, config, clock } = c.get("deps");
    const channel = c.get("channel");
    const input = await jsonBody(c, sessionSchema);
    if (!input) return c.json({ error: "invalid" }, 422);
    const now = clock.now();
    let proven = visitorOf(config, channel.id, input.token, now, true);
    // A token of the first form (no time) is traded in only by a visitor active within the idle time.
    if (proven && !proven.issuedAt && !(await activeWithin(database.db, channel.id, proven.visitorId, new Date(now.getTime() - config.WEBCHAT_VISITOR_IDLE_DAYS * 86_400_000)))) proven = null;
    let visitorId: string;
    let token: string;
    if (proven) {
      visitorId = proven.visitorId;
      token = visitorToken(config, channel.id, visitorId, now);
    } else {
      const budget = await spend(database.db, "newVisitors", `${channel.id}:${c.get("address")}`, now);
      if (!budget.ok) return tooMany(c, budget.retryAfter);
      ({ visitorId, token } = newVisitor(config, channel.id, now));
    }
    if (input.name && input.email) {
      const budget = await spend(database.db, "perVisitor", `${channel.id}:${visitorId}`, clock.now());
      if (!budget.ok) return tooMany(c, budget.retryAfter);
      const form = { name: input.name, email: input.email };
      await commit(database, channel.orgId, (db) => introduceVisitor(db, channel, visitorId, form, clock.now()));
    }
    const contact = await visitorContact(database.db, channel, visitorId);
    const rules = uploadRules(channel);
    return c.json({
      visitorId,
      token,
      channel: { name: channel.name, greeting: channel.settings.greeting, color: channel.settings.color, preChatForm: channel.settings.preChatForm },
      limits: {
        textMaxLength: rules.textMaxLength,
        voiceNotes: rules.voiceNotes,
        media: Object.fromEntries(Object.entries(rules.media).map(([kind, rule]) => [kind, { mimes: rule!.mimes, maxBytes: rule!.maxBytes }])),
      },
      contact: contact ? { name: contact.name, email: contact.email } : null,
    });
  });

  /** The visitor's messages, and the event id to resume the live stream from. */
  api.get("/:key/messages", visitor, async (c) => {
    const db = c.get("deps").database.db;
    const channel = c.get("channel");
    // Read the cursor first: anything committed after it is replayed by the stream (ids dedupe).
    const [row] = await db.select({ id: max(events.id) }).from(events).where(eq(events.orgId, channel.orgId));
    const history = await visitorMessages(db, channel, c.get("visitorId"));
    return c.json({ ...history, cursor: row?.id ?? 0 });
  });

  api.post("/:key/messages", visitor, writes, async (c) => {
    const { database, clock } = c.get("deps");
    const input = await jsonBody(c, messageSchema);
    if (!input) return c.json({ error: "invalid" }, 422);
    try {
      const result = await commit(database, c.get("channel").orgId, (db) => visitorSays(db, c.get("channel"), c.get("visitorId"), input, clock.now()));
      return c.json({ message: result.message, duplicate: !result.message }, result.message ? 201 : 200);
    } catch (e) {
      return refusal(c, e);
    }
  });

  api.post("/:key/files", visitor, async (c, next) => {
    // Refuse an oversized body before reading it; the exact check runs on the bytes.
    const largest = Math.max(...Object.values(uploadRules(c.get("channel")).media).map((r) => r!.maxBytes));
    const length = Number(c.req.header("content-length") ?? 0);
    if (length > largest + 64 * 1024) return c.json({ error: "too_large" }, 413);
    await next();
  }, writes, async (c) => {
    const { database, config, clock } = c.get("deps");
    const form = await c.req.parseBody().catch(() => null);
    const file = form?.file;
    const fields = uploadSchema.safeParse(form ?? {});
    if (!(file instanceof File) || !fields.success) return c.json({ error: "invalid" }, 422);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const result = await commit(database, c.get("channel").orgId, (db) => visitorSendsFile(
        db,
        storageFor(config),
        c.get("channel"),
        c.get("visitorId"),
        { bytes, claimedMime: file.type, filename: file.name, voice: fields.data.voice === "1", durationMs: fields.data.durationMs, caption: fields.data.caption, clientId: fields.data.clientId },
        clock.now(),
      ));
      return c.json({ message: result.message, duplicate: !result.message }, result.message ? 201 : 200);
    } catch (e) {
      return refusal(c, e);
    }
  });

  /** A file from the visitor's own conversation: only with their token. */
  api.get("/:key/files/:id{[0-9]+}", visitor, async (c) => {
    const { database, config } = c.get("deps");
    const found = await visitorFile(database.db, c.get("channel"), c.get("visitorId"), idParam(c));
    const stored = found ? await storageFor(config).read(found.storageKey) : null;
    if (!found || !stored) return c.json({ error: "not_found" }, 404);
    const inline = /^(image|audio|video)\//.test(found.mime);
    return serveStored(c.req.raw, stored, { mime: found.mime, filename: found.filename, inline });
  });

  /** The widget showed the agent's replies up to this message. */
  api.post("/:key/seen", visitor, async (c) => {
    const { database, clock } = c.get("deps");
    const input = await jsonBody(c, seenSchema);
    if (!input) return c.json({ error: "invalid" }, 422);
    await commit(database, c.get("channel").orgId, (db) => visitorSaw(db, c.get("channel"), c.get("visitorId"), input.upTo, clock.now()));
    return c.json({ ok: true });
  });

  /** The visitor is typing (the widget sends this at most every few seconds while they type). */
  api.post("/:key/typing", visitor, async (c) => {
    const channel = c.get("channel");
    const signalled = await visitorTyping(c.get("deps"), channel.id, channel.orgId, c.get("visitorId"));
    return c.json({ ok: true, signalled });
  });

  /**
   * The live stream of this visitor's messages (agent replies, and their own from other tabs) and
   * closings. EventSource cannot send headers: the token and a first cursor come in the query;
   * reconnects send Last-Event-ID.
   */
  api.get("/:key/events", visitor, async (c) => {
    const db = c.get("deps").database.db;
    const channel = c.get("channel");
    const visitorId = c.get("visitorId");
    c.env?.server?.timeout(c.req.raw, 0);
    await bus.start();
    const resume = Number(c.req.header("last-event-id") ?? c.req.query("lastEventId") ?? "");
    let lastSent = Number.isSafeInteger(resume) && resume >= 0 && (c.req.header("last-event-id") ?? c.req.query("lastEventId")) ? resume : null;
    const [latest] = await db.select({ id: max(events.id) }).from(events).where(eq(events.orgId, channel.orgId));
    const newest = latest?.id ?? 0;
    // A resume point far behind (or made up) is not replayed event by event across the whole
    // organization: the widget is told to read its history again instead.
    const stale = lastSent !== null && newest - lastSent > MAX_REPLAY;
    if (lastSent === null || stale) lastSent = newest;
    // Ids commit out of order: the stream skips ids it has seen, not all below the largest.
    const seen = new SeenEvents(lastSent);
    const updateFor = (event: LiveEvent) => {
      let update = updates.get(event.id);
      if (!update) {
        update = widgetUpdate(db, event).catch(() => null);
        updates.set(event.id, update);
        // Every stream of this process asks within moments; then the answer is dropped.
        setTimeout(() => updates.delete(event.id), 30_000).unref?.();
      }
      return update;
    };

    return liveStream(c, async (stream) => {
      const send = sendInOrder(stream, seen, async (event) => {
        if (event.type === "typing") {
          const typing = event.data as Partial<TypingData>;
          const mine = typing.by === "agent" && typing.channelId === channel.id && typing.visitorId === visitorId;
          if (mine && typingIsFresh(event, c.get("deps").clock.now())) stream.write(sseMessage({ id: seen.max, event: "typing", data: JSON.stringify({ name: typing.name ?? "" }) }));
          return;
        }
        if (event.type !== "message_created" && event.type !== "closed") return;
        const update = await updateFor(event);
        if (!update || update.channelId !== channel.id || update.visitorId !== visitorId) return;
        if (update.message) stream.write(sseMessage({ id: seen.max, event: "msg", data: JSON.stringify(update.message) }));
        else stream.write(sseMessage({ id: seen.max, event: "closed", data: JSON.stringify({ conversationId: update.closed }) }));
      });
      if (stale) stream.write(sseMessage({ id: newest, event: "stale", data: "{}" }));
      const unsubscribe = bus.subscribe(channel.orgId, send);
      // Replay what was missed, page by page (the bus may deliver newer events meanwhile; ids dedupe).
      await bus.replay(channel.orgId, { id: lastSent!, xmin: null }, send);
      stream.write(": ready\n\n");
      await keepOpen(stream);
      unsubscribe();
    });
  });

  app.route("/api", api);
  return app;
}
