-- Merging two contacts moves the merged one's ledger entries to the one kept (src/contacts/merging.ts).
-- An entry stays immutable otherwise: only its contact may change, only inside a merge (the merging
-- transaction sets kanal.merging_contacts locally), and never its amount, currency, kind, organization or key.
CREATE OR REPLACE FUNCTION ledger_entries_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND NEW.amount_minor = OLD.amount_minor AND NEW.currency = OLD.currency AND NEW.contact_id = OLD.contact_id THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND coalesce(current_setting('kanal.merging_contacts', true), '') = 'on'
     AND NEW.id = OLD.id AND NEW.org_id = OLD.org_id AND NEW.kind = OLD.kind AND NEW.amount_minor = OLD.amount_minor
     AND NEW.currency = OLD.currency AND NEW.idempotency_key = OLD.idempotency_key AND NEW.occurred_at = OLD.occurred_at
     AND NEW.description = OLD.description AND NEW.external_ref IS NOT DISTINCT FROM OLD.external_ref THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'ledger entries are immutable: add a correcting entry instead' USING ERRCODE = 'restrict_violation';
END $$;
