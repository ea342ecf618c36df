-- A send whose claim ran out mid-send waits here for the provider's echo or status before it is called unconfirmed.
ALTER TABLE "outbox" ADD COLUMN "interrupted_at" timestamp (3) with time zone;