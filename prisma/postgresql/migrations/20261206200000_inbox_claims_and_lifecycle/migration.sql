-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN "abandonedClaims" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "authenticatedAt" TIMESTAMP(3),
ADD COLUMN "scopesUpdatedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "DataRequest" ADD COLUMN "requestId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "DataRequest_shop_requestId_key" ON "DataRequest"("shop", "requestId");
