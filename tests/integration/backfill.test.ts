import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { applyMigrations } from "../../app/db/migrate.server.js";
import { prismaSyncStore } from "../../app/db/sync/sync-store.server.js";
import { SHOPIFY_API_VERSION } from "../../app/lib/api-version.js";
import { runBackfill, type BackfillDeps, type BackfillOptions } from "../../app/services/sync/backfill.js";
import { parsePartitionsState } from "../../app/services/sync/order-partitions.js";
import { AdminClient, ShopUnavailableError } from "../../app/shopify/admin-client.server.js";
import { bulkDownloader } from "../../app/shopify/bulk-download.server.js";
import { createEmulatorFetch } from "../../app/shopify/emulator-routing.js";
import { prismaSyncStateStore } from "../../app/db/sync/sync-state.server.js";
import type { GraphqlOperation } from "../../app/graphql/operation.js";
import { localEmulatorConfig } from "../../scripts/local-shopify.js";
import { freshDatabase, providers, type TestDatabase } from "../helpers/databases.js";
import { EmulatorClient } from "../shopify-emulator/client.js";
import { startEmulator, type RunningEmulator } from "../shopify-emulator/server.js";
import { EmulatorStore } from "../shopify-emulator/store/store.js";

const SHOP = "backfill-demo.myshopify.com";
const CUSTOMERS = 300;
const ORDERS = 2000;

let emulator: RunningEmulator;
let control: EmulatorClient;
let accessToken: string;
let scopes: string[];

beforeAll(async () => {
  emulator = await startEmulator({
    store: new EmulatorStore(),
    config: localEmulatorConfig("http://127.0.0.1:9", { timeScale: 0.001 }),
  });
  control = new EmulatorClient(emulator.url);
  await control.createShop({ domain: SHOP });
  await control.seed(SHOP, { seed: 7, customers: CUSTOMERS, orders: ORDERS, now: "2026-06-01T00:00:00Z" });
  const installed = await control.install(SHOP);
  accessToken = installed.accessToken;
  scopes = installed.scopes;
}, 120_000);

afterAll(async () => {
  await emulator?.close();
  emulator?.store.close();
});

function client(token = accessToken): AdminClient {
  return new AdminClient({
    shop: SHOP,
    apiVersion: SHOPIFY_API_VERSION,
    token: { accessToken: async () => token },
    fetch: createEmulatorFetch(emulator.url, globalThis.fetch),
  });
}

function depsFor(db: Database, url: string, download = bulkDownloader(globalThis.fetch)): BackfillDeps {
  const admin = client();
  return {
    graphql: (document, variables) => admin.execute(document, variables),
    scopes: async () => scopes,
    download,
    store: prismaSyncStore(db, url),
    state: prismaSyncStateStore(db),
    clock: {
      now: () => Date.now(),
      sleep: (ms, signal) => new Promise((r) => setTimeout(r, Math.min(ms, 50), signal)),
    },
    random: () => 0.5,
  };
}

async function snapshot(db: Database) {
  const orders = await db.syncedOrder.count({ where: { shop: SHOP } });
  const customers = await db.syncedCustomer.count({ where: { shop: SHOP } });
  const metrics = await db.customerMetrics.findMany({ where: { shop: SHOP }, orderBy: { customerId: "asc" } });
  return {
    orders,
    customers,
    metrics: metrics.map((m) => JSON.stringify(m, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))),
  };
}

async function syncAll(deps: BackfillDeps) {
  await runBackfill(deps, { shop: SHOP, resource: "customers", firstPollMs: 20, maxPollMs: 200 });
  return runBackfill(deps, { shop: SHOP, resource: "orders", firstPollMs: 20, maxPollMs: 200, batchSize: 500 });
}

/** Counts what the emulator shows through the Admin API, independent of the bulk path. */
const ORDER_COUNT = `#graphql
  query CohortTestOrderCount {
    ordersCount(limit: null) {
      count
    }
  }
` as GraphqlOperation<{ ordersCount: { count: number } }>;

const ORDER_COUNT_MATCHING = `#graphql
  query CohortTestOrderCountMatching($query: String) {
    ordersCount(query: $query, limit: null) {
      count
    }
  }
` as GraphqlOperation<{ ordersCount: { count: number } }, { query: string }>;

/** Orders over a threshold of 500 in ranges of about 500: the 2,000-order store exports in four id ranges. */
const IN_RANGES: Omit<BackfillOptions, "shop" | "resource"> = {
  firstPollMs: 20,
  maxPollMs: 200,
  batchSize: 100,
  partitionThreshold: 500,
  partitionSize: 500,
};

/** Fresh migrated databases of `provider`, closed and dropped after the suite. */
function freshDatabases(provider: "sqlite" | "postgresql"): () => Promise<{ db: Database; url: string }> {
  const databases: TestDatabase[] = [];
  const open: Database[] = [];
  afterAll(async () => {
    for (const db of open) await db.$disconnect();
    for (const fresh of databases) await fresh.drop();
  });
  return async () => {
    const fresh = await freshDatabase(provider);
    databases.push(fresh);
    await applyMigrations(fresh.url);
    const db = createDatabase(fresh.url);
    open.push(db);
    return { db, url: fresh.url };
  };
}

async function ordersState(db: Database) {
  return db.syncState.findUniqueOrThrow({ where: { shop_resource: { shop: SHOP, resource: "orders" } } });
}

describe.each(await providers())("backfill against the local Shopify (%s)", (provider) => {
  const database = freshDatabases(provider);

  let clean: Awaited<ReturnType<typeof snapshot>>;

  it("given a seeded demo store, when customers and orders are backfilled, then every order is stored and metrics equal a from-scratch recompute", async () => {
    const { db, url } = await database();
    const deps = depsFor(db, url);
    const result = await syncAll(deps);
    const shopifyOrders = (await client().request(ORDER_COUNT)).ordersCount.count;
    expect(result.processedCount).toBe(shopifyOrders);
    clean = await snapshot(db);
    expect(clean.orders).toBe(shopifyOrders);
    expect(clean.customers).toBe(CUSTOMERS);
    expect(clean.metrics.length).toBeGreaterThan(0);
    await deps.store.recomputeAllMetrics(SHOP);
    expect((await snapshot(db)).metrics).toEqual(clean.metrics);
    const state = await db.syncState.findUniqueOrThrow({
      where: { shop_resource: { shop: SHOP, resource: "orders" } },
    });
    expect(state).toMatchObject({ status: "completed", processedCount: shopifyOrders, limitedToDays: null });
  }, 120_000);

  it("given a crash after part of the result file, when the backfill runs again, then it resumes from resumeLine and reaches the same end state", async () => {
    const { db, url } = await database();
    const real = bulkDownloader(globalThis.fetch);
    let downloads = 0;
    // Downloads run customers, product collections, then orders: the orders file breaks after 3,000 lines.
    const crashing = async function* (download: string, signal?: AbortSignal) {
      const crash = ++downloads === 3;
      let lines = 0;
      for await (const chunk of real(download, signal)) {
        if (crash) {
          lines += chunk.filter((byte) => byte === 10).length;
          if (lines > 3000) throw new TypeError("terminated");
        }
        yield chunk;
      }
    };
    const deps = depsFor(db, url, crashing);
    await runBackfill(deps, { shop: SHOP, resource: "customers", firstPollMs: 20, maxPollMs: 200 });
    await expect(
      runBackfill(deps, {
        shop: SHOP,
        resource: "orders",
        firstPollMs: 20,
        maxPollMs: 200,
        batchSize: 500,
        streamAttempts: 1,
      }),
    ).rejects.toThrow("terminated");
    const crashed = await db.syncState.findUniqueOrThrow({
      where: { shop_resource: { shop: SHOP, resource: "orders" } },
    });
    expect(crashed.status).toBe("failed");
    expect(crashed.resumeLine).toBeGreaterThan(0);
    expect(crashed.processedCount).toBeGreaterThan(0);

    const resumed = await runBackfill(deps, {
      shop: SHOP,
      resource: "orders",
      firstPollMs: 20,
      maxPollMs: 200,
      batchSize: 500,
    });
    expect(resumed.resumedFromLine).toBe(crashed.resumeLine);
    expect(resumed.bulkOperationId).toBe(crashed.bulkOperationId);
    const after = await snapshot(db);
    expect(after.orders).toBe(clean.orders);
    expect(resumed.processedCount).toBe(clean.orders);
    expect(after.metrics).toEqual(clean.metrics);
  }, 120_000);
});

describe.each(await providers())("backfill in id ranges against the local Shopify (%s)", (provider) => {
  const database = freshDatabases(provider);

  let clean: Awaited<ReturnType<typeof snapshot>>;

  it("given a store over the (lowered) threshold, when orders are backfilled, then they export in id ranges and the stored orders and metrics equal one export's", async () => {
    const single = await database();
    await syncAll(depsFor(single.db, single.url));
    clean = await snapshot(single.db);

    const { db, url } = await database();
    const deps = depsFor(db, url);
    await runBackfill(deps, { shop: SHOP, resource: "customers", firstPollMs: 20, maxPollMs: 200 });
    const result = await runBackfill(deps, { shop: SHOP, resource: "orders", ...IN_RANGES });
    expect(result.partitions).toBe(4);
    expect(result.processedCount).toBe(clean.orders);
    expect(await snapshot(db)).toEqual(clean);

    const state = await ordersState(db);
    expect(state).toMatchObject({ status: "completed", processedCount: clean.orders, limitedToDays: null });
    const plan = parsePartitionsState(state.partitions)!;
    expect(plan.parts.every((part) => part.ingested)).toBe(true);
    expect(plan.parts.reduce((sum, part) => sum + part.processedCount, 0)).toBe(clean.orders);
    const earliest = Math.min(...plan.parts.map((part) => Date.parse(part.createdAt!)));
    expect(state.watermark?.getTime()).toBe(earliest);
  }, 180_000);

  it("given a download that breaks in the second id range, when the backfill runs again, then it resumes in that range, reuses the started exports and reaches the same end state", async () => {
    const { db, url } = await database();
    const real = bulkDownloader(globalThis.fetch);
    const downloaded: string[] = [];
    // The orders run downloads the product collections, then range 1, then range 2: that one breaks.
    const crashing = async function* (download: string, signal?: AbortSignal) {
      downloaded.push(download);
      const crash = downloaded.length === 3;
      let lines = 0;
      for await (const chunk of real(download, signal)) {
        if (crash) {
          lines += chunk.filter((byte) => byte === 10).length;
          if (lines > 600) throw new TypeError("terminated");
        }
        yield chunk;
      }
    };
    await runBackfill(depsFor(db, url), { shop: SHOP, resource: "customers", firstPollMs: 20, maxPollMs: 200 });
    const deps = depsFor(db, url, crashing);
    const options = { shop: SHOP, resource: "orders" as const, ...IN_RANGES };
    await expect(runBackfill(deps, { ...options, streamAttempts: 1 })).rejects.toThrow("terminated");

    const crashed = await ordersState(db);
    expect(crashed.status).toBe("failed");
    expect(crashed.resumeLine).toBeGreaterThan(0);
    const plan = parsePartitionsState(crashed.partitions)!;
    expect(plan.parts.map((part) => part.ingested)).toEqual([true, false, false, false]);
    expect(crashed.bulkOperationId).toBe(plan.parts[1]!.operationId);
    // Ranges 3 and 4 were started while range 2 was applied.
    expect(plan.parts.every((part) => part.operationId !== null)).toBe(true);
    const firstRangeUrl = downloaded[1]!;
    const downloadsBefore = downloaded.length;

    const resumed = await runBackfill(deps, options);
    expect(resumed.resumedFromLine).toBe(crashed.resumeLine);
    expect(resumed.processedCount).toBe(clean.orders);
    expect(downloaded.slice(downloadsBefore)).not.toContain(firstRangeUrl);
    const done = await ordersState(db);
    expect(parsePartitionsState(done.partitions)!.parts.map((part) => part.operationId)).toEqual(
      plan.parts.map((part) => part.operationId),
    );
    expect(await snapshot(db)).toEqual(clean);
  }, 180_000);

  it("given no read_all_orders scope, when orders are backfilled in id ranges, then each range keeps the 60-day limit and the result equals one limited export's", async () => {
    const now = Date.parse("2026-06-01T00:00:00Z");
    const limited = (deps: BackfillDeps): BackfillDeps => ({
      ...deps,
      scopes: async () => scopes.filter((scope) => scope !== "read_all_orders"),
      clock: { ...deps.clock, now: () => now },
    });
    const recent = (await client().request(ORDER_COUNT_MATCHING, { query: "created_at:>=2026-04-02" })).ordersCount
      .count;
    expect(recent).toBeGreaterThan(100);

    const single = await database();
    const one = await runBackfill(limited(depsFor(single.db, single.url)), {
      shop: SHOP,
      resource: "orders",
      firstPollMs: 20,
      maxPollMs: 200,
    });
    expect(one).toMatchObject({ partitions: 1, processedCount: recent, limitedToDays: 60 });

    const { db, url } = await database();
    const result = await runBackfill(limited(depsFor(db, url)), {
      shop: SHOP,
      resource: "orders",
      ...IN_RANGES,
      partitionThreshold: 100,
      partitionSize: 50,
    });
    expect(result.partitions).toBeGreaterThan(1);
    expect(result).toMatchObject({ processedCount: recent, limitedToDays: 60 });
    const state = await ordersState(db);
    expect(state).toMatchObject({ status: "completed", limitedToDays: 60 });
    expect(parsePartitionsState(state.partitions)!.search).toBe("created_at:>=2026-04-02");
    expect(await snapshot(db)).toEqual(await snapshot(single.db));
  }, 180_000);
});

describe("AdminClient against the local Shopify", () => {
  it("given a tiny bucket and many concurrent expensive queries, when they run, then none fails and pacing follows throttleStatus", async () => {
    await control.setPlan(SHOP, "BASIC");
    const admin = client();
    const EXPENSIVE = `#graphql
      query CohortTestExpensive {
        orders(first: 250) {
          nodes {
            id
          }
        }
      }
    ` as GraphqlOperation<{ orders: { nodes: { id: string }[] } }>;
    const results = await Promise.all(Array.from({ length: 12 }, () => admin.request(EXPENSIVE)));
    expect(results.every((r) => r.orders.nodes.length === 250)).toBe(true);
    expect(admin.throttleStatus?.maximumAvailable).toBe(2000);
  }, 60_000);

  it("given an unknown token, when a request runs, then it stops with ShopUnavailableError (401)", async () => {
    const error = await client("shpat_not-a-token")
      .request(ORDER_COUNT)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShopUnavailableError);
    expect((error as ShopUnavailableError).status).toBe(401);
  });
});
