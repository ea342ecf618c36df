// What every request handler can reach: the app's dependencies and, once signed in, who is asking.
import type { Server } from "bun";
import type { Database } from "@db/client";
import type { Locale, Role } from "@db/schema";
import type { Config } from "./config";
import type { Clock } from "./clock";
import type { Logger } from "./log";
import type { Translate } from "./i18n";
import type { Runtime } from "./runtime";

export interface Deps {
  database: Database;
  config: Config;
  clock: Clock;
  log: Logger;
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
  /** Unread mentions when this request began (capped), for the header's Mentions badge. */
  unreadMentions?: number;
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

/** What a route behind the sign-in check (`signedInRoutes`, `requireActor`) can count on. */
export type SignedInEnv = AppEnv & { Variables: { actor: Actor; user: SignedInUser; sessionId: string } };
