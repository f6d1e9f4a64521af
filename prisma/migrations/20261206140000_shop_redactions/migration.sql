-- CreateTable
CREATE TABLE "ShopRedaction" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "requestedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "ShopRedaction_shop_requestedAt_idx" ON "ShopRedaction"("shop", "requestedAt");
