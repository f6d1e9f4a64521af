-- CreateTable
CREATE TABLE "ShopSegmentSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "rfmGroups" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);
