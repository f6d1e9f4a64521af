-- CreateTable
CREATE TABLE "ShopRedaction" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,

    CONSTRAINT "ShopRedaction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ShopRedaction_shop_requestedAt_idx" ON "ShopRedaction"("shop", "requestedAt");
