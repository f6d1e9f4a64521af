import db from "../db.server.js";
import { prismaShopCurrency } from "../db/shop/shop-currency.server.js";
import { shopCurrency } from "../services/shop/shop-currency.js";
import { adminGraphql, type RemixAdmin } from "../shopify/admin-graphql.server.js";

/** The app layout's data: the currency every page shows money in. */
export function appLayoutCurrency(admin: RemixAdmin, shop: string): Promise<string> {
  return shopCurrency({ graphql: adminGraphql(admin), currencies: prismaShopCurrency(db) }, shop);
}
