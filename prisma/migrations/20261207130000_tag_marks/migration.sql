-- The tag outbox is marked in the transaction that changes a membership, whatever code path records the change:
-- every entry or exit of a segment whose tagging is on marks its customer (docs/decisions/0014-tag-state.md).
CREATE TRIGGER "SegmentMembershipEvent_marks_tags" AFTER INSERT ON "SegmentMembershipEvent"
FOR EACH ROW WHEN EXISTS (
    SELECT 1 FROM "SegmentTagging" t
    WHERE t."shop" = NEW."shop" AND t."segmentId" = NEW."segmentId" AND t."state" = 'on'
)
BEGIN
    INSERT INTO "TagPending" ("shop", "customerId", "generation", "markedAt", "cause", "causeRef", "attempts")
    VALUES (NEW."shop", NEW."customerId", 1, NEW."at", NEW."cause", NEW."causeRef", 0)
    ON CONFLICT ("shop", "customerId") DO UPDATE SET "generation" = "generation" + 1,
        "markedAt" = excluded."markedAt", "cause" = excluded."cause", "causeRef" = excluded."causeRef",
        "attempts" = 0, "notBefore" = NULL;
END;
