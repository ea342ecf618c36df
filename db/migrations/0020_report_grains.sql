-- Reports keep every grain of agent × channel × workgroup per day, with running histograms (see
-- db/schema.ts, src/reports/aggregates.ts). The old rows are not converted: the next metrics run
-- counts every organization again from its events (last statement).
DROP TABLE "report_daily_buckets" CASCADE;--> statement-breakpoint
DROP TABLE "report_daily_stats" CASCADE;--> statement-breakpoint
CREATE TABLE "report_daily_stats" (
	"org_id" bigint NOT NULL,
	"grain" integer NOT NULL,
	"day" date NOT NULL,
	"user_id" text DEFAULT '' NOT NULL,
	"channel_id" bigint DEFAULT 0 NOT NULL,
	"workgroup_id" bigint DEFAULT 0 NOT NULL,
	"opened" integer DEFAULT 0 NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	"reactivated" integer DEFAULT 0 NOT NULL,
	"forwarded" integer DEFAULT 0 NOT NULL,
	"messages_in" integer DEFAULT 0 NOT NULL,
	"messages_out" integer DEFAULT 0 NOT NULL,
	"first_response_ms_sum" bigint DEFAULT 0 NOT NULL,
	"first_response_count" integer DEFAULT 0 NOT NULL,
	"resolution_ms_sum" bigint DEFAULT 0 NOT NULL,
	"resolution_count" integer DEFAULT 0 NOT NULL,
	-- Hand-written INCLUDE: a report's pass over one grain's days reads the index alone (index-only scan).
	CONSTRAINT "report_daily_stats_pkey" PRIMARY KEY("org_id","grain","day","user_id","channel_id","workgroup_id")
		INCLUDE ("opened","closed","reactivated","forwarded","messages_in","messages_out","first_response_ms_sum","first_response_count","resolution_ms_sum","resolution_count")
);
--> statement-breakpoint
-- Hand-written: how many keys a grain has. Without it the planner takes every column as independent,
-- expects thousands of groups where a report has hundreds, and compiles the read (JIT) for ~90 ms.
CREATE STATISTICS "report_daily_stats_keys" (ndistinct) ON "grain", "user_id", "channel_id", "workgroup_id" FROM "report_daily_stats";
--> statement-breakpoint
CREATE TABLE "report_daily_histograms" (
	"org_id" bigint NOT NULL,
	"grain" integer NOT NULL,
	"user_id" text DEFAULT '' NOT NULL,
	"channel_id" bigint DEFAULT 0 NOT NULL,
	"workgroup_id" bigint DEFAULT 0 NOT NULL,
	"day" date NOT NULL,
	"first_response_day" integer[] DEFAULT '{}' NOT NULL,
	"first_response_run" integer[] DEFAULT '{}' NOT NULL,
	"resolution_day" integer[] DEFAULT '{}' NOT NULL,
	"resolution_run" integer[] DEFAULT '{}' NOT NULL,
	"inbound_hours" integer[] DEFAULT '{}' NOT NULL,
	CONSTRAINT "report_daily_histograms_pkey" PRIMARY KEY("org_id","grain","user_id","channel_id","workgroup_id","day")
);
--> statement-breakpoint
ALTER TABLE "report_daily_stats" ADD CONSTRAINT "report_daily_stats_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_daily_histograms" ADD CONSTRAINT "report_daily_histograms_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Count arrays (element i: bucket i − 1; missing elements count 0). plpgsql changes an array in
-- place, so folding thousands of counts into one stays linear (the job's first run folds millions).
CREATE FUNCTION "report_counts_add"(a integer[], b integer[]) RETURNS integer[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  n integer := coalesce(cardinality(b), 0);
BEGIN
  IF a IS NULL THEN a := '{}'; END IF;
  IF cardinality(a) < n THEN a := a || array_fill(0, ARRAY[n - cardinality(a)]); END IF;
  FOR i IN 1..n LOOP
    a[i] := a[i] + b[i];
  END LOOP;
  RETURN a;
END $$;--> statement-breakpoint
CREATE AGGREGATE "report_counts_sum"(integer[]) (SFUNC = "report_counts_add", STYPE = integer[], INITCOND = '{}');--> statement-breakpoint
-- Adds n to bucket `bucket` (from 0), and its aggregate: the histogram of (bucket, count) pairs.
CREATE FUNCTION "report_counts_put"(a integer[], bucket integer, n integer) RETURNS integer[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF cardinality(a) <= bucket THEN a := a || array_fill(0, ARRAY[bucket + 1 - cardinality(a)]); END IF;
  a[bucket + 1] := a[bucket + 1] + n;
  RETURN a;
END $$;--> statement-breakpoint
CREATE AGGREGATE "report_counts_of"(integer, integer) (SFUNC = "report_counts_put", STYPE = integer[], INITCOND = '{}');--> statement-breakpoint
UPDATE "agent_stats_watermarks" SET "snapshot" = NULL;
