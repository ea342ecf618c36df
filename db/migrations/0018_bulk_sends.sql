CREATE TABLE "bulk_recipients" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" bigint NOT NULL,
	"bulk_send_id" bigint NOT NULL,
	"contact_id" bigint NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"skip_reason" text,
	"message_id" bigint,
	"conversation_id" bigint,
	"sent_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "bulk_sends" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" bigint NOT NULL,
	"name" text NOT NULL,
	"channel_id" bigint NOT NULL,
	"template" jsonb NOT NULL,
	"parameters" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"audience" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"skip_open" boolean DEFAULT false NOT NULL,
	"pace" integer NOT NULL,
	"current_pace" integer NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"start_at" timestamp (3) with time zone NOT NULL,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	"throttled_at" timestamp (3) with time zone,
	"lease_owner" text,
	"lease_until" timestamp (3) with time zone,
	"created_by" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "bulk_opted_out_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "bulk_recipients" ADD CONSTRAINT "bulk_recipients_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_recipients" ADD CONSTRAINT "bulk_recipients_bulk_send_id_bulk_sends_id_fk" FOREIGN KEY ("bulk_send_id") REFERENCES "public"."bulk_sends"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_recipients" ADD CONSTRAINT "bulk_recipients_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_recipients" ADD CONSTRAINT "bulk_recipients_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_recipients" ADD CONSTRAINT "bulk_recipients_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_sends" ADD CONSTRAINT "bulk_sends_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_sends" ADD CONSTRAINT "bulk_sends_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_sends" ADD CONSTRAINT "bulk_sends_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bulk_recipients_send_contact_uq" ON "bulk_recipients" USING btree ("bulk_send_id","contact_id");--> statement-breakpoint
CREATE INDEX "bulk_recipients_queue_idx" ON "bulk_recipients" USING btree ("bulk_send_id","id") WHERE "bulk_recipients"."state" = 'queued';--> statement-breakpoint
CREATE INDEX "bulk_recipients_conversation_idx" ON "bulk_recipients" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "bulk_recipients_contact_idx" ON "bulk_recipients" USING btree ("contact_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "bulk_recipients_message_idx" ON "bulk_recipients" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "bulk_sends_org_idx" ON "bulk_sends" USING btree ("org_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "bulk_sends_active_idx" ON "bulk_sends" USING btree ("status","start_at") WHERE "bulk_sends"."status" in ('scheduled', 'running');--> statement-breakpoint
-- Opt-out keywords: a customer's message that is one of the organization's keywords (organizations.settings
-- -> optOutKeywords, upper-cased; STOP, DUR, İPTAL unless set) opts its contact out of bulk sends, in the
-- transaction that stores the message, whichever path stored it; an event says so (the keyword as actor).
CREATE FUNCTION bulk_opt_out_keyword() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  contact bigint;
BEGIN
  UPDATE contacts k SET bulk_opted_out_at = NEW.created_at, updated_at = NEW.created_at
  FROM conversations v, organizations o
  WHERE v.id = NEW.conversation_id AND k.id = v.contact_id AND o.id = NEW.org_id AND k.bulk_opted_out_at IS NULL
    AND coalesce(o.settings -> 'optOutKeywords', '["STOP", "DUR", "İPTAL", "IPTAL"]'::jsonb) ? upper(btrim(NEW.body, E' \t\r\n.!'))
  RETURNING k.id INTO contact;
  IF contact IS NOT NULL THEN
    INSERT INTO events (org_id, type, conversation_id, data, created_at)
    VALUES (NEW.org_id, 'contact_updated', NEW.conversation_id,
      jsonb_build_object('contactId', contact, 'bulkOptOut', true, 'by', 'keyword', 'keyword', upper(btrim(NEW.body, E' \t\r\n.!'))), NEW.created_at);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER messages_bulk_opt_out AFTER INSERT ON messages FOR EACH ROW
  WHEN (NEW.direction = 'in' AND NEW.kind = 'text' AND length(NEW.body) BETWEEN 2 AND 40)
  EXECUTE FUNCTION bulk_opt_out_keyword();
