// A database that refuses to store a message whose text carries REFUSE: processing a webhook with
// such a message fails as it would with the database refusing it, so tests can watch the retries.
// (Files that cannot be fetched no longer fail a delivery: media-downloads.ts retries them apart.)
import { sql } from "drizzle-orm";
import type { Db } from "@db/client";

export const REFUSE = "[refused-by-test]";

export async function refuseMarkedMessages(db: Db): Promise<void> {
  await db.execute(sql.raw(`create or replace function refuse_marked_message() returns trigger language plpgsql as $$
    begin
      if new.body like '%${REFUSE}%' then raise exception 'the database refused this message'; end if;
      return new;
    end $$`));
  await db.execute(sql.raw(`drop trigger if exists refuse_marked_message on messages`));
  await db.execute(sql.raw(`create trigger refuse_marked_message before insert on messages for each row execute function refuse_marked_message()`));
}
