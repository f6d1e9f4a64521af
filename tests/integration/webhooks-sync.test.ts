import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { mintSessionToken } from "../shopify-emulator/auth/session-token.js";
import {
  type AppStack,
  BROWSER_HEADERS,
  inboxDrained,
  startAppStack,
  waitFor,
  openEmbeddedApp,
} from "../helpers/app-stack.js";
import { freshDatabase, providers, type TestDatabase } from "../helpers/databases.js";
import { signedWebhook } from "../helpers/webhooks.js";

const SHOP = "sync-e2e.myshopify.com";

describe.each(await providers())("webhooks applied by the running app, on %s", (provider) => {
  let database: TestDatabase;
  let stack: AppStack;
  let db: Database;

  beforeAll(async () => {
    database = await freshDatabase(provider);
    stack = await startAppStack({ databaseUrl: database.url });
    await stack.control.createShop({ domain: SHOP, name: "Sync Outfitters" });
    await stack.control.install(SHOP);
    db = createDatabase(database.url);
    // Opening the app stores the offline session the worker reads Shopify with.
    await openApp();
  }, 120_000);

  /** The merchant opens Cohort in the admin: session token, token exchange, afterAuth. */
  async function openApp(): Promise<void> {
    const response = await openEmbeddedApp(stack, SHOP);
    expect(response.status, stack.logs.join("")).toBe(200);
  }

  afterAll(async () => {
    await db?.$disconnect();
    await stack?.stop();
    await database?.drop();
  });

  // Longer than the file's default: inboxDrained waits up to 30 s for a delivery the chaos delayed, and reports
  // what is still pending when it gives up, which a test timeout would cut short.
  it(
    "given orders placed with duplicated and reordered deliveries, when the webhooks arrive, then the worker stores the orders and the customer's metrics",
    { timeout: 90_000 },
    async () => {
      await stack.control.setChaos(SHOP, { duplicateRate: 0.5, reorderWindow: 4, seed: 2 });
      const customer = await stack.control.createCustomer(SHOP, { email: "sync.buyer@example.com", tags: ["vip"] });
      const first = await stack.control.createOrder(SHOP, {
        customerId: customer.id,
        lineItems: [{ title: "Boots", price: "80.00", quantity: 1 }],
        financialStatus: "PAID",
      });
      await stack.control.createOrder(SHOP, {
        customerId: customer.id,
        lineItems: [{ title: "Laces", price: "5.00", quantity: 2 }],
        financialStatus: "PAID",
      });
      await stack.control.refundOrder(SHOP, first.id, { amount: "20.00" });
      await stack.emulator.webhooks.idle();
      await stack.control.clearChaos(SHOP);

      const metrics = await waitFor(async () => {
        const row = await db.customerMetrics.findUnique({
          where: { shop_customerId: { shop: SHOP, customerId: String(customer.id) } },
        });
        return row && row.netSpend === 700_000n ? row : null;
      });
      expect(metrics).toMatchObject({ orderCount: 2, refundedAmount: 200_000n });
      // A delivery delayed by the chaos may still be in the inbox: once it is applied, the state must not regress.
      await inboxDrained(db, stack, SHOP);
      expect(
        await db.customerMetrics.findUnique({
          where: { shop_customerId: { shop: SHOP, customerId: String(customer.id) } },
        }),
      ).toMatchObject({ orderCount: 2, netSpend: 700_000n, refundedAmount: 200_000n });
    },
  );

  it("given a customers/data_request, when it arrives, then the merchant can download what Cohort stores about the customer", async () => {
    const customer = await stack.control.createCustomer(SHOP, { email: "asks@example.com" });
    await stack.control.createOrder(SHOP, {
      customerId: customer.id,
      lineItems: [{ title: "Hat", price: "15.00", quantity: 1 }],
    });
    await waitFor(() => db.syncedOrder.findFirst({ where: { shop: SHOP, customerId: String(customer.id) } }));
    await stack.control.fireWebhook(SHOP, { topic: "customers/data_request", customerId: customer.id });
    const request = await waitFor(() =>
      db.dataRequest.findFirst({ where: { shop: SHOP, customerId: String(customer.id) } }),
    );

    const token = mintSessionToken(stack.emulator.context, { shopDomain: SHOP });
    const response = await fetch(`${stack.appUrl}/app/privacy?download=${request.id}&_data=routes%2Fapp.privacy`, {
      headers: { ...BROWSER_HEADERS, authorization: `Bearer ${token}` },
    });
    expect(response.status, stack.logs.join("")).toBe(200);
    const body = (await response.json()) as { customerId: string; orders: unknown[] };
    expect(body.customerId).toBe(String(customer.id));
    expect(body.orders).toHaveLength(1);
  });

  it("given a customers/redact, when it arrives, then the customer's data is erased and their orders are detached", async () => {
    const customer = await stack.control.createCustomer(SHOP, {
      email: "forget@example.com",
      addresses: [{ city: "Ghent", countryCode: "BE" }],
    });
    const order = await stack.control.createOrder(SHOP, {
      customerId: customer.id,
      lineItems: [{ title: "Scarf", price: "30.00", quantity: 1 }],
      shippingAddress: { city: "Ghent", countryCode: "BE" },
    });
    await waitFor(() => db.syncedOrder.findFirst({ where: { shop: SHOP, id: String(order.id) } }));
    // A body the worker rejects (no order id) is kept 7 days for diagnosis, with the customer's email in it: the
    // erasure must remove it (applied bodies are blanked anyway, so they cannot show that it does).
    const rejected = signedWebhook({
      topic: "orders/create",
      shop: SHOP,
      payload: { email: "forget@example.com", customer: { id: customer.id, email: "forget@example.com" } },
    });
    const delivery = await fetch(`${stack.appUrl}/webhooks/orders/create`, { method: "POST", ...rejected });
    expect(delivery.status).toBe(200);
    const keptWithEmail = { shop: SHOP, processedAt: { not: null }, payload: { contains: "forget@example.com" } };
    await waitFor(async () => ((await db.webhookEvent.count({ where: keptWithEmail })) === 1 ? true : null));
    // Shopify sends customers/redact long after the customer's last webhooks: let those land and apply first.
    await stack.emulator.webhooks.idle();
    await inboxDrained(db, stack, SHOP);
    await stack.control.fireWebhook(SHOP, { topic: "customers/redact", customerId: customer.id });
    await waitFor(async () => {
      const row = await db.syncedOrder.findUnique({ where: { shop_id: { shop: SHOP, id: String(order.id) } } });
      return row && row.customerId === null ? row : null;
    });
    const stored = await db.syncedCustomer.findUnique({ where: { shop_id: { shop: SHOP, id: String(customer.id) } } });
    expect(stored === null || (stored.deletedAt !== null && stored.city === null)).toBe(true);
    expect(await db.webhookEvent.count({ where: { shop: SHOP, payload: { contains: "forget@example.com" } } })).toBe(0);
  });

  it(
    "given a customer's order deleted in the local Shopify, when orders/delete arrives, then the order and its rows are gone and the customer's metrics drop",
    { timeout: 90_000 },
    async () => {
      const customer = await stack.control.createCustomer(SHOP, { email: "deletes@example.com" });
      const kept = await stack.control.createOrder(SHOP, {
        customerId: customer.id,
        lineItems: [{ title: "Socks", price: "10.00", quantity: 1 }],
        financialStatus: "PAID",
        discountCodes: [{ code: "TEN", amount: "1.00" }],
      });
      const doomed = await stack.control.createOrder(SHOP, {
        customerId: customer.id,
        lineItems: [{ title: "Coat", price: "90.00", quantity: 1 }],
        financialStatus: "PAID",
        discountCodes: [{ code: "TEN", amount: "1.00" }],
      });
      const metricsOf = () =>
        db.customerMetrics.findUnique({ where: { shop_customerId: { shop: SHOP, customerId: String(customer.id) } } });
      await waitFor(async () => ((await metricsOf())?.orderCount === 2 ? true : null));

      await stack.control.deleteOrder(SHOP, doomed.id);

      await waitFor(async () => ((await metricsOf())?.orderCount === 1 ? true : null));
      const where = { shop: SHOP, orderId: String(doomed.id) };
      expect(await db.syncedOrder.count({ where: { shop: SHOP, id: String(doomed.id) } })).toBe(0);
      expect(await db.syncedLineItem.count({ where })).toBe(0);
      expect(await db.syncedOrderDiscountCode.count({ where })).toBe(0);
      expect(await db.syncedOrder.count({ where: { shop: SHOP, id: String(kept.id) } })).toBe(1);
      expect(await metricsOf()).toMatchObject({ orderCount: 1, netSpend: 90_000n });
      // Applied webhooks keep no personal data: the payloads are blanked, the rows stay for deduplication.
      await inboxDrained(db, stack, SHOP);
      expect(await db.webhookEvent.count({ where: { shop: SHOP, payload: { contains: "deletes@example.com" } } })).toBe(
        0,
      );
    },
  );

  it("given Shopify revokes the app's token, when background work next needs Shopify, then the shop's work stops until the merchant opens the app again, and nothing is lost", async () => {
    await stack.control.revokeTokens(SHOP);
    const order = await stack.control.createOrder(SHOP, {
      lineItems: [{ title: "Umbrella", price: "25.00", quantity: 1 }],
      financialStatus: "PAID",
    });

    await waitFor(async () => {
      const shop = await db.shop.findUnique({ where: { domain: SHOP } });
      return shop?.uninstalledAt ? shop : null;
    });
    expect(await db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.syncedOrder.count({ where: { shop: SHOP, id: String(order.id) } })).toBe(0);

    await openApp();

    expect((await db.shop.findUnique({ where: { domain: SHOP } }))?.uninstalledAt).toBeNull();
    await waitFor(() => db.syncedOrder.findFirst({ where: { shop: SHOP, id: String(order.id) } }));
  });

  it("given the app is uninstalled, when shop/redact arrives 48 hours later, then nothing of the shop is left", async () => {
    await stack.control.uninstall(SHOP);
    await waitFor(async () => (await db.session.count({ where: { shop: SHOP } })) === 0);
    // Shopify sends it 48 hours after uninstall; the local Shopify lets the test send it now.
    await stack.control.fireWebhook(SHOP, { topic: "shop/redact" });
    // The erasure runs in chunks and records its outcome last: wait for the record, not for a table to empty.
    await waitFor(() => db.shopRedaction.findFirst({ where: { shop: SHOP } }), 30_000);
    expect(await db.syncedOrder.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.webhookEvent.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.customerMetrics.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.dataRequest.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.shopRedaction.findMany({ where: { shop: SHOP }, select: { outcome: true } })).toEqual([
      { outcome: "erased" },
    ]);
  });
});
