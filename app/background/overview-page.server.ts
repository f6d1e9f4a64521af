import db from "../db.server.js";
import { prismaSyncStatus } from "../db/sync/sync-status.server.js";
import { loadOverviewPage, type OverviewPage } from "../services/shop/shop-overview.js";
import { adminGraphql, type RemixAdmin } from "../shopify/admin-graphql.server.js";

/** The home page's loader data, for the request's authenticated admin. */
export function overviewPage(admin: RemixAdmin, shop: string): Promise<OverviewPage> {
  return loadOverviewPage({ graphql: adminGraphql(admin), syncStatus: prismaSyncStatus(db) }, shop);
}
