-- CreateTable
CREATE TABLE "DeletedOrder" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "deletedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "id")
);
