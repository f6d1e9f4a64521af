-- CreateTable
CREATE TABLE "ShopSettings" (
    "shop" TEXT NOT NULL,
    "tagPrefix" TEXT,
    "evaluationMinute" INTEGER,
    "tagBulkThreshold" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateIndex
CREATE INDEX "TagChange_shop_at_idx" ON "TagChange"("shop", "at");
