import db from "../db.server.js";
import { prismaPrivacyRepository } from "../db/privacy/privacy.server.js";
import { prismaPrivacyRequests } from "../db/privacy/privacy-requests.server.js";
import { shopKnown } from "../db/shop/shops.server.js";
import { prismaSyncStatus } from "../db/sync/sync-status.server.js";
import { loadShopStatus, type ShopStatus } from "../services/shop/shop-status.js";

/** A shop's sync and privacy status, as `npm run cohort -- status` prints it; null for a shop Cohort does not know. */
export function shopStatus(shop: string): Promise<ShopStatus | null> {
  return loadShopStatus(
    {
      shops: { isKnown: (domain) => shopKnown(db, domain) },
      syncStatus: prismaSyncStatus(db),
      privacy: prismaPrivacyRepository(db),
      requests: prismaPrivacyRequests(db),
    },
    shop,
  );
}

export function isShopKnown(shop: string): Promise<boolean> {
  return shopKnown(db, shop);
}

/** Closes the process's database pool, for a command line that is done. */
export function disconnectDatabase(): Promise<void> {
  return db.$disconnect();
}
