-- CreateTable
CREATE TABLE "Segment" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "tree" TEXT NOT NULL,
    "buffer" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Segment_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "SegmentMember" (
    "shop" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "enteredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SegmentMember_pkey" PRIMARY KEY ("shop","segmentId","customerId")
);

-- CreateTable
CREATE TABLE "SegmentMembershipEvent" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "change" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "cause" TEXT NOT NULL,
    "causeRef" TEXT,

    CONSTRAINT "SegmentMembershipEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SegmentSnapshot" (
    "shop" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "revenue" BIGINT NOT NULL,
    "aov" BIGINT NOT NULL,

    CONSTRAINT "SegmentSnapshot_pkey" PRIMARY KEY ("shop","segmentId","day")
);

-- CreateTable
CREATE TABLE "ShopSegmentThresholds" (
    "shop" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,
    "customerCount" INTEGER NOT NULL,
    "spendPercentiles" TEXT NOT NULL,
    "rfmScores" TEXT NOT NULL,

    CONSTRAINT "ShopSegmentThresholds_pkey" PRIMARY KEY ("shop")
);

-- CreateIndex
CREATE UNIQUE INDEX "Segment_shop_name_key" ON "Segment"("shop", "name");

-- CreateIndex
CREATE INDEX "SegmentMember_shop_customerId_idx" ON "SegmentMember"("shop", "customerId");

-- CreateIndex
CREATE INDEX "SegmentMembershipEvent_shop_segmentId_at_idx" ON "SegmentMembershipEvent"("shop", "segmentId", "at");
