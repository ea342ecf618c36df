-- The inbox's rows carry their tags' ids; names and colours come from the organization's tags,
-- kept per process by roster_version like the filter choices (migration 0002).
CREATE TRIGGER "tags_roster" AFTER INSERT OR DELETE OR UPDATE OF "name", "color", "org_id" ON "tags" FOR EACH ROW EXECUTE FUNCTION "roster_changed_org"();
