-- CreateTable
CREATE TABLE "DeletedOrder" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "deletedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeletedOrder_pkey" PRIMARY KEY ("shop","id")
);
