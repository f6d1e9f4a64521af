-- CreateTable
CREATE TABLE "SegmentTagging" (
    "shop" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "tagKey" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'off',
    "repair" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SegmentTagging_pkey" PRIMARY KEY ("shop","segmentId")
);

-- CreateTable
CREATE TABLE "ConfirmedCustomerTag" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "tagKey" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "confirmedAt" TIMESTAMP(3) NOT NULL,
    "repairs" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ConfirmedCustomerTag_pkey" PRIMARY KEY ("shop","customerId","tagKey")
);

-- CreateTable
CREATE TABLE "TagPending" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 1,
    "markedAt" TIMESTAMP(3) NOT NULL,
    "cause" TEXT NOT NULL,
    "causeRef" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "notBefore" TIMESTAMP(3),

    CONSTRAINT "TagPending_pkey" PRIMARY KEY ("shop","customerId")
);

-- CreateTable
CREATE TABLE "TagChange" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "segmentId" TEXT,
    "tag" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "ruleText" TEXT,
    "cause" TEXT NOT NULL,
    "causeRef" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "result" TEXT NOT NULL,
    "message" TEXT,

    CONSTRAINT "TagChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SegmentTagging_shop_tagKey_key" ON "SegmentTagging"("shop", "tagKey");

-- CreateIndex
CREATE INDEX "TagPending_shop_markedAt_idx" ON "TagPending"("shop", "markedAt");

-- CreateIndex
CREATE INDEX "TagChange_shop_customerId_at_idx" ON "TagChange"("shop", "customerId", "at");

-- CreateIndex
CREATE INDEX "TagChange_shop_segmentId_at_idx" ON "TagChange"("shop", "segmentId", "at");

-- CreateIndex
CREATE INDEX "TagChange_at_idx" ON "TagChange"("at");
