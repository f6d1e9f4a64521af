import type { SyncedResource, WatermarkRepository } from "../../services/sync/ports.js";
import type { Database } from "../client.server.js";

/** Reconciliation's view of Shop and SyncState: installed shops and per-resource watermarks. */
export function prismaWatermarks(db: Database): WatermarkRepository {
  return {
    async installedShops() {
      const shops = await db.shop.findMany({ where: { uninstalledAt: null }, select: { domain: true } });
      return shops.map((shop) => shop.domain);
    },
    async isInstalled(shop) {
      return (await db.shop.count({ where: { domain: shop, uninstalledAt: null } })) > 0;
    },
    async getWatermark(shop, resource: SyncedResource) {
      const state = await db.syncState.findUnique({ where: { shop_resource: { shop, resource } } });
      return state?.watermark ? state.watermark.toISOString().replace(/\.\d{3}Z$/, "Z") : null;
    },
    async setWatermark(shop, resource: SyncedResource, watermark) {
      await db.syncState.upsert({
        where: { shop_resource: { shop, resource } },
        create: { shop, resource, watermark: new Date(watermark) },
        update: { watermark: new Date(watermark) },
      });
    },
  };
}
