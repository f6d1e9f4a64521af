import type { Database } from "../client.server.js";
import type { SyncStatePatch, SyncStateRecord, SyncStateStore, SyncStatus } from "../../services/sync/ports.js";

/** SyncState rows through Prisma (model `SyncState`, one row per shop and resource). */
export function prismaSyncStateStore(db: Database): SyncStateStore {
  const toRecord = (row: Awaited<ReturnType<Database["syncState"]["findUniqueOrThrow"]>>): SyncStateRecord => ({
    shop: row.shop,
    resource: row.resource,
    status: row.status as SyncStatus,
    bulkOperationId: row.bulkOperationId,
    bulkStatus: row.bulkStatus,
    objectCount: row.objectCount,
    processedCount: row.processedCount,
    resumeLine: row.resumeLine,
    watermark: row.watermark,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    lastError: row.lastError,
    limitedToDays: row.limitedToDays,
    partitions: row.partitions,
  });
  return {
    async get(shop, resource) {
      const row = await db.syncState.findUnique({ where: { shop_resource: { shop, resource } } });
      return row ? toRecord(row) : null;
    },
    async update(shop, resource, patch: SyncStatePatch) {
      const row = await db.syncState.upsert({
        where: { shop_resource: { shop, resource } },
        create: { shop, resource, ...patch },
        update: patch,
      });
      return toRecord(row);
    },
    async list(shop) {
      const rows = await db.syncState.findMany({ where: { shop }, orderBy: { resource: "asc" } });
      return rows.map(toRecord);
    },
  };
}
