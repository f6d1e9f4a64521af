-- CreateTable
CREATE TABLE "ShopifySegmentLink" (
    "shop" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,
    "shopifySegmentId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "segmentId")
);

-- CreateTable
CREATE TABLE "SegmentDiscount" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "code" TEXT,
    "value" BIGINT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME,
    "usageLimit" INTEGER,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "id")
);

-- CreateIndex
CREATE INDEX "SegmentDiscount_shop_segmentId_idx" ON "SegmentDiscount"("shop", "segmentId");

-- CreateIndex
CREATE INDEX "SegmentDiscount_shop_code_idx" ON "SegmentDiscount"("shop", "code");
