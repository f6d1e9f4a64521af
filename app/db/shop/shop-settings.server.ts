import { NO_STORED_SETTINGS } from "../../domain/shop/shop-settings.js";
import type { ShopSettingsStore } from "../../services/shop/ports.js";
import type { Database } from "../client.server.js";

/** ShopSettings: one row per shop that changed a setting; no row (or a null column) means the default. */
export function prismaShopSettings(db: Database): ShopSettingsStore {
  return {
    async settings(shop) {
      const row = await db.shopSettings.findUnique({
        where: { shop },
        select: { tagPrefix: true, evaluationMinute: true, tagBulkThreshold: true },
      });
      return row ?? NO_STORED_SETTINGS;
    },

    async save(shop, changes, now) {
      const data = { ...changes, updatedAt: now };
      await db.shopSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data });
    },
  };
}
