// Builds an organization with one member of each role in a line: `const w = await t.world()`.
import type { Db } from "@db/client";
import { eq } from "drizzle-orm";
import { memberships, organizations, users, workgroupMembers, workgroups, type Role } from "@db/schema";
import { createOrganization } from "../../src/admin/organizations";
import { hashPassword } from "../../src/auth/passwords";

export const PASSWORD = "correct-horse-battery";
let passwordHash: Promise<string> | undefined;

export interface Person {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface WorldOptions {
  /**
   * The organization's "agents see only their own": `agent` (in the workgroup) and `agent2` (in
   * none) then see only conversations assigned to them, to their workgroups, or to nobody.
   */
  agentsSeeOnlyOwn?: boolean;
}

export interface World {
  orgId: number;
  supportChannelId: number;
  admin: Person;
  supervisor: Person;
  agent: Person;
  agent2: Person;
  workgroupId: number;
}

let seq = 0;

export async function buildWorld(db: Db, now: Date, name = "Acme", options: WorldOptions = {}): Promise<World> {
  const hash = await (passwordHash ??= hashPassword(PASSWORD));
  const n = ++seq;
  const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "")}${n}`;
  const people: Person[] = (
    [
      ["admin", "Ayşe Admin"],
      ["supervisor", "Selin Supervisor"],
      ["agent", "Okan Agent"],
      ["agent", "İpek Agent"],
    ] as const
  ).map(([role, personName], i) => ({ id: crypto.randomUUID(), email: `${role}${i}@${slug}.test`, name: personName, role }));
  await db.insert(users).values(people.map((p) => ({ id: p.id, email: p.email, name: p.name, passwordHash: hash, createdAt: now })));
  const { org, supportChannelId } = await createOrganization(db, { name: `${name} ${n}`, timezone: "Europe/Istanbul", locale: "en", adminUserId: people[0].id }, now);
  await db.insert(memberships).values(people.slice(1).map((p) => ({ orgId: org.id, userId: p.id, role: p.role, createdAt: now, statusChangedAt: now })));
  if (options.agentsSeeOnlyOwn) await db.update(organizations).set({ settings: { agentsSeeOnlyOwn: true } }).where(eq(organizations.id, org.id));
  const [group] = await db.insert(workgroups).values({ orgId: org.id, name: "Support", createdAt: now }).returning();
  await db.insert(workgroupMembers).values([{ workgroupId: group.id, userId: people[2].id }]);
  return { orgId: org.id, supportChannelId, admin: people[0], supervisor: people[1], agent: people[2], agent2: people[3], workgroupId: group.id };
}
