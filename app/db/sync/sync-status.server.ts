import type { SyncStatusRepository } from "../../services/sync/ports.js";
import type { Database } from "../client.server.js";
import { prismaSyncStateStore } from "./sync-state.server.js";

export function prismaSyncStatus(db: Database): SyncStatusRepository {
  return {
    states: (shop) => prismaSyncStateStore(db).list(shop),
    async heldRecords(shop) {
      const [customers, orders] = await Promise.all([
        db.syncedCustomer.count({ where: { shop, deletedAt: null } }),
        db.syncedOrder.count({ where: { shop } }),
      ]);
      return { customers, orders };
    },
    async lastWebhookAppliedAt(shop) {
      const latest = await db.webhookEvent.aggregate({
        where: { shop, processedAt: { not: null }, error: null },
        _max: { processedAt: true },
      });
      return latest._max.processedAt;
    },
  };
}
