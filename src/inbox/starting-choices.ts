// What the "New conversation" form offers at each step: contacts matching a search, the channels,
// and once a recipient and channel are chosen, whether free text may go out or only a template.
import { and, eq, max } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { channels, contacts, conversations, type ChannelKind } from "@db/schema";
import type { Actor } from "../context";
import { replyWindow, type ReplyWindow } from "../channels/windows";
import { findContacts, startableChannels } from "../contacts/contacts";
import { contactByPhone } from "../contacts/editing";
import { channelTemplates } from "./replies";
import { openConversationOf, reachableOn } from "./starting";
import { contactVisibility, maySeeConversation } from "./visibility";

export interface StartChoices {
  channels: { id: number; name: string; kind: ChannelKind }[];
  matches: { id: number; name: string; phone: string | null; email: string | null }[];
  contact: { id: number; name: string; phone: string | null } | null;
  /** The contact's open conversation: the agent opens it instead (`visible` false: another agent has it). */
  open: { id: number; visible: boolean } | null;
  /** A typed number that is already a contact the agent may see (the form switches to that contact). */
  known: { id: number; name: string } | null;
  /** A typed number that is a contact the agent may not see: refused, and said so. */
  hidden: boolean;
  channel: { id: number; name: string; kind: ChannelKind } | null;
  reachable: boolean;
  window: ReplyWindow | null;
  templates: { name: string; language: string; body: string; params: number }[];
}

/** The form's choices for what the agent has picked so far (all optional). */
export async function startChoices(db: DbOrTx, actor: Actor, picked: { search: string; contactId?: number; phone?: string; channelId?: number }, now: Date): Promise<StartChoices> {
  const [channelList, found] = await Promise.all([
    startableChannels(db, actor),
    picked.search ? findContacts(db, actor, picked.search, null, 8) : Promise.resolve({ items: [] }),
  ]);
  const matches = found.items.map((r) => ({ id: r.id, name: r.name, phone: r.phone, email: r.email }));
  const channel = channelList.find((c) => c.id === picked.channelId) ?? null;
  const [contact] = picked.contactId
    ? await db
        .select({ id: contacts.id, name: contacts.name, phone: contacts.phone })
        .from(contacts)
        .where(and(eq(contacts.orgId, actor.orgId), eq(contacts.id, picked.contactId), await contactVisibility(db, actor)))
    : [];
  const typed = !contact && picked.phone ? await contactByPhone(db, actor, picked.phone) : null;
  const known = typed?.visible ? { id: typed.id, name: typed.name } : null;
  const openRow = contact ? await openConversationOf(db, contact.id) : null;
  const open = openRow ? { id: openRow.id, visible: await maySeeConversation(db, actor, openRow.id) } : null;
  let reachable = false;
  let window: ReplyWindow | null = null;
  let templates: StartChoices["templates"] = [];
  if (channel && (contact || (picked.phone && !typed))) {
    reachable = contact ? await reachableOn(db, contact, channel) : channel.kind === "whatsapp";
    // The window runs from the customer's last message on this channel, in whichever conversation.
    const [last] = contact
      ? await db
          .select({ at: max(conversations.lastInboundAt) })
          .from(conversations)
          .where(and(eq(conversations.contactId, contact.id), eq(conversations.channelId, channel.id)))
      : [{ at: null }];
    window = replyWindow(channel.kind, last?.at ? new Date(last.at) : null, now);
    if (channel.kind === "whatsapp") {
      const [row] = await db.select({ config: channels.config }).from(channels).where(eq(channels.id, channel.id));
      templates = channelTemplates(row?.config ?? {});
    }
  }
  return { channels: channelList, matches, contact: contact ?? null, open, known, hidden: !!typed && !typed.visible, channel, reachable, window, templates };
}
