import { describe, expect, it } from "vitest";
import { prismaShopCurrency } from "../../../../app/db/shop/shop-currency.server.js";
import { markShopInstalled } from "../../../../app/db/shop/shops.server.js";
import type { AdminGraphql } from "../../../../app/services/shop/ports.js";
import { shopCurrency } from "../../../../app/services/shop/shop-currency.js";
import { providers } from "../../../helpers/databases.js";
import { migratedDatabases } from "../../../helpers/migrated-databases.js";

const SHOP = "currency.myshopify.com";
const OTHER_SHOP = "other-currency.myshopify.com";

const openDatabase = migratedDatabases();

describe.each(await providers())("the shop's currency on %s", (provider) => {
  it("given two installed shops, when the layout reads a shop's currency, then Shopify is asked once, the answer is kept on that shop's row only, and the row's updatedAt stays", async () => {
    const { db } = await openDatabase(provider);
    await markShopInstalled(db, SHOP, null);
    await markShopInstalled(db, OTHER_SHOP, null);
    const before = await db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    let asked = 0;
    const graphql: AdminGraphql = async <T>() => {
      asked += 1;
      return { shop: { currencyCode: "EUR" } } as T;
    };
    const deps = { graphql, currencies: prismaShopCurrency(db) };

    expect(await shopCurrency(deps, SHOP)).toBe("EUR");
    expect(await shopCurrency(deps, SHOP)).toBe("EUR");
    expect(asked).toBe(1);
    const after = await db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(after.currencyCode).toBe("EUR");
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(await deps.currencies.currencyCode(OTHER_SHOP)).toBeNull();

    // The dashboard reads the shop again: a changed currency replaces the stored one.
    await deps.currencies.saveCurrencyCode(SHOP, "CAD");
    expect(await deps.currencies.currencyCode(SHOP)).toBe("CAD");
    expect(await deps.currencies.currencyCode(OTHER_SHOP)).toBeNull();
  });

  it("given a shop Cohort has no row for, when its currency is saved, then nothing is written", async () => {
    const { db } = await openDatabase(provider);
    const currencies = prismaShopCurrency(db);
    await currencies.saveCurrencyCode("unknown.myshopify.com", "USD");
    expect(await currencies.currencyCode("unknown.myshopify.com")).toBeNull();
    expect(await db.shop.count({ where: { domain: "unknown.myshopify.com" } })).toBe(0);
  });
});
