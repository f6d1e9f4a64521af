-- CreateTable
CREATE TABLE "ShopifySegmentLink" (
    "shop" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,
    "shopifySegmentId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopifySegmentLink_pkey" PRIMARY KEY ("shop","segmentId")
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
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3),
    "usageLimit" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SegmentDiscount_pkey" PRIMARY KEY ("shop","id")
);

-- CreateIndex
CREATE INDEX "SegmentDiscount_shop_segmentId_idx" ON "SegmentDiscount"("shop", "segmentId");

-- CreateIndex
CREATE INDEX "SegmentDiscount_shop_code_idx" ON "SegmentDiscount"("shop", "code");
