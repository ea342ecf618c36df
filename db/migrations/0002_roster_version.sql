ALTER TABLE "organizations" ADD COLUMN "roster_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- What the inbox filter panel offers (active members and their names, workgroups, CRM fields) is
-- kept by each process; these triggers move roster_version on whenever any of it changes, by any
-- path (admin pages, seeds, plain SQL), and the session query reads it on every request.
CREATE FUNCTION "roster_changed_org"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organizations" SET "roster_version" = "roster_version" + 1
  WHERE "id" IN (SELECT (CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END)."org_id"
                 UNION SELECT OLD."org_id" WHERE TG_OP = 'UPDATE');
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A name is the person's own, shown in every organization they belong to.
CREATE FUNCTION "roster_changed_user"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organizations" SET "roster_version" = "roster_version" + 1
  WHERE "id" IN (SELECT "org_id" FROM "memberships" WHERE "user_id" = NEW."id");
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "memberships_roster" AFTER INSERT OR DELETE OR UPDATE OF "active", "org_id", "user_id" ON "memberships" FOR EACH ROW EXECUTE FUNCTION "roster_changed_org"();
--> statement-breakpoint
CREATE TRIGGER "workgroups_roster" AFTER INSERT OR DELETE OR UPDATE OF "name", "org_id" ON "workgroups" FOR EACH ROW EXECUTE FUNCTION "roster_changed_org"();
--> statement-breakpoint
CREATE TRIGGER "custom_fields_roster" AFTER INSERT OR DELETE OR UPDATE ON "custom_fields" FOR EACH ROW EXECUTE FUNCTION "roster_changed_org"();
--> statement-breakpoint
CREATE TRIGGER "users_roster" AFTER UPDATE OF "name" ON "users" FOR EACH ROW WHEN (OLD."name" IS DISTINCT FROM NEW."name") EXECUTE FUNCTION "roster_changed_user"();
