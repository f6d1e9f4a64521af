-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN "abandonedClaims" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "authenticatedAt" DATETIME;
ALTER TABLE "Shop" ADD COLUMN "scopesUpdatedAt" DATETIME;

-- AlterTable
ALTER TABLE "DataRequest" ADD COLUMN "requestId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "DataRequest_shop_requestId_key" ON "DataRequest"("shop", "requestId");
