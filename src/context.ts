// What every request handler can reach: the app's dependencies and, once signed in, who is asking.
import type { Server } from "bun";
import type { Database } from "@db/client";
import type { Locale, Role } from "@db/schema";
import type { Config } from "./config";
import type { Clock } from "./clock";
import type { Logger } from "./log";
import type { Translate } from "./i18n";
import type { EventBus } from "./realtime/bus";
import type { TabCountCache } from "./inbox/tab-counts";
import type { KeptInboxPages } from "./inbox/kept-pages";

export interface Deps {
  database: Database;
  config: Config;
  clock: Clock;
  log: Logger;
}

/** What the app builds for itself from its dependencies; exposed so the server can stop it. */
export interface Runtime {
  bus: EventBus;
  background: import("./background").Background;
  outbox: import("./channels/outbox").OutboxWorker;
  tabCounts: TabCountCache;
  inboxPages: KeptInboxPages;
  /** When the app was made: /healthz forgives no job tick yet for a while after it. */
  startedAt: Date;
  /** Ends live streams whose session no longer stands (signed out, deactivated, removed). */
  streams: import("./realtime/standing").StreamStanding;
}

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  locale: Locale | null;
}

/** The signed-in user's standing in the organization picked for this session. */
export interface Actor {
  userId: string;
  name: string;
  orgId: number;
  orgName: string;
  timezone: string;
  /** The organization's roster_version when this request began (see db/schema.ts). */
  rosterVersion: number;
  /** The member's reads_version when this request began: moves whenever they read a conversation. */
  readsVersion: number;
  /** The organization's setting when this request began: agents see only their own, their workgroups' and unassigned conversations. */
  agentsSeeOnlyOwn: boolean;
  role: Role;
  status: import("@db/schema").AgentStatus;
  preferences: import("@db/schema").MembershipPreferences;
}

export type AppEnv = {
  Bindings: { server?: Server<unknown> };
  Variables: {
    deps: Deps;
    runtime: Runtime;
    locale: Locale;
    t: Translate;
    user: SignedInUser | null;
    sessionId: string | null;
    actor: Actor | null;
    requestId: string;
  };
};
