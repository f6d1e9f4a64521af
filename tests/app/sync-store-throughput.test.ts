import { describe, expect, it } from "vitest";
import { createDatabase, tuneDatabase, type Database } from "../../app/db/client.server.js";
import { parseDatabaseUrl } from "../../app/db/database-url.js";
import { applyMigrations } from "../../app/db/migrate.server.js";
import { prismaSyncStore } from "../../app/db/sync-store.server.js";
import { parseMoney } from "../../app/domain/money.js";
import type { OrderFacts } from "../../app/domain/sync-records.js";
import { freshDatabase, providers } from "../helpers/databases.js";
import { bigId, customerSnapshot, orderSnapshot, randomSource } from "./sync-store-fixtures.js";

/**
 * The backfill budget: 1,000,000 orders in under 2 minutes on SQLite, at no less than half the speed of a plain
 * batched INSERT of the same rows through the same driver (multi-row INSERTs of inlined literals, the fastest
 * plain form through Prisma: bound parameters are three times slower). Slow, so it runs only with COHORT_THROUGHPUT=<orders>
 * (e.g. 100000); the result is printed.
 */
const ORDERS = Number(process.env.COHORT_THROUGHPUT ?? 0);
const BATCH = 1000;
const SHOP = "a.myshopify.com";

/** Generated in slices, yielding between them: a long synchronous stretch starves vitest's worker messages. */
async function history(count: number): Promise<OrderFacts[]> {
  const random = randomSource(42);
  const orders: OrderFacts[] = [];
  for (let i = 0; i < count; i += 1) {
    orders.push(orderSnapshot(random, bigId(5, i), bigId(7, random.int(count / 4)), 100_000 + i));
    if (i % 5_000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return orders;
}

/** The baseline: the same rows in plain multi-row INSERTs, one transaction per batch, no conflict handling. */
async function plainInsert(db: Database, url: string, orders: OrderFacts[]) {
  const target = parseDatabaseUrl(url);
  const table = (name: string) => (target.provider === "sqlite" ? `"${name}"` : `"${target.schema}"."${name}"`);
  const t = (value: string) => new Date(value).toISOString().replace("Z", "+00:00");
  const literal = (value: unknown): string =>
    value === null || value === undefined
      ? "NULL"
      : typeof value === "string"
        ? `'${value.replace(/'/g, "''")}'`
        : typeof value === "boolean"
          ? target.provider === "sqlite"
            ? String(Number(value))
            : String(value)
          : String(value);
  const insert = async (tx: Pick<Database, "$executeRawUnsafe">, name: string, rows: unknown[][]) => {
    for (let start = 0; start < rows.length; start += BATCH) {
      const values = rows.slice(start, start + BATCH).map((row) => `(${row.map(literal).join(",")})`);
      await tx.$executeRawUnsafe(`INSERT INTO ${table(name)} VALUES ${values.join(",")}`);
    }
  };
  for (let start = 0; start < orders.length; start += BATCH) {
    const batch = orders.slice(start, start + BATCH);
    await db.$transaction(
      async (tx) => {
        await insert(
          tx,
          "SyncedOrder",
          batch.map((o) => [
            SHOP,
            o.id,
            o.customerId,
            t(o.createdAt),
            t(o.processedAt),
            t(o.updatedAt),
            o.cancelledAt && t(o.cancelledAt),
            o.test,
            o.currency,
            o.presentmentCurrency,
            parseMoney(o.totalPrice),
            parseMoney(o.subtotalPrice),
            parseMoney(o.totalDiscounts),
            o.sourceName,
            o.financialStatus,
            o.countryCode,
            o.provinceCode,
            o.city,
          ]),
        );
        await insert(
          tx,
          "SyncedLineItem",
          batch.flatMap((o) =>
            o.lineItems.map((li) => [
              SHOP,
              o.id,
              li.id,
              li.productId,
              li.variantId,
              li.title,
              li.vendor,
              li.productType,
              li.quantity,
              parseMoney(li.amount),
            ]),
          ),
        );
        await insert(
          tx,
          "SyncedLineItemCollection",
          batch.flatMap((o) =>
            o.lineItems.flatMap((li) => [...new Set(li.collectionIds)].map((c) => [SHOP, o.id, li.id, c])),
          ),
        );
        await insert(
          tx,
          "SyncedRefund",
          batch.flatMap((o) => o.refunds.map((r) => [SHOP, o.id, r.id, t(r.createdAt), parseMoney(r.amount)])),
        );
        await insert(
          tx,
          "SyncedOrderDiscountCode",
          batch.flatMap((o) => [...new Set(o.discountCodes)].map((c) => [SHOP, o.id, c])),
        );
      },
      { timeout: 600_000 },
    );
  }
}

describe.each(await providers())("sync store throughput on %s", (provider) => {
  it.skipIf(ORDERS === 0)(
    "given a backfill of orders in batches of 1,000, when upserted, then it runs at least half as fast as plain inserts",
    async () => {
      const orders = await history(ORDERS);
      const rows = orders.reduce((sum, o) => sum + 1 + o.lineItems.length + o.refunds.length, 0);

      const baselineDb = await freshDatabase(provider);
      await applyMigrations(baselineDb.url);
      const plain = createDatabase(baselineDb.url);
      await tuneDatabase(plain, baselineDb.url);
      let started = performance.now();
      await plainInsert(plain, baselineDb.url, orders);
      const plainSeconds = (performance.now() - started) / 1000;
      await plain.$disconnect();
      await baselineDb.drop();

      const storeDb = await freshDatabase(provider);
      await applyMigrations(storeDb.url);
      const db = createDatabase(storeDb.url);
      await tuneDatabase(db, storeDb.url);
      const store = prismaSyncStore(db, storeDb.url);
      started = performance.now();
      for (let start = 0; start < orders.length; start += BATCH) {
        await store.upsertOrders(SHOP, orders.slice(start, start + BATCH));
      }
      const upsertSeconds = (performance.now() - started) / 1000;
      const random = randomSource(7);
      const customers = Array.from({ length: ORDERS / 4 }, (_, i) => customerSnapshot(random, bigId(7, i), 1));
      for (let start = 0; start < customers.length; start += BATCH) {
        await store.upsertCustomers(SHOP, customers.slice(start, start + BATCH));
      }
      started = performance.now();
      await store.recomputeAllMetrics(SHOP);
      const metricsSeconds = (performance.now() - started) / 1000;
      // A second pass of the same snapshots: every one is a duplicate.
      started = performance.now();
      for (let start = 0; start < orders.length; start += BATCH) {
        await store.upsertOrders(SHOP, orders.slice(start, start + BATCH));
      }
      const replaySeconds = (performance.now() - started) / 1000;
      await db.$disconnect();
      await storeDb.drop();

      const rate = (seconds: number) => Math.round(ORDERS / seconds);
      console.log(
        `${provider}: ${ORDERS} orders (${rows} order, line-item and refund rows): plain insert ${rate(plainSeconds)} orders/s, ` +
          `upsertOrders ${rate(upsertSeconds)} orders/s (${Math.round((100 * plainSeconds) / upsertSeconds)}% of plain), ` +
          `replay of the same snapshots ${rate(replaySeconds)} orders/s, recomputeAllMetrics ${metricsSeconds.toFixed(1)}s ` +
          `(${ORDERS / 4} customers' orders)`,
      );
      expect(upsertSeconds).toBeLessThan(plainSeconds * 2);
    },
    1_800_000,
  );
});
