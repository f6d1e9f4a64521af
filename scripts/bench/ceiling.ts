/**
 * The insert ceiling for `npm run bench -- sync`: the same order rows the backfill writes, as plain multi-row
 * INSERTs of inlined literals (the fastest plain form through Prisma's driver adapters: bound parameters are about
 * three times slower), one transaction per batch, no conflict handling, no metrics.
 */
import type { Database } from "../../app/db/client.server.js";
import { parseDatabaseUrl } from "../../app/db/database-url.js";
import { parseMoney } from "../../app/domain/money.js";
import type { OrderFacts } from "../../app/domain/sync-records.js";

const BATCH = 1000;

/** The baseline: the same rows in plain multi-row INSERTs, one transaction per batch, no conflict handling. */
export async function plainInsertOrders(db: Database, url: string, shop: string, orders: OrderFacts[]): Promise<void> {
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
            shop,
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
              shop,
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
            o.lineItems.flatMap((li) => [...new Set(li.collectionIds)].map((c) => [shop, o.id, li.id, c])),
          ),
        );
        await insert(
          tx,
          "SyncedRefund",
          batch.flatMap((o) => o.refunds.map((r) => [shop, o.id, r.id, t(r.createdAt), parseMoney(r.amount)])),
        );
        await insert(
          tx,
          "SyncedOrderDiscountCode",
          batch.flatMap((o) => [...new Set(o.discountCodes)].map((c) => [shop, o.id, c])),
        );
      },
      { timeout: 600_000 },
    );
  }
}
