// The whole Kanal data model (see ../shared/DESIGN.md). Later features fill tables declared here.
import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  bigserial,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";

export const roles = ["admin", "supervisor", "agent"] as const;
export type Role = (typeof roles)[number];
export const agentStatuses = ["online", "offline", "break", "invisible"] as const;
export type AgentStatus = (typeof agentStatuses)[number];
export const channelKinds = ["whatsapp", "messenger", "instagram", "webchat", "support"] as const;
export type ChannelKind = (typeof channelKinds)[number];
export const conversationStatuses = ["open", "closed"] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];
export const conversationTypes = ["chat", "bot", "bulk", "comment", "flow", "poll", "spam"] as const;
export type ConversationType = (typeof conversationTypes)[number];
export const conversationStarters = ["contact", "agent", "automation"] as const;
export type ConversationStarter = (typeof conversationStarters)[number];
export const messageDirections = ["in", "out", "note", "event"] as const;
export type MessageDirection = (typeof messageDirections)[number];
export const messageKinds = ["text", "voice", "image", "video", "audio", "file", "sticker", "location", "template", "reaction", "unsupported", "contacts", "order", "story", "share"] as const;
export type MessageKind = (typeof messageKinds)[number];
export const deliveryStates = ["pending", "sent", "delivered", "read", "failed"] as const;
export type DeliveryState = (typeof deliveryStates)[number];
export const customFieldTypes = ["text", "number", "date", "select", "boolean"] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];
export const locales = ["en", "tr"] as const;

/** How a workgroup hands out its queue: by hand, in turn, or to the least busy Online member. */
export const routingMethods = ["manual", "round_robin", "least_busy"] as const;
export type RoutingMethod = (typeof routingMethods)[number];
export type Locale = (typeof locales)[number];

// Millisecond precision, like JavaScript dates: keyset cursors round-trip exactly.
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date", precision: 3 });
const createdAt = () => ts("created_at").notNull().defaultNow();
const id = () => bigserial("id", { mode: "number" }).primaryKey();
const ref = (name: string) => bigint(name, { mode: "number" });
const orgId = () => ref("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" });
/** A 64-bit transaction id (no wraparound), as text: `pg_current_xact_id()`. */
const xid8 = customType<{ data: string }>({ dataType: () => "xid8" });
/** Which transactions were committed at one instant (`pg_current_snapshot()`), as text. */
const pgSnapshot = customType<{ data: string }>({ dataType: () => "pg_snapshot" });

export type OrganizationSettings = {
  /** Agents see only conversations assigned to them, their workgroups, or unassigned. */
  agentsSeeOnlyOwn?: boolean;
  /** Who may add ledger entries by hand in the Billing widget (default: admins and supervisors). */
  ledgerEntriesBy?: "admins" | "supervisors" | "agents";
  /** Bulk messages: the highest pace (messages per second) a bulk send may choose (default 80). */
  bulkMaxPace?: number;
  /** Bulk messages: replies that opt a contact out (stored upper-cased; default STOP, DUR, İPTAL). */
  optOutKeywords?: string[];
};

export const organizations = pgTable("organizations", {
  id: id(),
  name: text("name").notNull(),
  timezone: text("timezone").notNull().default("Europe/Istanbul"),
  locale: text("locale").$type<Locale>().notNull().default("en"),
  settings: jsonb("settings").$type<OrganizationSettings>().notNull().default({}),
  /**
   * Moved on by triggers (migrations 0002, 0003) whenever the organization's active members, their
   * names, its workgroups, CRM fields or tags change, however they change: read with the session,
   * it tells a process whether the filter choices and tags it keeps are still the organization's.
   */
  rosterVersion: bigint("roster_version", { mode: "number" }).notNull().default(0),
  createdAt: createdAt(),
});

export const brands = pgTable(
  "brands",
  {
    id: id(),
    orgId: orgId(),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("brands_org_name_uq").on(t.orgId, sql`lower(${t.name})`)],
);

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    locale: text("locale").$type<Locale>(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_uq").on(sql`lower(${t.email})`)],
);

export type MembershipPreferences = { sound?: boolean; desktopNotifications?: boolean };

export const memberships = pgTable(
  "memberships",
  {
    id: id(),
    orgId: orgId(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: text("role").$type<Role>().notNull(),
    status: text("status").$type<AgentStatus>().notNull().default("offline"),
    statusChangedAt: ts("status_changed_at").notNull().defaultNow(),
    active: boolean("active").notNull().default(true),
    preferences: jsonb("preferences").$type<MembershipPreferences>().notNull().default({}),
    /**
     * Moved on whenever the member reads a conversation (markRead), in the same statement: what they
     * have read is known unchanged while it holds, and it arrives with the session at no cost.
     */
    readsVersion: bigint("reads_version", { mode: "number" }).notNull().default(0),
    /** Most active conversations routing gives this member; null: each workgroup's own capacity. */
    capacity: integer("capacity"),
    /**
     * The event of this member's latest assignment (or, routed as a conversation opened, an id from
     * the events' sequence taken as they were picked): routing's turn order and tie-break (the longest
     * waiting since their last one goes first). Event ids only grow, where clock times may repeat.
     */
    lastAssignmentId: bigint("last_assignment_id", { mode: "number" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("memberships_org_user_uq").on(t.orgId, t.userId),
    index("memberships_user_idx").on(t.userId),
  ],
);

/** lucia v3 sessions; `orgId` is the organization picked after sign-in. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    expiresAt: ts("expires_at").notNull(),
    orgId: ref("org_id").references(() => organizations.id, { onDelete: "set null" }),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** One-time links that let an invited user set a password (or reset it). Only the hash is stored. */
export const passwordTokens = pgTable("password_tokens", {
  id: id(),
  tokenHash: text("token_hash").notNull().unique(),
  userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  orgId: orgId(),
  expiresAt: ts("expires_at").notNull(),
  usedAt: ts("used_at"),
  createdAt: createdAt(),
});

/**
 * An organization's invitation to someone who already has a Kanal account: it becomes a membership
 * only when that person accepts it after signing in, so no organization can add another's user alone.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: id(),
    orgId: orgId(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: text("role").$type<Role>().notNull(),
    workgroupIds: jsonb("workgroup_ids").$type<number[]>().notNull().default([]),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("invitations_org_user_uq").on(t.orgId, t.userId), index("invitations_user_idx").on(t.userId)],
);

/** Failed sign-ins, counted per key (email, address) in a sliding window; shared by all processes. */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: id(),
    key: text("key").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("login_attempts_key_idx").on(t.key, t.createdAt)],
);

/**
 * The WebChat widget's request budgets, one row per key (channel and visitor or address) and fixed
 * window, shared by every process; old windows are overwritten by the next hit.
 */
export const widgetBudgets = pgTable("widget_budgets", {
  key: text("key").primaryKey(),
  windowStart: ts("window_start").notNull(),
  hits: integer("hits").notNull(),
});

export const workgroups = pgTable(
  "workgroups",
  {
    id: id(),
    orgId: orgId(),
    name: text("name").notNull(),
    routing: text("routing").$type<RoutingMethod>().notNull().default("manual"),
    /** Active conversations routing gives a member at most, unless the member has their own. */
    capacity: integer("capacity").notNull().default(5),
    /** How long a returning customer's conversation waits for their Online owner; 0: the group at once. */
    ownerWaitMinutes: integer("owner_wait_minutes").notNull().default(0),
    /** A member going Break or Offline gives their not-yet-answered conversations back to the queue. */
    returnOnAway: boolean("return_on_away").notNull().default(false),
    /** Re-route a conversation with no agent reply this long after assignment; null: never. */
    rerouteMinutes: integer("reroute_minutes"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("workgroups_org_name_uq").on(t.orgId, sql`lower(${t.name})`)],
);

export const workgroupMembers = pgTable(
  "workgroup_members",
  {
    workgroupId: ref("workgroup_id").notNull().references(() => workgroups.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.workgroupId, t.userId] }), index("workgroup_members_user_idx").on(t.userId)],
);

export const channels = pgTable(
  "channels",
  {
    id: id(),
    orgId: orgId(),
    brandId: ref("brand_id").references(() => brands.id, { onDelete: "set null" }),
    kind: text("kind").$type<ChannelKind>().notNull(),
    name: text("name").notNull(),
    /** Public, non-secret settings (phone number id, page id, allowed origins, …). */
    config: jsonb("config").$type<Record<string, unknown>>().notNull().default({}),
    /** Secrets sealed with AES-GCM under the key from the environment; never shown back in full. */
    secrets: text("secrets"),
    /** Random path segment of the channel's webhook URL. */
    webhookKey: text("webhook_key").notNull().unique(),
    active: boolean("active").notNull().default(true),
    /** New conversations of this channel go to this workgroup's queue (and its routing). */
    workgroupId: ref("workgroup_id").references(() => workgroups.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("channels_org_idx").on(t.orgId, t.kind)],
);

export const contacts = pgTable(
  "contacts",
  {
    id: id(),
    orgId: orgId(),
    name: text("name").notNull(),
    phone: text("phone"),
    email: text("email"),
    customFields: jsonb("custom_fields").$type<Record<string, unknown>>().notNull().default({}),
    ownerId: text("owner_id").references(() => users.id, { onDelete: "set null" }),
    /** The organization's own id for the contact (its CRM's, its shop's): the billing API and imports find contacts by it. */
    externalId: text("external_id"),
    /** Set when an agent or a rule marked one of the contact's conversations as spam: its messages go to a spam conversation. */
    blockedAt: ts("blocked_at"),
    blockedBy: text("blocked_by").references(() => users.id, { onDelete: "set null" }),
    /** Set when the contact replied an opt-out keyword (or an agent opted them out): bulk sends skip them. */
    bulkOptedOutAt: ts("bulk_opted_out_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("contacts_blocked_idx").on(t.orgId, t.blockedAt).where(sql`${t.blockedAt} is not null`),
    index("contacts_org_name_idx").on(t.orgId, sql`lower(${t.name})`),
    index("contacts_org_phone_idx").on(t.orgId, t.phone),
    uniqueIndex("contacts_org_external_id_uq").on(t.orgId, t.externalId),
    index("contacts_org_email_idx").on(t.orgId, sql`lower(${t.email})`),
    index("contacts_custom_fields_idx").using("gin", t.customFields),
    // The inbox search matches names and phone numbers anywhere in them (`ilike '%term%'`).
    index("contacts_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops")).with({ fastupdate: false }),
    index("contacts_phone_trgm_idx").using("gin", t.phone.op("gin_trgm_ops")).with({ fastupdate: false }),
  ],
);

export const contactIdentities = pgTable(
  "contact_identities",
  {
    id: id(),
    orgId: orgId(),
    contactId: ref("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    channelId: ref("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    externalId: text("external_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("contact_identities_channel_external_uq").on(t.channelId, t.externalId),
    index("contact_identities_contact_idx").on(t.contactId),
  ],
);

export type ClosingTemplate = { name: string; language: string; parameters: string[] };

export const closingMessages = pgTable(
  "closing_messages",
  {
    id: id(),
    orgId: orgId(),
    /** Built-in messages carry a catalog key so they read in the agent's language; custom ones a body. */
    builtinKey: text("builtin_key"),
    body: text("body").notNull(),
    /**
     * The WhatsApp template sent instead once the 24-hour window has passed (free text would be
     * refused): its name, language and {{n}} parameters, which may use {{contact.name}} etc.
     */
    template: jsonb("template").$type<ClosingTemplate>(),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("closing_messages_builtin_uq").on(t.orgId, t.builtinKey)],
);

export const conversations = pgTable(
  "conversations",
  {
    id: id(),
    orgId: orgId(),
    contactId: ref("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    channelId: ref("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    status: text("status").$type<ConversationStatus>().notNull().default("open"),
    type: text("type").$type<ConversationType>().notNull().default("chat"),
    startedBy: text("started_by").$type<ConversationStarter>().notNull().default("contact"),
    assigneeId: text("assignee_id").references(() => users.id, { onDelete: "set null" }),
    workgroupId: ref("workgroup_id").references(() => workgroups.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    // The last action on the conversation: a message, or an assignment, joining, closing (its row moves
    // up the lists ordered by activity). The column keeps its first name.
    lastMessageAt: ts("last_message_at").notNull().defaultNow(),
    lastMessagePreview: text("last_message_preview").notNull().default(""),
    lastInboundAt: ts("last_inbound_at"),
    /** Set while the contact's latest message awaits a reply ("longest waiting" sort). */
    waitingSince: ts("waiting_since"),
    assignedAt: ts("assigned_at"),
    firstResponseAt: ts("first_response_at"),
    closedAt: ts("closed_at"),
    closedBy: text("closed_by").references(() => users.id, { onDelete: "set null" }),
    closingMessageId: ref("closing_message_id").references(() => closingMessages.id, { onDelete: "set null" }),
    reactivatedFromId: ref("reactivated_from_id"),
    /** Reply-window state kept current by a job: until when free-form replies may go out. */
    replyWindowEndsAt: ts("reply_window_ends_at"),
    /** A comment thread's post (type `comment`): one thread per commenter and post. */
    postId: ref("post_id").references(() => commentPosts.id, { onDelete: "set null" }),
    /** Snoozed (still open) until then: out of Open and Assigned, back by itself then or when the customer writes. */
    snoozedUntil: ts("snoozed_until"),
    /** When it was snoozed: a customer's message after this wakes it. */
    snoozedAt: ts("snoozed_at"),
    snoozedBy: text("snoozed_by").references(() => users.id, { onDelete: "set null" }),
    /** Where the customer came from: the click-to-WhatsApp / click-to-Messenger ad (or post) that opened it (channels/referrals.ts). */
    referral: jsonb("referral").$type<Record<string, unknown>>(),
  },
  (t) => [
    // The snooze job's due conversations, soonest first.
    index("conversations_snoozed_idx").on(t.snoozedUntil).where(sql`${t.snoozedUntil} is not null`),
    // The rule "one open conversation per contact" lives in the database, not only in code. Comment
    // threads stand beside it: one open per contact and post (src/comments/).
    uniqueIndex("conversations_one_open_per_contact_uq").on(t.contactId).where(sql`${t.status} = 'open' and ${t.type} <> 'comment'`),
    uniqueIndex("conversations_one_open_comment_thread_uq").on(t.contactId, t.postId).where(sql`${t.status} = 'open' and ${t.type} = 'comment'`),
    // Inbox tabs: Open / Assigned / Closed / All ordered by last activity, keyset on (last_message_at, id).
    index("conversations_tab_idx").on(t.orgId, t.status, t.lastMessageAt.desc(), t.id.desc()),
    index("conversations_assignee_idx").on(t.orgId, t.assigneeId, t.status, t.lastMessageAt.desc(), t.id.desc()),
    index("conversations_org_activity_idx").on(t.orgId, t.lastMessageAt.desc(), t.id.desc()),
    index("conversations_workgroup_idx").on(t.orgId, t.workgroupId, t.status, t.lastMessageAt.desc()),
    // A workgroup's queue (in the group, nobody assigned), oldest waiting first.
    index("conversations_queue_idx").on(t.workgroupId, t.waitingSince, t.id).where(sql`${t.status} = 'open' and ${t.assigneeId} is null and ${t.workgroupId} is not null`),
    index("conversations_channel_idx").on(t.orgId, t.channelId, t.status, t.lastMessageAt.desc()),
    index("conversations_created_idx").on(t.orgId, t.createdAt.desc(), t.id.desc()),
    index("conversations_waiting_idx").on(t.orgId, t.waitingSince).where(sql`${t.waitingSince} is not null`),
    index("conversations_contact_idx").on(t.contactId, t.createdAt.desc()),
    index("conversations_type_idx").on(t.orgId, t.type, t.lastMessageAt.desc()).where(sql`${t.type} <> 'chat'`),
    index("conversations_referral_idx").on(t.orgId, t.lastMessageAt.desc()).where(sql`${t.referral} is not null`),
  ],
);

/**
 * A Facebook Page post or an Instagram media that people commented on: what a comment thread shows
 * at its top. Filled from the webhook and, best effort, from the Graph API (text, picture).
 */
export const commentPosts = pgTable(
  "comment_posts",
  {
    id: id(),
    orgId: orgId(),
    channelId: ref("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    /** The provider's id: `{page}_{post}` for Facebook, the media id for Instagram. */
    providerPostId: text("provider_post_id").notNull(),
    permalink: text("permalink"),
    /** The post's text or caption (an excerpt). */
    body: text("body").notNull().default(""),
    /** The post's picture, copied into Kanal's storage (Meta's URLs expire). */
    imageKey: text("image_key"),
    imageMime: text("image_mime"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("comment_posts_channel_post_uq").on(t.channelId, t.providerPostId)],
);

/**
 * Each organization's inbox tab counts, kept by triggers on `conversations` (migration 0006; spam left out since
 * the spam migration), so the tabs never count a whole organization. Spread over a few rows per organization (by the
 * writing connection) so that concurrent changes seldom wait for each other's row lock, and a
 * transaction locks one of them however many conversations it changes; the counts are their sums.
 * Kanal's support line is not counted, as the inbox lists it apart.
 */
export const conversationTabCounts = pgTable(
  "conversation_tab_counts",
  {
    orgId: orgId(),
    shard: integer("shard").notNull(),
    /** Open and unassigned. */
    open: integer("open").notNull().default(0),
    /** Open and assigned to someone. */
    assigned: integer("assigned").notNull().default(0),
    closed: integer("closed").notNull().default(0),
    /** Open and snoozed (assigned or not): counted here instead of in Open or Assigned. */
    snoozed: integer("snoozed").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.shard] })],
);

export const conversationParticipants = pgTable(
  "conversation_participants",
  {
    conversationId: ref("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    joinedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.userId] })],
);

/** Per agent, when each conversation was last read: the unread marker and filter. */
export const conversationReads = pgTable(
  "conversation_reads",
  {
    conversationId: ref("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    readAt: ts("read_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.conversationId] })],
);

export const messages = pgTable(
  "messages",
  {
    id: id(),
    orgId: orgId(),
    conversationId: ref("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    channelId: ref("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    direction: text("direction").$type<MessageDirection>().notNull(),
    authorId: text("author_id").references(() => users.id, { onDelete: "set null" }),
    kind: text("kind").$type<MessageKind>().notNull().default("text"),
    body: text("body").notNull().default(""),
    providerMessageId: text("provider_message_id"),
    replyToId: ref("reply_to_id"),
    delivery: text("delivery").$type<DeliveryState>(),
    errorCode: text("error_code"),
    errorText: text("error_text"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    sentAt: ts("sent_at"),
    deliveredAt: ts("delivered_at"),
    readAt: ts("read_at"),
  },
  (t) => [
    uniqueIndex("messages_channel_provider_id_uq").on(t.channelId, t.providerMessageId),
    index("messages_conversation_idx").on(t.conversationId, t.id),
    // The inbox search's `body ilike '%term%'` finds a rare term's few messages through trigrams
    // (searchCondition in src/inbox/search.ts). Written at each insert rather than through GIN's
    // pending list, so no inbound message pays for merging a full list (why 0005 dropped the unused
    // full-text index that was here).
    index("messages_body_trgm_idx").using("gin", t.body.op("gin_trgm_ops")).with({ fastupdate: false }),
  ],
);

export const attachments = pgTable(
  "attachments",
  {
    id: id(),
    orgId: orgId(),
    messageId: ref("message_id").references(() => messages.id, { onDelete: "cascade" }),
    /** Set for files kept in a contact's file box (and for every media message, for the gallery). */
    contactId: ref("contact_id").references(() => contacts.id, { onDelete: "cascade" }),
    storageKey: text("storage_key").notNull(),
    filename: text("filename").notNull(),
    mime: text("mime").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    durationMs: integer("duration_ms"),
    uploadedBy: text("uploaded_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("attachments_message_idx").on(t.messageId), index("attachments_contact_idx").on(t.contactId, t.createdAt.desc())],
);

/** Durable queue of sends: a crash between enqueue and send loses nothing. */
export const outbox = pgTable(
  "outbox",
  {
    id: id(),
    orgId: orgId(),
    messageId: ref("message_id").notNull().references(() => messages.id, { onDelete: "cascade" }),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    lockedUntil: ts("locked_until"),
    /** Set when a claim ran out mid-send: the row then waits (until next_attempt_at) for the provider's proof of the send. */
    interruptedAt: ts("interrupted_at"),
    lastError: text("last_error"),
    doneAt: ts("done_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("outbox_message_uq").on(t.messageId),
    index("outbox_due_idx").on(t.nextAttemptAt).where(sql`${t.doneAt} is null`),
  ],
);

/** Raw webhook deliveries, stored before they are acknowledged and processed from here. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    channelId: ref("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    body: text("body").notNull(),
    receivedAt: createdAt(),
    processedAt: ts("processed_at"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    lastError: text("last_error"),
    /** Set when the delivery ran out of attempts: parked, shown to admins with its reason, retried only by hand. */
    failedAt: ts("failed_at"),
  },
  (t) => [
    index("webhook_deliveries_pending_idx").on(t.nextAttemptAt).where(sql`${t.processedAt} is null and ${t.failedAt} is null`),
    index("webhook_deliveries_failed_idx").on(t.channelId, t.failedAt.desc()).where(sql`${t.failedAt} is not null`),
    // The oldest first, for the retention job (removeOldDeliveries).
    index("webhook_deliveries_received_idx").on(t.receivedAt),
  ],
);

/**
 * What a channel's webhooks carried that Kanal did not handle (an unknown field, change or message
 * type, an entry naming another account id), counted per kind with the latest example; the raw
 * bodies stay in webhook_deliveries (channels/unhandled.ts).
 */
export const webhookUnhandled = pgTable(
  "webhook_unhandled",
  {
    id: id(),
    channelId: ref("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    count: integer("count").notNull().default(0),
    example: text("example").notNull().default(""),
    deliveryId: ref("delivery_id"),
    createdAt: createdAt(),
    lastAt: ts("last_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("webhook_unhandled_channel_kind_uq").on(t.channelId, t.kind)],
);

/**
 * An inbound message's file that could not be fetched yet: tried again with backoff a bounded
 * number of times, then left failed for an agent to retry (channels/media-downloads.ts). The
 * message itself is stored at once, without waiting for its file.
 */
export const mediaDownloads = pgTable(
  "media_downloads",
  {
    messageId: ref("message_id").primaryKey().references(() => messages.id, { onDelete: "cascade" }),
    orgId: orgId(),
    channelId: ref("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    ref: jsonb("ref").$type<Record<string, unknown>>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    lastError: text("last_error"),
    failedAt: ts("failed_at"),
  },
  (t) => [index("media_downloads_due_idx").on(t.nextAttemptAt).where(sql`${t.failedAt} is null`)],
);

export const quickReplies = pgTable(
  "quick_replies",
  {
    id: id(),
    orgId: orgId(),
    /** Null for a reply shared with the whole organization; a user id for a personal one. */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("quick_replies_org_idx").on(t.orgId, t.userId)],
);

export const tags = pgTable(
  "tags",
  {
    id: id(),
    orgId: orgId(),
    name: text("name").notNull(),
    color: text("color").notNull().default("#64748b"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("tags_org_name_uq").on(t.orgId, sql`lower(${t.name})`)],
);

export const conversationTags = pgTable(
  "conversation_tags",
  {
    conversationId: ref("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    tagId: ref("tag_id").notNull().references(() => tags.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.tagId] }), index("conversation_tags_tag_idx").on(t.tagId)],
);

/** Notes live on the contact so they show in every later conversation with it. */
export const notes = pgTable(
  "notes",
  {
    id: id(),
    orgId: orgId(),
    contactId: ref("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    conversationId: ref("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    authorId: text("author_id").references(() => users.id, { onDelete: "set null" }),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("notes_contact_idx").on(t.contactId, t.createdAt.desc())],
);

/**
 * A colleague named with @ in an internal note. Unread (read_at null) mentions are the person's
 * Mentions view; opening the conversation reads them. A mention is written only for someone who
 * may see the conversation (src/inbox/mentions.ts): it never opens a conversation to anyone.
 */
export const mentions = pgTable(
  "mentions",
  {
    id: id(),
    orgId: orgId(),
    messageId: ref("message_id").notNull().references(() => messages.id, { onDelete: "cascade" }),
    conversationId: ref("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    authorId: text("author_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    readAt: ts("read_at"),
  },
  (t) => [
    uniqueIndex("mentions_message_user_uq").on(t.messageId, t.userId),
    index("mentions_unread_idx").on(t.orgId, t.userId, t.id).where(sql`${t.readAt} is null`),
    index("mentions_conversation_idx").on(t.conversationId, t.userId),
  ],
);

/** CRM field definitions; values live in `contacts.custom_fields` under `key`. */
export const customFields = pgTable(
  "custom_fields",
  {
    id: id(),
    orgId: orgId(),
    key: text("key").notNull(),
    label: text("label").notNull(),
    type: text("type").$type<CustomFieldType>().notNull(),
    options: jsonb("options").$type<string[]>().notNull().default([]),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("custom_fields_org_key_uq").on(t.orgId, t.key)],
);

export const ledgerKinds = ["charge", "payment", "refund", "adjustment"] as const;
export type LedgerKind = (typeof ledgerKinds)[number];
export const ledgerSources = ["manual", "api", "import", "payment_link"] as const;
export type LedgerSource = (typeof ledgerSources)[number];
export const paymentLinkStatuses = ["pending", "paid", "expired", "cancelled"] as const;
export type PaymentLinkStatus = (typeof paymentLinkStatuses)[number];
export const paymentProviderKinds = ["stripe", "iyzico"] as const;
export type PaymentProviderKind = (typeof paymentProviderKinds)[number];
export const apiScopes = ["ledger:write", "balance:read"] as const;
export type ApiScope = (typeof apiScopes)[number];

/**
 * What a contact owes and paid, one immutable row per movement (migration 0009 refuses updates and
 * deletes; a correction is a new entry). `amount_minor` is signed in minor units: what the contact
 * owes goes up with a charge or a refund and down with a payment; an adjustment goes either way.
 */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: id(),
    orgId: orgId(),
    contactId: ref("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    kind: text("kind").$type<LedgerKind>().notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    /** ISO-4217, upper case. */
    currency: text("currency").notNull(),
    description: text("description").notNull().default(""),
    /** The caller's own reference (invoice number, order id). */
    externalRef: text("external_ref"),
    /** The same key twice in an organization is stored once. */
    idempotencyKey: text("idempotency_key").notNull(),
    source: text("source").$type<LedgerSource>().notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    apiTokenId: ref("api_token_id").references(() => apiTokens.id, { onDelete: "set null" }),
    paymentLinkId: ref("payment_link_id").references(() => paymentLinks.id, { onDelete: "set null" }),
    /** When it happened (an imported line's date); the list is ordered by it. */
    occurredAt: ts("occurred_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("ledger_entries_org_key_uq").on(t.orgId, t.idempotencyKey),
    index("ledger_entries_contact_idx").on(t.contactId, t.occurredAt.desc(), t.id.desc()),
    check("ledger_entries_currency_ck", sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check("ledger_entries_kind_ck", sql`${t.kind} in ('charge', 'payment', 'refund', 'adjustment')`),
  ],
);

/** Each contact's balance per currency, kept by a trigger on ledger_entries (migration 0009): the database's own sum. */
export const ledgerBalances = pgTable(
  "ledger_balances",
  {
    contactId: ref("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    currency: text("currency").notNull(),
    orgId: orgId(),
    balanceMinor: bigint("balance_minor", { mode: "number" }).notNull(),
    entries: integer("entries").notNull(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.currency] })],
);

/** An organization's payment provider: public settings, sealed credentials, the webhook's random path. */
export const paymentProviders = pgTable("payment_providers", {
  id: id(),
  orgId: ref("org_id")
    .notNull()
    .unique()
    .references(() => organizations.id, { onDelete: "cascade" }),
  kind: text("kind").$type<PaymentProviderKind>().notNull(),
  /** Base URL of the provider's API (the fake's, in the demo), and other non-secret settings. */
  config: jsonb("config").$type<Record<string, unknown>>().notNull().default({}),
  secrets: text("secrets"),
  webhookKey: text("webhook_key").notNull().unique(),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export const paymentLinks = pgTable(
  "payment_links",
  {
    id: id(),
    orgId: orgId(),
    contactId: ref("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    conversationId: ref("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    providerId: ref("provider_id").references(() => paymentProviders.id, { onDelete: "set null" }),
    provider: text("provider").$type<PaymentProviderKind>().notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    description: text("description").notNull(),
    status: text("status").$type<PaymentLinkStatus>().notNull().default("pending"),
    /** Sent to the provider as its idempotency key and correlation id. */
    reference: text("reference").notNull().unique(),
    /** Checkout Session id (Stripe) or iyzilink token (iyzico). */
    providerLinkId: text("provider_link_id").notNull(),
    /** The provider's id of the payment that paid it: one payment per link, one link per payment. */
    providerPaymentId: text("provider_payment_id"),
    url: text("url").notNull(),
    expiresAt: ts("expires_at").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    paidAt: ts("paid_at"),
    closedAt: ts("closed_at"),
  },
  (t) => [
    index("payment_links_contact_idx").on(t.contactId, t.createdAt.desc()),
    uniqueIndex("payment_links_provider_link_uq").on(t.provider, t.providerLinkId),
    uniqueIndex("payment_links_provider_payment_uq").on(t.provider, t.providerPaymentId),
    index("payment_links_pending_idx").on(t.expiresAt).where(sql`${t.status} = 'pending'`),
  ],
);

/** Verified provider notifications, raw, each applied once (keyed by the provider's event id). */
export const paymentNotifications = pgTable(
  "payment_notifications",
  {
    id: id(),
    orgId: orgId(),
    providerId: ref("provider_id").notNull().references(() => paymentProviders.id, { onDelete: "cascade" }),
    eventKey: text("event_key").notNull(),
    body: text("body").notNull(),
    /** What applying it did: paid, expired, ignored, unknown_link. */
    outcome: text("outcome").notNull(),
    receivedAt: createdAt(),
  },
  (t) => [uniqueIndex("payment_notifications_event_uq").on(t.providerId, t.eventKey)],
);

/** Organization API tokens: only a hash is stored; the token is shown once. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: id(),
    orgId: orgId(),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** The first characters, to recognise a token in the list. */
    prefix: text("prefix").notNull(),
    scopes: jsonb("scopes").$type<ApiScope[]>().notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
    /** Fixed-window rate limit, counted in the same statement that records the use. */
    windowStart: ts("window_start"),
    windowCount: integer("window_count").notNull().default(0),
  },
  (t) => [index("api_tokens_org_idx").on(t.orgId)],
);

export const ledgerImportStatuses = ["draft", "queued", "running", "done"] as const;
export type LedgerImportStatus = (typeof ledgerImportStatuses)[number];
export const csvDelimiters = [",", ";", "\t"] as const;
export type CsvDelimiter = (typeof csvDelimiters)[number];
export const decimalMarks = ["comma", "dot"] as const;
export type DecimalMark = (typeof decimalMarks)[number];

/**
 * Admin → Import: a CSV file of ledger entries, kept whole (so any process can carry on a run a
 * crash cut off), how it is read, and how far its run has come. A draft is only previewed; a run
 * moves `processed` together with the entries of each batch, in one transaction.
 */
export const ledgerImports = pgTable(
  "ledger_imports",
  {
    id: id(),
    orgId: orgId(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    fileName: text("file_name").notNull(),
    /** The file's text, decoded (UTF-8 with or without a byte order mark, or Windows-1254). */
    content: text("content").notNull(),
    encoding: text("encoding").$type<"utf-8" | "utf-8-bom" | "windows-1254">().notNull(),
    delimiter: text("delimiter").$type<CsvDelimiter>().notNull(),
    decimalMark: text("decimal_mark").$type<DecimalMark>().notNull(),
    status: text("status").$type<LedgerImportStatus>().notNull().default("draft"),
    /** Data lines in the file (the header not counted), and those the last check or run found wrong. */
    totalLines: integer("total_lines").notNull().default(0),
    problemLines: integer("problem_lines").notNull().default(0),
    /** Lines whose reference an earlier import (or this one, before a crash) already stored. */
    unchangedLines: integer("unchanged_lines").notNull().default(0),
    processed: integer("processed").notNull().default(0),
    added: integer("added").notNull().default(0),
    startedBy: text("started_by").references(() => users.id, { onDelete: "set null" }),
    /** The process running it holds the lease; another takes over once it has passed. */
    leaseToken: text("lease_token"),
    leaseUntil: ts("lease_until"),
    createdAt: createdAt(),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
  },
  (t) => [
    index("ledger_imports_org_idx").on(t.orgId, t.id.desc()),
    index("ledger_imports_unfinished_idx").on(t.leaseUntil).where(sql`${t.status} in ('queued', 'running')`),
  ],
);

/** The lines of an import that cannot become entries, with why (a reason code and the value at fault). */
export const ledgerImportProblems = pgTable(
  "ledger_import_problems",
  {
    importId: ref("import_id")
      .notNull()
      .references(() => ledgerImports.id, { onDelete: "cascade" }),
    line: integer("line").notNull(),
    reason: text("reason").notNull(),
    detail: text("detail").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.importId, t.line] })],
);

/** Append-only log of every state change: realtime replay and cockpit metrics read it. */
export const events = pgTable(
  "events",
  {
    id: id(),
    orgId: orgId(),
    type: text("type").notNull(),
    conversationId: ref("conversation_id"),
    actorId: text("actor_id"),
    subjectUserId: text("subject_user_id"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    /**
     * The writing transaction. Ids are taken before commit, so they do not tell what became visible
     * since a moment; the transaction does (see src/cockpit/metrics.ts).
     */
    txid: xid8("txid").notNull().default(sql`pg_current_xact_id()`),
  },
  (t) => [
    index("events_org_id_idx").on(t.orgId, t.id),
    index("events_org_type_time_idx").on(t.orgId, t.type, t.createdAt),
    index("events_conversation_idx").on(t.conversationId),
    // The metrics job's "committed since my last run" scan, over the types the cockpit and the
    // reports count.
    index("events_metrics_txid_idx")
      .on(t.orgId, t.txid)
      .where(sql`${t.type} in ('first_response', 'closed', 'reactivated', 'forwarded', 'conversation_created', 'message_created', 'poll_answered')`),
    // The housekeeping's delete of old typing signals (src/inbox/typing.ts), across organizations;
    // small, as the job keeps only minutes of them.
    index("events_typing_time_idx").on(t.createdAt).where(sql`${t.type} = 'typing'`),
    // The workflow engine's "committed since my last pass" scan, over the types rules trigger on.
    index("events_automation_txid_idx")
      .on(t.txid)
      .where(sql`${t.type} in ('conversation_created', 'message_created', 'assigned', 'closed', 'tagged', 'untagged', 'contact_updated')`),
  ],
);

/** Cockpit sums per organization, agent, day (in the organization's timezone) and channel. */
export const agentDailyStats = pgTable(
  "agent_daily_stats",
  {
    orgId: orgId(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    channelId: ref("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    firstResponseMsSum: bigint("first_response_ms_sum", { mode: "number" }).notNull().default(0),
    firstResponseCount: integer("first_response_count").notNull().default(0),
    resolutionMsSum: bigint("resolution_ms_sum", { mode: "number" }).notNull().default(0),
    resolutionCount: integer("resolution_count").notNull().default(0),
    resolved: integer("resolved").notNull().default(0),
    reactivated: integer("reactivated").notNull().default(0),
    forwarded: integer("forwarded").notNull().default(0),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId, t.day, t.channelId] })],
);

/**
 * Which of agent, channel and workgroup a report row keeps (the others summed over): bits 4, 2 and 1.
 * A report reads one grain per table (src/reports/grains.ts): a 90-day report of the whole
 * organization reads about 90 × (agents + channels + workgroups + 1) rows, not one per agent,
 * channel and workgroup together. The job keeps the organization, each of the three alone, channel ×
 * workgroup (small) and all three; agent × channel and agent × workgroup, nearly as many rows as all
 * three, are read from all three (a filtered report, fewer rows).
 */
export const REPORT_AGENT = 4;
export const REPORT_CHANNEL = 2;
export const REPORT_WORKGROUP = 1;
export const REPORT_ALL = REPORT_AGENT | REPORT_CHANNEL | REPORT_WORKGROUP;
export const KEPT_GRAINS: readonly number[] = [0, REPORT_WORKGROUP, REPORT_CHANNEL, REPORT_CHANNEL | REPORT_WORKGROUP, REPORT_AGENT, REPORT_ALL];

/**
 * Report sums per organization, grain, day (in the organization's time zone) and the grain's agent,
 * channel and workgroup, kept by the metrics job beside agent_daily_stats from the same events
 * (src/reports/aggregates.ts). Columns the grain sums over hold '' and 0, as do "nobody" and "no
 * workgroup" in columns it keeps (the grain tells them apart). Plain ids, not references: a report
 * of last year still counts an agent, channel or workgroup deleted since.
 */
export const reportDailyStats = pgTable(
  "report_daily_stats",
  {
    orgId: orgId(),
    grain: integer("grain").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    userId: text("user_id").notNull().default(""),
    channelId: ref("channel_id").notNull().default(0),
    workgroupId: ref("workgroup_id").notNull().default(0),
    opened: integer("opened").notNull().default(0),
    closed: integer("closed").notNull().default(0),
    reactivated: integer("reactivated").notNull().default(0),
    forwarded: integer("forwarded").notNull().default(0),
    messagesIn: integer("messages_in").notNull().default(0),
    messagesOut: integer("messages_out").notNull().default(0),
    firstResponseMsSum: bigint("first_response_ms_sum", { mode: "number" }).notNull().default(0),
    firstResponseCount: integer("first_response_count").notNull().default(0),
    resolutionMsSum: bigint("resolution_ms_sum", { mode: "number" }).notNull().default(0),
    resolutionCount: integer("resolution_count").notNull().default(0),
    /** Satisfaction survey answers given that day (ratings 1–5 summed, and their number). */
    satisfactionSum: integer("satisfaction_sum").notNull().default(0),
    satisfactionCount: integer("satisfaction_count").notNull().default(0),
  },
  // A report reads one grain's days in a range: the key leads with them. Migration 0018 adds the
  // counters to the key's index (INCLUDE), so that read never visits the table, and ndistinct
  // statistics on the key's columns (drizzle declares neither).
  (t) => [primaryKey({ name: "report_daily_stats_pkey", columns: [t.orgId, t.grain, t.day, t.userId, t.channelId, t.workgroupId] })],
);

/**
 * Histograms beside each report_daily_stats row (same key), for what a sum cannot give: first
 * response and resolution times counted per log-spaced bucket (element i: bucket i − 1, see
 * TIME_BUCKET_EDGES_MS; trailing empty buckets left off), the day's own and the running total of
 * every day of the row's agent, channel and workgroup up to it, so a range's histogram is
 * run(last day) − run(first day) + day(first day): two rows per key whatever the range's length.
 * And inbound messages per local hour of the day (24 elements), for the heatmap.
 */
export const reportDailyHistograms = pgTable(
  "report_daily_histograms",
  {
    orgId: orgId(),
    grain: integer("grain").notNull(),
    userId: text("user_id").notNull().default(""),
    channelId: ref("channel_id").notNull().default(0),
    workgroupId: ref("workgroup_id").notNull().default(0),
    day: date("day", { mode: "string" }).notNull(),
    firstResponseDay: integer("first_response_day").array().notNull().default(sql`'{}'`),
    firstResponseRun: integer("first_response_run").array().notNull().default(sql`'{}'`),
    resolutionDay: integer("resolution_day").array().notNull().default(sql`'{}'`),
    resolutionRun: integer("resolution_run").array().notNull().default(sql`'{}'`),
    inboundHours: integer("inbound_hours").array().notNull().default(sql`'{}'`),
  },
  // The job finds a key's latest row before a day and its rows from a day on: the key, then the day.
  (t) => [primaryKey({ name: "report_daily_histograms_pkey", columns: [t.orgId, t.grain, t.userId, t.channelId, t.workgroupId, t.day] })],
);

/**
 * How far the metrics job has counted an organization's events into agent_daily_stats: the snapshot
 * its last run read them with (every event visible in it is counted, no other). None yet: the next
 * run rebuilds today.
 */
export const agentStatsWatermarks = pgTable("agent_stats_watermarks", {
  orgId: ref("org_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  snapshot: pgSnapshot("snapshot"),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** Each periodic job tick is claimed once across processes. */
export const jobRuns = pgTable(
  "job_runs",
  {
    job: text("job").notNull(),
    scheduledFor: ts("scheduled_for").notNull(),
    startedAt: createdAt(),
    finishedAt: ts("finished_at"),
    error: text("error"),
  },
  (t) => [primaryKey({ columns: [t.job, t.scheduledFor] })],
);

/** Opening hours of a week: per weekday (0 Sunday … 6 Saturday) a list of "HH:MM" spans. */
export type WeeklyHours = Record<string, { from: string; to: string }[]>;

/**
 * Business hours of an organization (workgroup_id null, read in its time zone) or a workgroup's own
 * override, with the dates ("YYYY-MM-DD", local) the business is closed.
 */
export const businessHours = pgTable(
  "business_hours",
  {
    id: id(),
    orgId: orgId(),
    workgroupId: ref("workgroup_id").references(() => workgroups.id, { onDelete: "cascade" }),
    weekly: jsonb("weekly").$type<WeeklyHours>().notNull().default({}),
    holidays: jsonb("holidays").$type<string[]>().notNull().default([]),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("business_hours_scope_uq").on(t.orgId, sql`coalesce(${t.workgroupId}, 0)`)],
);

export const automatedReplyKinds = ["out_of_office", "welcome"] as const;
export type AutomatedReplyKind = (typeof automatedReplyKinds)[number];

/** A channel's out-of-office reply or welcome message, sent at most once per conversation within `gap_minutes`. */
export const automatedReplies = pgTable(
  "automated_replies",
  {
    id: id(),
    orgId: orgId(),
    channelId: ref("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    kind: text("kind").$type<AutomatedReplyKind>().notNull(),
    body: text("body").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    gapMinutes: integer("gap_minutes").notNull().default(720),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("automated_replies_channel_kind_uq").on(t.channelId, t.kind)],
);

/** Admin → Workflows: ordered rules, each a trigger, conditions (all must hold) and actions applied in order. */
export const workflows = pgTable(
  "workflows",
  {
    id: id(),
    orgId: orgId(),
    name: text("name").notNull(),
    position: integer("position").notNull().default(0),
    enabled: boolean("enabled").notNull().default(true),
    trigger: jsonb("trigger").$type<Record<string, unknown>>().notNull(),
    conditions: jsonb("conditions").$type<Record<string, unknown>[]>().notNull().default([]),
    actions: jsonb("actions").$type<Record<string, unknown>[]>().notNull().default([]),
    /** "Stop here": later rules are not considered for an event this rule matched. */
    stopAfter: boolean("stop_after").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("workflows_org_idx").on(t.orgId, t.position)],
);

/**
 * One rule applied to one conversation for one event: the engine's durable state. Workers claim
 * due runs (FOR UPDATE SKIP LOCKED) and apply one action per transaction together with moving
 * next_action, so a crash resumes at the next action. A rule's actions are copied in when the run is
 * made, so editing the rule never changes a run half done. `key` makes a run once per rule and event.
 */
export const workflowRuns = pgTable(
  "workflow_runs",
  {
    id: id(),
    orgId: orgId(),
    key: text("key").notNull(),
    /** Null for a channel's out-of-office reply or welcome message. */
    workflowId: ref("workflow_id").references(() => workflows.id, { onDelete: "cascade" }),
    ruleName: text("rule_name").notNull(),
    conversationId: ref("conversation_id").references(() => conversations.id, { onDelete: "cascade" }),
    contactId: ref("contact_id").references(() => contacts.id, { onDelete: "cascade" }),
    eventId: ref("event_id"),
    /** How many rule runs led to the event that made this one (0: a person's or customer's change). */
    depth: integer("depth").notNull().default(0),
    actions: jsonb("actions").$type<Record<string, unknown>[]>().notNull(),
    /** Not yet checked: a delayed trigger ("no reply for N minutes") checks its rule when due. */
    checked: boolean("checked").notNull().default(true),
    nextAction: integer("next_action").notNull().default(0),
    status: text("status").$type<"pending" | "done" | "failed">().notNull().default("pending"),
    matched: jsonb("matched").$type<string[]>().notNull().default([]),
    results: jsonb("results").$type<{ action: string; outcome: "done" | "skipped" | "error"; detail?: string }[]>().notNull().default([]),
    dueAt: ts("due_at").notNull(),
    createdAt: createdAt(),
    finishedAt: ts("finished_at"),
  },
  (t) => [
    uniqueIndex("workflow_runs_key_uq").on(t.orgId, t.key),
    index("workflow_runs_due_idx").on(t.dueAt, t.id).where(sql`${t.status} = 'pending'`),
    // A step takes a conversation's runs in order: "is an earlier one of it pending?"
    index("workflow_runs_pending_conversation_idx").on(t.conversationId, t.dueAt, t.id).where(sql`${t.status} = 'pending'`),
    index("workflow_runs_rule_idx").on(t.workflowId, t.id.desc()),
  ],
);

/** How far the engine has read the events log: the snapshot its last pass read events with (see src/workflows/engine.ts). */
export const workflowCursor = pgTable("workflow_cursor", {
  name: text("name").primaryKey(),
  snapshot: pgSnapshot("snapshot"),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export const bulkSendStatuses = ["scheduled", "running", "paused", "done", "cancelled"] as const;
export type BulkSendStatus = (typeof bulkSendStatuses)[number];
/** A recipient's own state; once `sent` (handed to the outbox) its message's delivery tells the rest. */
export const bulkRecipientStates = ["queued", "sent", "skipped", "cancelled"] as const;
export type BulkRecipientState = (typeof bulkRecipientStates)[number];
export const bulkSkipReasons = ["opted_out", "blocked", "invalid_number", "open_conversation"] as const;
export type BulkSkipReason = (typeof bulkSkipReasons)[number];

/** One WhatsApp template sent to many contacts (src/bulk/). */
export const bulkSends = pgTable(
  "bulk_sends",
  {
    id: id(),
    orgId: orgId(),
    name: text("name").notNull(),
    channelId: ref("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    /** The approved template as it was when the send was made: name, language, body, params. */
    template: jsonb("template").$type<{ name: string; language: string; body: string; params: number }>().notNull(),
    /** Each {{n}}'s value: fixed text or variables ({{contact.name}}, {{field.key}}). */
    parameters: jsonb("parameters").$type<string[]>().notNull().default([]),
    /** What chose the recipients, for the page (the recipients themselves are rows). */
    audience: jsonb("audience").$type<Record<string, unknown>>().notNull().default({}),
    skipOpen: boolean("skip_open").notNull().default(false),
    /** Messages per second chosen; `current_pace` is lowered on rate limits and recovers. */
    pace: integer("pace").notNull(),
    currentPace: integer("current_pace").notNull(),
    status: text("status").$type<BulkSendStatus>().notNull().default("scheduled"),
    startAt: ts("start_at").notNull(),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
    throttledAt: ts("throttled_at"),
    /** Which process runs it, until when (renewed while it runs): one runner per send. */
    leaseOwner: text("lease_owner"),
    leaseUntil: ts("lease_until"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("bulk_sends_org_idx").on(t.orgId, t.createdAt.desc()), index("bulk_sends_active_idx").on(t.status, t.startAt).where(sql`${t.status} in ('scheduled', 'running')`)],
);

export const bulkRecipients = pgTable(
  "bulk_recipients",
  {
    id: id(),
    orgId: orgId(),
    bulkSendId: ref("bulk_send_id").notNull().references(() => bulkSends.id, { onDelete: "cascade" }),
    contactId: ref("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    state: text("state").$type<BulkRecipientState>().notNull().default("queued"),
    skipReason: text("skip_reason").$type<BulkSkipReason>(),
    /** The template message (and its conversation) made for this recipient, in the transaction that marked it sent. */
    messageId: ref("message_id").references(() => messages.id, { onDelete: "set null" }),
    conversationId: ref("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    sentAt: ts("sent_at"),
  },
  (t) => [
    uniqueIndex("bulk_recipients_send_contact_uq").on(t.bulkSendId, t.contactId),
    index("bulk_recipients_queue_idx").on(t.bulkSendId, t.id).where(sql`${t.state} = 'queued'`),
    index("bulk_recipients_conversation_idx").on(t.conversationId),
    index("bulk_recipients_contact_idx").on(t.contactId, t.id.desc()),
    index("bulk_recipients_message_idx").on(t.messageId),
  ],
);

/** One option of a bot menu: answers, asks for a CRM field, opens a sub-menu or hands over to a workgroup. */
export type BotOption = {
  id: string;
  title: string;
  action: "answer" | "question" | "submenu" | "handover";
  /** The answer, or the question asked (question). */
  text?: string;
  /** answer: a file sent after the text (an attachment row of no message, uploaded in Admin → Bot). */
  file?: { attachmentId: number; filename: string; mime: string; size: number };
  /** question: the CRM field (custom_fields.key) the answer is stored in. */
  fieldKey?: string;
  /** handover: the workgroup whose routing takes the conversation (null: the channel's). */
  workgroupId?: number | null;
  /** submenu: its own options. */
  options?: BotOption[];
};

/**
 * Admin → Bot: a channel's (or every channel of a brand's) greeting bot and satisfaction survey.
 * A channel's own row wins over its brand's.
 */
export const botMenus = pgTable(
  "bot_menus",
  {
    id: id(),
    orgId: orgId(),
    channelId: ref("channel_id").references(() => channels.id, { onDelete: "cascade" }),
    brandId: ref("brand_id").references(() => brands.id, { onDelete: "cascade" }),
    enabled: boolean("enabled").notNull().default(false),
    greeting: text("greeting").notNull().default(""),
    options: jsonb("options").$type<BotOption[]>().notNull().default([]),
    /** A customer writing this word (any case) is handed over at once. */
    handoverKeyword: text("handover_keyword").notNull().default(""),
    /** Without an answer this long, the conversation is handed over. */
    timeoutMinutes: integer("timeout_minutes").notNull().default(10),
    /** Where keyword and timeout hand over (null: the channel's workgroup). */
    handoverWorkgroupId: ref("handover_workgroup_id").references(() => workgroups.id, { onDelete: "set null" }),
    /** Said when the customer's answer matches no option (the menu follows). */
    unknownText: text("unknown_text").notNull().default(""),
    surveyEnabled: boolean("survey_enabled").notNull().default(false),
    surveyQuestion: text("survey_question").notNull().default(""),
    /** After the rating, a comment is asked for (optional for the customer). */
    surveyComment: text("survey_comment").notNull().default(""),
    /** When the survey was last switched on: only conversations closed since get it. */
    surveySince: ts("survey_since"),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("bot_menus_channel_uq").on(t.channelId).where(sql`${t.channelId} is not null`),
    uniqueIndex("bot_menus_brand_uq").on(t.brandId).where(sql`${t.brandId} is not null`),
    check("bot_menus_scope_ck", sql`(${t.channelId} is null) <> (${t.brandId} is null)`),
  ],
);

/**
 * The bot's state in one conversation while it has it: the menu copied in at the start (editing the
 * menu never changes a conversation half way), where the customer is, and the last inbound message
 * handled. Each step moves `handled_message_id` in the transaction that sends its answer, so a
 * crash resumes without repeating a step.
 */
export const botSessions = pgTable(
  "bot_sessions",
  {
    conversationId: ref("conversation_id")
      .primaryKey()
      .references(() => conversations.id, { onDelete: "cascade" }),
    orgId: orgId(),
    menuId: ref("menu_id").references(() => botMenus.id, { onDelete: "set null" }),
    menu: jsonb("menu").$type<{ greeting: string; options: BotOption[]; keyword: string; timeoutMinutes: number; handoverWorkgroupId: number | null; unknownText: string }>().notNull(),
    /** Ids of the sub-menu options the customer went into. */
    path: jsonb("path").$type<string[]>().notNull().default([]),
    /** A question waiting for its answer: the option and how many bad answers so far. */
    awaiting: jsonb("awaiting").$type<{ optionId: string; attempts: number } | null>(),
    greeted: boolean("greeted").notNull().default(false),
    handledMessageId: bigint("handled_message_id", { mode: "number" }).notNull().default(0),
    timeoutAt: ts("timeout_at").notNull(),
    endedAt: ts("ended_at"),
    outcome: text("outcome").$type<"option" | "keyword" | "timeout" | "joined" | "closed">(),
    createdAt: createdAt(),
  },
  (t) => [index("bot_sessions_running_idx").on(t.timeoutAt).where(sql`${t.endedAt} is null`)],
);

export const pollKinds = ["poll", "survey"] as const;
export type PollKind = (typeof pollKinds)[number];

/**
 * An agent's quick poll or the satisfaction survey after closing: the question sent, and the
 * customer's answer (a survey's rating 1–5 is `answer_index` + 1).
 */
export const polls = pgTable(
  "polls",
  {
    id: id(),
    orgId: orgId(),
    conversationId: ref("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    contactId: ref("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    channelId: ref("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    kind: text("kind").$type<PollKind>().notNull(),
    question: text("question").notNull(),
    options: jsonb("options").$type<string[]>().notNull(),
    messageId: ref("message_id").references(() => messages.id, { onDelete: "set null" }),
    /** The poll's sender, or for a survey the agent who had the conversation. */
    agentId: text("agent_id").references(() => users.id, { onDelete: "set null" }),
    /** sent; answered; skipped (a survey the reply window no longer allowed). */
    status: text("status").$type<"sent" | "answered" | "skipped">().notNull().default("sent"),
    answerIndex: integer("answer_index"),
    answeredAt: ts("answered_at"),
    comment: text("comment"),
    /** Until when the customer's next text is taken as the survey's comment. */
    commentUntil: ts("comment_until"),
    /** The last inbound message read for an answer (a poll in an open conversation). */
    handledMessageId: bigint("handled_message_id", { mode: "number" }).notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("polls_one_survey_uq").on(t.conversationId).where(sql`${t.kind} = 'survey'`),
    index("polls_conversation_idx").on(t.conversationId),
    index("polls_contact_idx").on(t.contactId, t.createdAt.desc()),
    index("polls_answered_idx").on(t.orgId, t.kind, t.answeredAt).where(sql`${t.answeredAt} is not null`),
  ],
);
