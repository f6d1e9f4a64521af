import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { prismaDiscountStore } from "../../app/db/discounts/discount-store.server.js";
import type { GraphqlOperation } from "../../app/graphql/operation.js";
import { SHOPIFY_API_VERSION } from "../../app/lib/api-version.js";
import { createSegmentDiscount, listSegmentDiscounts } from "../../app/services/discounts/segment-discounts.js";
import { AdminClient } from "../../app/shopify/admin-client.server.js";
import { shopifyDiscounts } from "../../app/shopify/discounts/shopify-discounts.server.js";
import { createEmulatorFetch } from "../../app/shopify/emulator-routing.js";
import { type AppStack, openEmbeddedApp, startAppStack, waitFor } from "../helpers/app-stack.js";
import { freshDatabase, providers, type TestDatabase } from "../helpers/databases.js";

const SHOP = "discount-attribution.myshopify.com";

describe.each(await providers())("discount attribution through the running app, on %s", (provider) => {
  let database: TestDatabase;
  let stack: AppStack;
  let db: Database;

  beforeAll(async () => {
    database = await freshDatabase(provider);
    stack = await startAppStack({ databaseUrl: database.url });
    await stack.control.createShop({ domain: SHOP, name: "Discount Outfitters" });
    await stack.control.install(SHOP);
    db = createDatabase(database.url);
    const response = await openEmbeddedApp(stack, SHOP);
    expect(response.status, stack.logs.join("")).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    await stack?.stop();
    await database?.drop();
  });

  it(
    "given a segment's code discount, when members order with the code in Shopify and the webhooks reach the app, then the discount shows their revenue",
    { timeout: 90_000 },
    async () => {
      const { accessToken } = await stack.control.install(SHOP);
      const client = new AdminClient({
        shop: SHOP,
        apiVersion: SHOPIFY_API_VERSION,
        token: { accessToken: async () => accessToken },
        fetch: createEmulatorFetch(stack.emulator.url, globalThis.fetch),
      });
      const deps = {
        shopify: shopifyDiscounts((document, variables) =>
          client.execute(document as GraphqlOperation<never, Record<string, unknown>>, variables),
        ),
        store: prismaDiscountStore(db, database.url),
      };
      const segment = { id: "seg-vip", name: "VIP", tag: "vip" };
      const vip = await stack.control.createCustomer(SHOP, { email: "vip@example.com", tags: ["vip"] });
      const made = await createSegmentDiscount(
        deps,
        SHOP,
        segment,
        { method: "code", kind: "fixed", value: "10", code: "VIPTEN" },
        new Date(),
      );
      expect(made.ok).toBe(true);

      for (const price of ["60.00", "40.00"]) {
        await stack.control.createOrder(SHOP, {
          customerId: vip.id,
          lineItems: [{ title: "Boots", price, quantity: 1 }],
          discountCodes: ["VIPTEN"],
          financialStatus: "PAID",
        });
      }
      await stack.emulator.webhooks.idle();

      const [listed] = await waitFor(async () => {
        const views = await listSegmentDiscounts(deps, SHOP, segment.id);
        return views[0]?.redemptions === 2 ? views : null;
      });
      // 60 − 10 and 40 − 10: the orders' totals after the discount.
      expect(listed).toMatchObject({ code: "VIPTEN", redemptions: 2, revenue: "80.00", shopifyUsageCount: 2 });
    },
  );
});
