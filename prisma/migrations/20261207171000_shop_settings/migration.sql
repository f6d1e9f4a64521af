-- CreateTable
CREATE TABLE "ShopSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "tagPrefix" TEXT,
    "evaluationMinute" INTEGER,
    "tagBulkThreshold" INTEGER,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "TagChange_shop_at_idx" ON "TagChange"("shop", "at");
