-- CreateTable
CREATE TABLE "ShopSegmentSettings" (
    "shop" TEXT NOT NULL,
    "rfmGroups" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopSegmentSettings_pkey" PRIMARY KEY ("shop")
);
