import { formatMoney } from "../../domain/money.js";
import type { SegmentKpis } from "../../domain/segments/segment-kpis.js";
import type {
  MemberPageRequest,
  MembershipCause,
  SegmentDetailReader,
  SegmentMemberRow,
} from "../../services/segments/ports.js";
import type { Database } from "../client.server.js";
import {
  bigintFromRow,
  instantFromRow,
  Parameters,
  segmentDialectFor,
  type BoundValue,
  type SegmentDialect,
} from "./segment-dialect.server.js";

/** Stands in for "never ordered" in the last-order keyset, so members without orders sort as the oldest. */
export const NEVER_ORDERED = "1970-01-01T00:00:00.000Z";

/**
 * The key figures in one statement: the members' sums in an inner query (a member without metrics adds nothing),
 * the divisions in the outer one. Integer division truncates toward zero on both databases; SUM of a bigint is
 * numeric on PostgreSQL, hence the casts.
 */
export function kpiStatement(
  dialect: SegmentDialect,
  shop: string,
  segmentId: string,
): { sql: string; values: BoundValue[] } {
  const T = dialect.table;
  const p = new Parameters(dialect);
  const sql = `SELECT s."customers", s."revenue",
      CASE WHEN s."orders" = 0 THEN 0 ELSE s."revenue" / s."orders" END AS "averageOrderValue",
      CASE WHEN s."customers" = 0 THEN 0 ELSE s."revenue" / s."customers" END AS "averageLifetimeValue",
      CASE WHEN s."customers" = 0 THEN 0 ELSE s."orders" * 100 / s."customers" END AS "ordersPerCustomer",
      CASE WHEN s."customers" = 0 THEN 0 ELSE s."repeaters" * 10000 / s."customers" END AS "repeatRate"
    FROM (SELECT CAST(COUNT(*) AS BIGINT) AS "customers",
        CAST(COALESCE(SUM(m."netSpend"), 0) AS BIGINT) AS "revenue",
        CAST(COALESCE(SUM(m."netOrderCount"), 0) AS BIGINT) AS "orders",
        CAST(COALESCE(SUM(CASE WHEN m."netOrderCount" >= 2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS "repeaters"
      FROM ${T("SegmentMember")} sm
      LEFT JOIN ${T("CustomerMetrics")} m ON m."shop" = sm."shop" AND m."customerId" = sm."customerId"
      WHERE sm."shop" = ${p.text(shop)} AND sm."segmentId" = ${p.text(segmentId)}) s`;
  return { sql, values: p.values };
}

/**
 * A page of members ordered by (sort key, customerId) in the chosen direction, starting strictly after the cursor:
 * keyset pagination, so a page costs the same wherever it is, and rows never repeat or vanish between pages.
 */
export function memberPageStatement(
  dialect: SegmentDialect,
  shop: string,
  segmentId: string,
  request: MemberPageRequest,
): { sql: string; values: BoundValue[] } {
  const T = dialect.table;
  const p = new Parameters(dialect);
  // A function: the sentinel is bound again at each place the key appears, as placeholders are positional.
  const key = () =>
    request.sort === "spend"
      ? `COALESCE(m."netSpend", 0)`
      : request.sort === "orders"
        ? `COALESCE(m."netOrderCount", 0)`
        : `COALESCE(m."lastOrderAt", ${p.instant(NEVER_ORDERED)})`;
  const where = [`sm."shop" = ${p.text(shop)}`, `sm."segmentId" = ${p.text(segmentId)}`];
  if (request.customerIds !== undefined) {
    where.push(`sm."customerId" IN (${request.customerIds.map((id) => p.text(id)).join(", ")})`);
  }
  if (request.after !== null) {
    const bound = () => {
      const value = request.after!.value;
      if (request.sort === "lastOrder") return p.instant(value ?? NEVER_ORDERED);
      return p.integer(BigInt(value ?? "0"));
    };
    const beyond = request.direction === "desc" ? "<" : ">";
    where.push(
      `(${key()} ${beyond} ${bound()} OR (${key()} = ${bound()} AND sm."customerId" ${beyond} ${p.text(request.after.customerId)}))`,
    );
  }
  const direction = request.direction === "desc" ? "DESC" : "ASC";
  const sql = `SELECT sm."customerId", sm."enteredAt", COALESCE(m."netSpend", 0) AS "netSpend",
      COALESCE(m."netOrderCount", 0) AS "netOrderCount", m."lastOrderAt"
    FROM ${T("SegmentMember")} sm
    LEFT JOIN ${T("CustomerMetrics")} m ON m."shop" = sm."shop" AND m."customerId" = sm."customerId"
    WHERE ${where.join(" AND ")}
    ORDER BY ${key()} ${direction}, sm."customerId" ${direction}
    LIMIT ${p.integer(request.limit)}`;
  return { sql, values: p.values };
}

function tagsOf(stored: string): string[] {
  try {
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed) ? parsed.filter((tag): tag is string => typeof tag === "string") : [];
  } catch {
    return [];
  }
}

export function prismaSegmentDetailReader(db: Database, databaseUrl: string): SegmentDetailReader {
  const dialect = segmentDialectFor(databaseUrl);
  return {
    async kpis(shop, segmentId): Promise<SegmentKpis> {
      const { sql, values } = kpiStatement(dialect, shop, segmentId);
      const [row] = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(sql, ...values);
      return {
        customers: Number(bigintFromRow(row!.customers)),
        revenue: formatMoney(bigintFromRow(row!.revenue)),
        averageOrderValue: formatMoney(bigintFromRow(row!.averageOrderValue)),
        averageLifetimeValue: formatMoney(bigintFromRow(row!.averageLifetimeValue)),
        ordersPerCustomerHundredths: Number(bigintFromRow(row!.ordersPerCustomer)),
        repeatRateBasisPoints: Number(bigintFromRow(row!.repeatRate)),
      };
    },

    async memberPage(shop, segmentId, request) {
      if (request.customerIds !== undefined && request.customerIds.length === 0) return [];
      const { sql, values } = memberPageStatement(dialect, shop, segmentId, request);
      const rows = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(sql, ...values);
      return rows.map((row): SegmentMemberRow => ({
        customerId: String(row.customerId),
        enteredAt: instantFromRow(row.enteredAt)!,
        netSpend: formatMoney(bigintFromRow(row.netSpend)),
        netOrderCount: Number(row.netOrderCount),
        lastOrderAt: instantFromRow(row.lastOrderAt),
      }));
    },

    async snapshots(shop, segmentId, limit) {
      const rows = await db.segmentSnapshot.findMany({
        where: { shop, segmentId },
        orderBy: { day: "desc" },
        take: limit,
      });
      return rows.reverse().map((row) => ({
        day: row.day,
        size: row.size,
        revenue: formatMoney(row.revenue),
        averageOrderValue: formatMoney(row.aov),
      }));
    },

    async customerMetrics(shop, customerId) {
      const row = await db.customerMetrics.findUnique({ where: { shop_customerId: { shop, customerId } } });
      if (!row) return null;
      return {
        customerId,
        orderCount: row.orderCount,
        netOrderCount: row.netOrderCount,
        cancelledOrderCount: row.cancelledOrderCount,
        netSpend: formatMoney(row.netSpend),
        refundedAmount: formatMoney(row.refundedAmount),
        averageOrderValue: formatMoney(row.averageOrderValue),
        firstOrderAt: row.firstOrderAt?.toISOString() ?? null,
        lastOrderAt: row.lastOrderAt?.toISOString() ?? null,
        refundCount: row.refundCount,
        discountCodeUseCount: row.discountCodeUseCount,
        tags: tagsOf(row.tags),
      };
    },

    async customerMemberships(shop, customerId) {
      const rows = await db.segmentMember.findMany({
        where: { shop, customerId },
        orderBy: { enteredAt: "desc" },
        select: { segmentId: true, enteredAt: true },
      });
      return rows.map((row) => ({ segmentId: row.segmentId, enteredAt: row.enteredAt.toISOString() }));
    },

    async customerHistory(shop, customerId, limit) {
      const rows = await db.segmentMembershipEvent.findMany({
        where: { shop, customerId },
        orderBy: [{ at: "desc" }, { id: "desc" }],
        take: limit,
      });
      return rows.map((row) => ({
        segmentId: row.segmentId,
        customerId: row.customerId,
        change: row.change === "exit" ? ("exit" as const) : ("enter" as const),
        at: row.at.toISOString(),
        cause: row.cause as MembershipCause,
        causeRef: row.causeRef,
      }));
    },
  };
}
