import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { prismaSyncStore } from "../../app/db/sync/sync-store.server.js";
import type { CustomerRecord } from "../shopify-emulator/store/types.js";
import { type AppStack, startAppStack, waitFor, openEmbeddedApp } from "../helpers/app-stack.js";
import { freshDatabase, providers, type TestDatabase } from "../helpers/databases.js";

const SHOP = "install-demo.myshopify.com";
const ORDERS = 10_000;
const CUSTOMERS = 2_000;

interface SeededStack {
  database: TestDatabase;
  stack: AppStack;
  db: Database;
}

/** The app and the local Shopify with one seeded shop, on a fresh database. */
async function startSeededStack(
  provider: "sqlite" | "postgresql",
  shop: { domain: string; name: string; seed: string; customers: number; orders: number },
  options: Partial<Parameters<typeof startAppStack>[0]> = {},
): Promise<SeededStack> {
  const database = await freshDatabase(provider);
  const stack = await startAppStack({ databaseUrl: database.url, ...options });
  await stack.control.createShop({ domain: shop.domain, name: shop.name });
  await stack.control.seed(shop.domain, { seed: shop.seed, customers: shop.customers, orders: shop.orders });
  return { database, stack, db: createDatabase(database.url) };
}

async function stopSeededStack(seeded: SeededStack | undefined): Promise<void> {
  await seeded?.db.$disconnect();
  await seeded?.stack.stop();
  await seeded?.database.drop();
}

/** The merchant opens the app in Shopify admin for the first time (session token, then token exchange). */
async function openApp(stack: AppStack, shop: string): Promise<void> {
  const response = await openEmbeddedApp(stack, shop);
  expect(response.status, stack.logs.join("")).toBe(200);
}

/** Waits until both resources' backfills completed; fails at once on a failed one. */
async function completedBackfill(db: Database, shop: string, timeoutMs: number) {
  return waitFor(async () => {
    const states = await db.syncState.findMany({ where: { shop } });
    const failed = states.find((state) => state.status === "failed");
    if (failed) throw new Error(`backfill failed: ${failed.lastError}`);
    return states.length === 2 && states.every((state) => state.status === "completed") ? states : null;
  }, timeoutMs);
}

describe.each(await providers())("a new install on a 10,000-order store, on %s", (provider) => {
  let seeded: SeededStack;

  beforeAll(async () => {
    seeded = await startSeededStack(provider, {
      domain: SHOP,
      name: "Install Demo",
      seed: "2026",
      customers: CUSTOMERS,
      orders: ORDERS,
    });
  }, 120_000);

  afterAll(() => stopSeededStack(seeded));

  it("given the merchant opens the app for the first time, when the install backfill finishes, then every customer's order count and net spend equal Shopify's and the metrics equal a from-scratch recompute", async () => {
    const { stack, db, database } = seeded;
    await openApp(stack, SHOP);
    await completedBackfill(db, SHOP, 180_000);

    // Shopify's own figures for every customer (amountSpent: totals less refunds, cancelled orders excluded).
    const shopifyCustomers = (
      stack.emulator.store.db
        .prepare("SELECT data FROM customers WHERE shop_id = (SELECT id FROM shops WHERE domain = ?)")
        .all(SHOP) as { data: string }[]
    ).map((row) => JSON.parse(row.data) as CustomerRecord);
    expect(shopifyCustomers).toHaveLength(CUSTOMERS);
    expect(await db.syncedOrder.count({ where: { shop: SHOP } })).toBe(ORDERS);

    const store = prismaSyncStore(db, database.url);
    const incremental = await store.customerMetrics(SHOP);
    const byId = new Map(incremental.map((metrics) => [metrics.customerId, metrics]));
    const mismatches = shopifyCustomers.filter((customer) => {
      const ours = byId.get(String(customer.id));
      return (
        !ours || ours.orderCount !== customer.numberOfOrders || Number(ours.netSpend) !== Number(customer.amountSpent)
      );
    });
    expect(mismatches.map((customer) => customer.id)).toEqual([]);

    await store.recomputeAllMetrics(SHOP);
    expect(await store.customerMetrics(SHOP)).toEqual(incremental);
  }, 240_000);
});

describe("a new install with the worker in its own process (COHORT_BACKGROUND=off in the web process)", () => {
  const shop = "split-demo.myshopify.com";
  let seeded: SeededStack;

  beforeAll(async () => {
    seeded = await startSeededStack(
      "sqlite",
      { domain: shop, name: "Split Demo", seed: "2027", customers: 200, orders: 1_000 },
      { separateWorker: true, extraEnv: { COHORT_BACKFILL_SWEEP_MS: "500" } },
    );
  }, 120_000);

  afterAll(() => stopSeededStack(seeded));

  it("given the merchant opens the app, when the web process only records the install, then the worker's sweep backfills the shop", async () => {
    const { stack, db } = seeded;
    await openApp(stack, shop);

    const states = await completedBackfill(db, shop, 120_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${stack.logs.join("")}`);
    });

    expect(states.map((state) => state.resource).sort()).toEqual(["customers", "orders"]);
    expect(await db.syncedOrder.count({ where: { shop } })).toBe(1_000);
    expect(await db.customerMetrics.count({ where: { shop } })).toBe(200);
  }, 180_000);
});
