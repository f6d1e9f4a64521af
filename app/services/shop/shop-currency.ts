import type { AdminGraphql, ShopCurrencyStore } from "./ports.js";

export const SHOP_CURRENCY_QUERY = `#graphql
  query ShopCurrency {
    shop {
      currencyCode
    }
  }
`;

interface ShopCurrencyData {
  shop: { currencyCode: string };
}

/**
 * The currency the admin shows the shop's money in: as stored, or else asked of Shopify once and stored (the
 * dashboard refreshes it on each visit, shop-overview.ts).
 */
export async function shopCurrency(
  deps: { graphql: AdminGraphql; currencies: ShopCurrencyStore },
  shop: string,
): Promise<string> {
  const stored = await deps.currencies.currencyCode(shop);
  if (stored !== null) return stored;
  const data = await deps.graphql<ShopCurrencyData>(SHOP_CURRENCY_QUERY);
  await deps.currencies.saveCurrencyCode(shop, data.shop.currencyCode);
  return data.shop.currencyCode;
}
