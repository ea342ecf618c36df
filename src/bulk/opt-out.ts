// Opting a contact out of bulk messages by hand, or back in (undoing a keyword's opt-out): any
// member who may see the contact may, and the change is an event with them as its actor.
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { contacts } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { contactVisibility } from "../inbox/visibility";

export async function setBulkOptOut(db: DbOrTx, actor: Actor, contactId: number, optedOut: boolean, now: Date): Promise<{ eventIds: number[] } | null> {
  return db.transaction(async (tx) => {
    const [contact] = await tx
      .update(contacts)
      .set({ bulkOptedOutAt: optedOut ? now : null, updatedAt: now })
      .where(and(eq(contacts.orgId, actor.orgId), eq(contacts.id, contactId), await contactVisibility(tx, actor)))
      .returning({ id: contacts.id });
    if (!contact) return null;
    const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "contact_updated", actorId: actor.userId, data: { contactId, bulkOptOut: optedOut, by: "agent" }, createdAt: now });
    return { eventIds: [eventId] };
  });
}
