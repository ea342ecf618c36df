// All lucia use lives behind this file, so the session library can be replaced without touching the rest.
import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { Lucia, TimeSpan } from "lucia";
import type { Db } from "@db/client";
import { sessions, users } from "@db/schema";

export type Auth = ReturnType<typeof createAuth>;

export function createAuth(db: Db, sessionDays: number) {
  // drizzle's adapter types expect a concrete driver's database; both of ours speak the same pg-core API.
  const adapter = new DrizzlePostgreSQLAdapter(db as never, sessions, users);
  return new Lucia(adapter, {
    sessionExpiresIn: new TimeSpan(sessionDays, "d"),
    sessionCookie: { name: "kanal_session", expires: true, attributes: { sameSite: "lax" } },
    getSessionAttributes: (attributes) => ({ orgId: attributes.orgId }),
    getUserAttributes: (attributes) => ({
      email: attributes.email,
      name: attributes.name,
      locale: attributes.locale,
    }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createAuth>;
    DatabaseSessionAttributes: { orgId: number | null };
    DatabaseUserAttributes: { email: string; name: string; locale: "en" | "tr" | null };
  }
}
