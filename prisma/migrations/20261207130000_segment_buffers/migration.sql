-- A segment's buffer: a member outside its rules stays until leave-after-days have passed since outsideSince.
ALTER TABLE "SegmentMember" ADD COLUMN "outsideSince" DATETIME;
