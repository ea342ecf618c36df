// "Agents see only their own" is a rule, not a screen: probed as an attacker would, with a
// restricted agent and a second organization, every inbox, contacts and media route that takes a
// conversation, contact, message or file id answers 404 for one they may not see, and changes nothing.
import { beforeAll, describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { rows as sqlRows } from "@db/client";
import { attachments, channels, closingMessages, contacts, conversations, conversationTags, messages, notes, quickReplies, tags } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { useTestApp, type Client } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

interface Hidden {
  conversationId: number;
  contactId: number;
  contactName: string;
  failedMessageId: number;
  messageFileId: number;
  boxFileId: number;
  tagId: number;
  closingMessageId: number;
  quickReplyId: number;
  channelId: number;
}

let seq = 0;
/** A conversation in `w` assigned to `w.agent` (hidden from `agent2`), with a failed reply, files, a tag and a note. */
async function hiddenConversation(w: World): Promise<Hidden> {
  const n = ++seq;
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: `WA ${n}`, webhookKey: newWebhookKey() }).returning();
  const contactName = `Gizli Müşteri ${n}`;
  const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: `90555000${n}`, contactName, body: "Gizli sipariş", providerMessageId: `wamid.hidden.${n}`, at: t.clock.now() });
  const [conv] = await t.db.update(conversations).set({ assigneeId: w.agent.id, assignedAt: t.clock.now() }).where(eq(conversations.id, conversationId)).returning();
  const [failed] = await t.db
    .insert(messages)
    .values({ orgId: w.orgId, conversationId, channelId: channel.id, direction: "out", authorId: w.agent.id, kind: "image", body: "secret reply", delivery: "failed", errorText: "boom", createdAt: t.clock.now() })
    .returning();
  const file = { orgId: w.orgId, contactId: conv.contactId, storageKey: `k/${n}`, mime: "image/png", size: 3, sha256: "x", uploadedBy: w.agent.id, createdAt: t.clock.now() };
  const [messageFile] = await t.db.insert(attachments).values({ ...file, messageId: failed.id, filename: "secret.png" }).returning();
  const [boxFile] = await t.db.insert(attachments).values({ ...file, filename: "contract.png" }).returning();
  const [tag] = await t.db.insert(tags).values({ orgId: w.orgId, name: `vip${n}`, createdAt: t.clock.now() }).returning();
  await t.db.insert(conversationTags).values({ conversationId, tagId: tag.id });
  await t.db.insert(notes).values({ orgId: w.orgId, contactId: conv.contactId, conversationId, authorId: w.agent.id, body: "secret note", createdAt: t.clock.now() });
  const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId)).limit(1);
  const [quick] = await t.db.insert(quickReplies).values({ orgId: w.orgId, title: `qr${n}`, body: "Hello", createdAt: t.clock.now() }).returning();
  return { conversationId, contactId: conv.contactId, contactName, failedMessageId: failed.id, messageFileId: messageFile.id, boxFileId: boxFile.id, tagId: tag.id, closingMessageId: closing.id, quickReplyId: quick.id, channelId: channel.id };
}

/** Every row a route could add, change or remove, summed up: equal before and after means nothing happened. */
async function footprint() {
  const [row] = await sqlRows<Record<string, string>>(t.db, sql`select
    (select count(*) from events) as events, (select count(*) from messages) as messages, (select count(*) from outbox) as outbox,
    (select count(*) from conversation_reads) as reads, (select coalesce(sum(reads_version), 0) from memberships) as reads_versions,
    (select count(*) from notes) as notes, (select count(*) from conversation_tags) as tags, (select count(*) from tags) as tag_names,
    (select count(*) from attachments) as attachments, (select count(*) from conversation_participants) as participants,
    (select count(*) from quick_replies) as quick_replies, (select count(*) from conversations) as conversations,
    (select md5(string_agg(concat_ws('|', id, status, assignee_id, workgroup_id, closed_at), ',' order by id)) from conversations) as conversation_state,
    (select md5(string_agg(concat_ws('|', id, name, phone, email, owner_id, custom_fields::text), ',' order by id)) from contacts) as contact_state,
    (select md5(string_agg(concat_ws('|', id, delivery, error_text), ',' order by id)) from messages) as delivery_state`);
  expect(Number(row.events)).toBeGreaterThan(0);
  return row;
}

/** Every route that names the conversation, its contact, its messages or its files. */
function probes(h: Hidden, me: string): { name: string; send: (client: Client, htmx: boolean) => Promise<Response> }[] {
  const c = `/inbox/${h.conversationId}`;
  const get = (path: string) => ({ name: `GET ${path}`, send: (client: Client, htmx: boolean) => client.get(path, { htmx }) });
  const post = (path: string, form: Record<string, string> = {}) => ({ name: `POST ${path}`, send: (client: Client, htmx: boolean) => client.post(path, form, { htmx }) });
  const raw = (path: string) => ({
    name: `POST ${path} (bytes)`,
    send: (client: Client, htmx: boolean) => client.request(path, { method: "POST", body: new Uint8Array([137, 80, 78, 71]), headers: { "content-type": "application/octet-stream", "x-filename": "a.png" }, htmx }),
  });
  return [
    get(c),
    get(`${c}?tab=all`),
    get(`${c}/gallery`),
    get(`/media/${h.messageFileId}`),
    get(`/media/${h.boxFileId}`),
    get(`/contacts/${h.contactId}`),
    post(`${c}/join`),
    post(`${c}/reply`, { body: "hi", as: "reply" }),
    post(`${c}/reply`, { body: "hi", as: "note" }),
    post(`${c}/template`, { name: "hello", language: "en" }),
    post(`${c}/assign`, { target: `user:${me}` }),
    post(`${c}/assign`, { target: "none" }),
    post(`${c}/quick-reply`, { quickReplyId: String(h.quickReplyId) }),
    post(`${c}/quick-replies`, { title: "mine", body: "text" }),
    post(`${c}/reactivate`),
    post(`${c}/messages/${h.failedMessageId}/retry`),
    post(`${c}/close`, { closingMessageId: String(h.closingMessageId) }),
    post(`${c}/profile`, { name: "Renamed", phone: "", email: "" }),
    post(`${c}/tags`, { tagId: String(h.tagId) }),
    post(`${c}/tags`, { name: "brand-new" }),
    post(`${c}/tags/${h.tagId}/remove`),
    post(`${c}/notes`, { body: "mine" }),
    raw(`${c}/uploads`),
    raw(`${c}/files`),
    post(`${c}/files/${h.boxFileId}/remove`),
    post(`${c}/files/${h.boxFileId}/share`),
    post(`/contacts/${h.contactId}/conversations`, { channelId: String(h.channelId) }),
  ];
}

async function expectNothingReachable(client: Client, h: Hidden, me: string) {
  const before = await footprint();
  const answers: string[] = [];
  for (const probe of probes(h, me)) {
    for (const htmx of [false, true]) {
      const res = await probe.send(client, htmx);
      const body = await res.text();
      answers.push(`${probe.name}${htmx ? " (htmx)" : ""} → ${res.status}${body.includes("secret") ? " LEAKED" : ""}`);
    }
  }
  expect(answers.filter((a) => !a.endsWith("→ 404"))).toEqual([]);
  expect(await footprint()).toEqual(before);
}

describe("the visibility rule holds for every route", () => {
  let w: World;
  let other: World;
  let hidden: Hidden;
  let foreign: Hidden;
  let restricted: Client;
  beforeAll(async () => {
    w = await t.world("Acme", { agentsSeeOnlyOwn: true });
    other = await t.world("Rival");
    hidden = await hiddenConversation(w);
    foreign = await hiddenConversation(other);
    restricted = await t.signIn(w.agent2.email, w.orgId);
  });

  it("a restricted agent gets 404 from every route of a conversation assigned to someone else, and the database does not move", async () => {
    await expectNothingReachable(restricted, hidden, w.agent2.id);
  });

  it("another organization's admin gets 404 from every route of this organization's conversation, and the database does not move", async () => {
    const admin = await t.signIn(other.admin.email, other.orgId);
    await expectNothingReachable(admin, hidden, other.admin.id);
  });

  it("a supervisor gets 404 from every route of another organization's conversation", async () => {
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    await expectNothingReachable(supervisor, foreign, w.supervisor.id);
  });

  it("retrying through a visible conversation does not show a hidden message", async () => {
    const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "Open line", webhookKey: newWebhookKey() }).returning();
    const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: "905559990000", contactName: "Açık Müşteri", body: "Merhaba", providerMessageId: "wamid.visible", at: t.clock.now() });
    const before = await footprint();
    const res = await restricted.post(`/inbox/${conversationId}/messages/${hidden.failedMessageId}/retry`, {}, { htmx: true });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("secret reply");
    expect(await footprint()).toEqual(before);
  });

  it("the contacts page and the inbox search show a restricted agent only contacts of conversations they may see", async () => {
    const [mine] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Sahipsiz Kişi", createdAt: t.clock.now(), updatedAt: t.clock.now() }).returning();
    const list = await restricted.html("/contacts");
    expect(list.text).not.toContain(hidden.contactName);
    expect(list.text).toContain(mine.name);
    const searched = await restricted.html(`/contacts?q=${encodeURIComponent("Gizli")}`);
    expect(searched.text).not.toContain(hidden.contactName);
    const inbox = await restricted.html(`/inbox?tab=all&q=${encodeURIComponent("Gizli")}`);
    expect(inbox.text).not.toContain(hidden.contactName);
    // The assignee and a supervisor still find them.
    const assignee = await t.signIn(w.agent.email, w.orgId);
    expect((await assignee.html("/contacts")).text).toContain(hidden.contactName);
    expect((await assignee.html(`/contacts/${hidden.contactId}`)).status).toBe(200);
  });

  it("contact search by a tag finds a contact only through the conversations the agent may see", async () => {
    const n = ++seq;
    const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: `WA tag ${n}`, webhookKey: newWebhookKey() }).returning();
    const contactName = `Etiketli Kişi ${n}`;
    // Two conversations of one contact: a tagged one assigned to another agent, and an untagged one nobody has.
    const { conversationId: tagged } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: `90556000${n}`, contactName, body: "ilk", providerMessageId: `wamid.tagged.${n}`, at: t.clock.now() });
    await t.db.update(conversations).set({ assigneeId: w.agent.id, assignedAt: t.clock.now(), status: "closed" }).where(eq(conversations.id, tagged));
    const [{ contactId }] = await t.db.select({ contactId: conversations.contactId }).from(conversations).where(eq(conversations.id, tagged));
    await t.db.insert(conversations).values({ orgId: w.orgId, contactId, channelId: channel.id, status: "open", createdAt: t.clock.now(), lastMessageAt: t.clock.now() });
    const [tag] = await t.db.insert(tags).values({ orgId: w.orgId, name: `gizli-etiket-${n}`, createdAt: t.clock.now() }).returning();
    await t.db.insert(conversationTags).values({ conversationId: tagged, tagId: tag.id });

    // The restricted agent sees the contact (through the open conversation), but not by the hidden tag.
    expect((await restricted.html(`/contacts?q=${encodeURIComponent(contactName)}`)).text).toContain(contactName);
    expect((await restricted.html(`/contacts?q=${encodeURIComponent(tag.name)}`)).text).not.toContain(contactName);
    const assignee = await t.signIn(w.agent.email, w.orgId);
    expect((await assignee.html(`/contacts?q=${encodeURIComponent(tag.name)}`)).text).toContain(contactName);
  });
});
