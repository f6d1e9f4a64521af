-- AlterTable
ALTER TABLE "SyncState" ADD COLUMN "partitions" TEXT;
