import type { ShopCurrencyStore } from "../../services/shop/ports.js";
import type { Database } from "../client.server.js";

export function prismaShopCurrency(db: Database): ShopCurrencyStore {
  return {
    async currencyCode(shop) {
      const row = await db.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true } });
      return row?.currencyCode ?? null;
    },

    async saveCurrencyCode(shop, currencyCode) {
      const row = await db.shop.findUnique({
        where: { domain: shop },
        select: { currencyCode: true, updatedAt: true },
      });
      if (row === null || row.currencyCode === currencyCode) return;
      // updatedAt kept: it tells the backfill whether the shop authenticated again (shopAuthenticatedSince).
      await db.shop.update({ where: { domain: shop }, data: { currencyCode, updatedAt: row.updatedAt } });
    },
  };
}
