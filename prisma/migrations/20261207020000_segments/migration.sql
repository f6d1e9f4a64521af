-- CreateTable
CREATE TABLE "Segment" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "tree" TEXT NOT NULL,
    "buffer" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "SegmentMember" (
    "shop" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "enteredAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "segmentId", "customerId")
);

-- CreateTable
CREATE TABLE "SegmentMembershipEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "change" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "cause" TEXT NOT NULL,
    "causeRef" TEXT
);

-- CreateTable
CREATE TABLE "SegmentSnapshot" (
    "shop" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "revenue" BIGINT NOT NULL,
    "aov" BIGINT NOT NULL,

    PRIMARY KEY ("shop", "segmentId", "day")
);

-- CreateTable
CREATE TABLE "ShopSegmentThresholds" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "computedAt" DATETIME NOT NULL,
    "customerCount" INTEGER NOT NULL,
    "spendPercentiles" TEXT NOT NULL,
    "rfmScores" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Segment_shop_name_key" ON "Segment"("shop", "name");

-- CreateIndex
CREATE INDEX "SegmentMember_shop_customerId_idx" ON "SegmentMember"("shop", "customerId");

-- CreateIndex
CREATE INDEX "SegmentMembershipEvent_shop_segmentId_at_idx" ON "SegmentMembershipEvent"("shop", "segmentId", "at");
