// What a conversation's thread holds as the inbox draws it: the conversation with its messages
// (getThread), the contact's earlier conversations (earlierConversations), and a refused draft.
import type { ChannelKind } from "@db/schema";
import type { AttachmentView, UploadedFile } from "../media/uploads";

export interface ThreadData {
  conversation: {
    id: number;
    status: "open" | "closed";
    createdAt: Date;
    contactId: number;
    contactName: string;
    contactPhone: string | null;
    contactEmail: string | null;
    channelKind: ChannelKind;
    channelName: string;
    /** The channel's settings (WebChat's upload limit): the composer's file rules depend on them. */
    channelConfig?: Record<string, unknown>;
    assigneeId: string | null;
    assigneeName: string | null;
    workgroupName: string | null;
    lastInboundAt: Date | null;
    joined: boolean;
  };
  messages: {
    id: number;
    direction: "in" | "out" | "note" | "event";
    kind?: string;
    body: string;
    attachments?: AttachmentView[];
    delivery: string | null;
    errorText: string | null;
    createdAt: Date;
    authorName: string | null;
  }[];
}

export interface Earlier {
  total: number;
  items: { id: number; createdAt: Date; closedAt: Date | null; channelKind: ChannelKind; messages: ThreadData["messages"] }[];
}

/** What the composer shows after a refused send: the draft as typed and why. */
export interface Draft {
  body: string;
  error: string | null;
  /** Uploaded files still waiting to go out; voice notes are marked. */
  files?: { file: Pick<UploadedFile, "id" | "filename" | "mime" | "size" | "durationMs">; voice: boolean }[];
}
