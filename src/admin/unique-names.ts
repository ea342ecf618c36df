// Names that must be unique in an organization in any letter case (workgroups, brands, tags). The
// lower(name) unique indexes decide, so two admins racing for one name cannot both win.
export class NameTaken extends Error {
  readonly field = "name";
  readonly reason = "validation.taken" as const;
  constructor() {
    super("validation.taken");
  }
}

/** The constraint a Postgres error broke, as postgres.js (`constraint_name`) or PGlite (`constraint`) reports it. */
function violatedUnique(e: unknown): string | undefined {
  for (let err = e; err && typeof err === "object"; err = (err as { cause?: unknown }).cause) {
    const { code, constraint, constraint_name } = err as { code?: unknown; constraint?: unknown; constraint_name?: unknown };
    if (code === "23505") return String(constraint_name ?? constraint ?? "");
  }
  return undefined;
}

/**
 * Runs a write (a whole transaction: Postgres aborts it on the violation) and turns a clash on the
 * given name index into NameTaken; any other failure passes through unchanged.
 */
export async function claimingName<T>(index: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (violatedUnique(e) === index) throw new NameTaken();
    throw e;
  }
}
