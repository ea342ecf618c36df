// The payment-link expiry job, with the adapters it needs built once per run.
import { eq } from "drizzle-orm";
import { paymentProviders } from "@db/schema";
import type { Deps } from "../context";
import { commit } from "../realtime/changes";
import { expireDueLinks } from "./links";
import { adapterFor } from "./providers";
import type { PaymentProvider } from "./providers/provider";

export async function expireLinksJob(deps: Deps) {
  const { database, config, clock } = deps;
  const adapters = new Map<number, Promise<PaymentProvider | null>>();
  const adapterOf = (providerId: number) => {
    let a = adapters.get(providerId);
    if (!a) {
      a = database.db
        .select()
        .from(paymentProviders)
        .where(eq(paymentProviders.id, providerId))
        .then(([row]) => (row ? adapterFor(row, config) : null));
      adapters.set(providerId, a);
    }
    return a;
  };
  // Each link is its own change, published as it commits.
  await expireDueLinks(database.db, adapterOf, clock.now(), (orgId, work) => commit(database, orgId, work));
}
