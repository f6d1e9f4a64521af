import type { SyncStatusRepository } from "../sync/ports.js";
import { loadSyncStatus, type SyncStatusReport } from "../sync/sync-status.js";
import type { AdminGraphql, ShopCurrencyStore } from "./ports.js";

export const SHOP_OVERVIEW_QUERY = `#graphql
  query ShopOverview {
    shop {
      name
      myshopifyDomain
      currencyCode
    }
    customersCount(limit: null) {
      count
      precision
    }
  }
`;

interface ShopOverviewData {
  shop: { name: string; myshopifyDomain: string; currencyCode: string };
  customersCount: { count: number; precision: "EXACT" | "AT_LEAST" } | null;
}

export interface ShopOverview {
  name: string;
  domain: string;
  currencyCode: string;
  customerCount: number;
}

/** What the app's home page shows about the shop it is embedded in. */
export async function loadShopOverview(graphql: AdminGraphql): Promise<ShopOverview> {
  const data = await graphql<ShopOverviewData>(SHOP_OVERVIEW_QUERY);
  return {
    name: data.shop.name,
    domain: data.shop.myshopifyDomain,
    currencyCode: data.shop.currencyCode,
    customerCount: data.customersCount?.count ?? 0,
  };
}

export interface OverviewPage extends ShopOverview {
  sync: SyncStatusReport;
}

/**
 * The home page: the shop as Shopify describes it, and the state of Cohort's copy of it. The currency read is
 * stored, so a merchant who changes the shop's currency sees it in the admin from their next visit here.
 */
export async function loadOverviewPage(
  deps: { graphql: AdminGraphql; syncStatus: SyncStatusRepository; currencies: ShopCurrencyStore },
  shop: string,
): Promise<OverviewPage> {
  const [overview, sync] = await Promise.all([loadShopOverview(deps.graphql), loadSyncStatus(deps.syncStatus, shop)]);
  await deps.currencies.saveCurrencyCode(shop, overview.currencyCode);
  return { ...overview, sync };
}
