-- The tag outbox is marked in the transaction that changes a membership, whatever code path records the change:
-- every entry or exit of a segment whose tagging is on marks its customer (docs/decisions/0014-tag-state.md).
-- One set-based statement per inserting statement (a transition table), not a function call per row.
CREATE FUNCTION "mark_tags_for_membership_events"() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO "TagPending" ("shop", "customerId", "generation", "markedAt", "cause", "causeRef", "attempts")
    SELECT DISTINCT ON (e."shop", e."customerId") e."shop", e."customerId", 1, e."at", e."cause", e."causeRef", 0
    FROM inserted e
    JOIN "SegmentTagging" t ON t."shop" = e."shop" AND t."segmentId" = e."segmentId" AND t."state" = 'on'
    ORDER BY e."shop", e."customerId", e."at" DESC
    ON CONFLICT ("shop", "customerId") DO UPDATE SET "generation" = "TagPending"."generation" + 1,
        "markedAt" = excluded."markedAt", "cause" = excluded."cause", "causeRef" = excluded."causeRef",
        "attempts" = 0, "notBefore" = NULL;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "SegmentMembershipEvent_marks_tags" AFTER INSERT ON "SegmentMembershipEvent"
REFERENCING NEW TABLE AS inserted
FOR EACH STATEMENT EXECUTE FUNCTION "mark_tags_for_membership_events"();
