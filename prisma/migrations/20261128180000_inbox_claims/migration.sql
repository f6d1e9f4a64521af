-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN "claimedBy" TEXT;
ALTER TABLE "WebhookEvent" ADD COLUMN "claimedUntil" DATETIME;
ALTER TABLE "WebhookEvent" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;

-- DropIndex
DROP INDEX "WebhookEvent_processedAt_idx";

-- CreateIndex
CREATE INDEX "WebhookEvent_processedAt_receivedAt_idx" ON "WebhookEvent"("processedAt", "receivedAt");
