/**
 * The discounts' tables: ShopifySegmentLink, SegmentDiscount, and their attribution over the synced orders
 * (SyncedOrderDiscountCode × SyncedOrder) in SQL on both databases; app/domain/discounts/discount-attribution.ts is
 * the reference it is tested against.
 */
import type { AttributionRow, DiscountStore, StoredDiscount } from "../../services/discounts/ports.js";
import type { Database } from "../client.server.js";
import { Parameters, segmentDialectFor } from "../segments/segment-dialect.server.js";

type DiscountRow = Awaited<ReturnType<Database["segmentDiscount"]["findMany"]>>[number];

function stored(row: DiscountRow): StoredDiscount {
  return {
    id: row.id,
    segmentId: row.segmentId,
    method: row.method as StoredDiscount["method"],
    kind: row.kind as StoredDiscount["kind"],
    title: row.title,
    code: row.code,
    value: row.value.toString(),
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt?.toISOString() ?? null,
    usageLimit: row.usageLimit,
    createdAt: row.createdAt.toISOString(),
  };
}

export function prismaDiscountStore(db: Database, databaseUrl: string): DiscountStore {
  const dialect = segmentDialectFor(databaseUrl);
  const T = dialect.table;
  return {
    async link(shop, segmentId) {
      const row = await db.shopifySegmentLink.findUnique({ where: { shop_segmentId: { shop, segmentId } } });
      return row
        ? { segmentId: row.segmentId, shopifySegmentId: row.shopifySegmentId, name: row.name, query: row.query }
        : null;
    },
    async saveLink(shop, link, now) {
      const data = { shopifySegmentId: link.shopifySegmentId, name: link.name, query: link.query, updatedAt: now };
      await db.shopifySegmentLink.upsert({
        where: { shop_segmentId: { shop, segmentId: link.segmentId } },
        create: { shop, segmentId: link.segmentId, ...data },
        update: data,
      });
    },
    async deleteLink(shop, segmentId) {
      await db.shopifySegmentLink.deleteMany({ where: { shop, segmentId } });
    },
    async saveDiscount(shop, discount) {
      await db.segmentDiscount.create({
        data: {
          shop,
          id: discount.id,
          segmentId: discount.segmentId,
          method: discount.method,
          kind: discount.kind,
          title: discount.title,
          code: discount.code,
          value: BigInt(discount.value),
          startsAt: new Date(discount.startsAt),
          endsAt: discount.endsAt ? new Date(discount.endsAt) : null,
          usageLimit: discount.usageLimit,
          createdAt: new Date(discount.createdAt),
        },
      });
    },
    async discounts(shop, segmentId) {
      const rows = await db.segmentDiscount.findMany({
        where: { shop, ...(segmentId ? { segmentId } : {}) },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
      return rows.map(stored);
    },
    async attribution(shop, segmentId) {
      const p = new Parameters(dialect);
      const sql = `
        SELECT d."id" AS "discountId",
               COUNT(o."id") AS "redemptions",
               COALESCE(SUM(o."totalPrice"), 0) AS "revenue"
          FROM ${T("SegmentDiscount")} d
          LEFT JOIN (SELECT DISTINCT c."shop", c."orderId", LOWER(c."code") AS "code"
                       FROM ${T("SyncedOrderDiscountCode")} c
                      WHERE c."shop" = ${p.text(shop)}) c
            ON c."code" = LOWER(d."code")
          LEFT JOIN ${T("SyncedOrder")} o
            ON o."shop" = c."shop" AND o."id" = c."orderId" AND o."cancelledAt" IS NULL
           AND o."createdAt" >= d."createdAt" AND o."createdAt" >= d."startsAt"
         WHERE d."shop" = ${p.text(shop)}${segmentId ? ` AND d."segmentId" = ${p.text(segmentId)}` : ""}
         GROUP BY d."id"`;
      const rows = await db.$queryRawUnsafe<{ discountId: string; redemptions: unknown; revenue: unknown }[]>(
        sql,
        ...p.values,
      );
      return rows.map((row): AttributionRow => ({
        discountId: row.discountId,
        redemptions: Number(row.redemptions),
        revenue: BigInt(String(row.revenue).replace(/\.0+$/, "")),
      }));
    },
  };
}
