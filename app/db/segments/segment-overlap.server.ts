import { byPair, pairOf } from "../../domain/segments/segment-overlap.js";
import type { SegmentOverlapReader } from "../../services/segments/ports.js";
import type { Database } from "../client.server.js";
import { Parameters, segmentDialectFor, type BoundValue, type SegmentDialect } from "./segment-dialect.server.js";

/**
 * All pairs in one statement: SegmentMember joined to itself by shop and customer, each pair once (a's segment id
 * below b's), grouped by pair. The cost is the sum over customers of (their segments)²: every member row of the
 * shop is read once (a, by the primary key's shop prefix), and its customer's other memberships come from the
 * (shop, customerId) index. On SQLite the CROSS JOIN keeps a outside and INDEXED BY names the index: left to
 * itself the planner put b outside and searched a by (shop, segmentId < ?), a scan of earlier segments per member.
 */
export function overlapStatement(
  dialect: SegmentDialect,
  shop: string,
  segmentIds?: readonly string[],
): { sql: string; values: BoundValue[] } {
  const T = dialect.table;
  const byCustomer = dialect.provider === "sqlite" ? ` INDEXED BY "SegmentMember_shop_customerId_idx"` : "";
  const p = new Parameters(dialect);
  const shopParameter = p.text(shop);
  const within = (column: string) =>
    segmentIds === undefined ? "" : ` AND ${column} IN (${segmentIds.map((id) => p.text(id)).join(", ")})`;
  const sql = `SELECT a."segmentId" AS "first", b."segmentId" AS "second", COUNT(*) AS "shared"
    FROM ${T("SegmentMember")} a CROSS JOIN ${T("SegmentMember")} b${byCustomer}
    WHERE a."shop" = ${shopParameter}${within('a."segmentId"')}
      AND b."shop" = a."shop" AND b."customerId" = a."customerId" AND b."segmentId" > a."segmentId"${within('b."segmentId"')}
    GROUP BY a."segmentId", b."segmentId"`;
  return { sql, values: p.values };
}

export function prismaSegmentOverlap(db: Database, databaseUrl: string): SegmentOverlapReader {
  const dialect = segmentDialectFor(databaseUrl);
  return {
    async overlaps(shop, segmentIds) {
      if (segmentIds !== undefined && segmentIds.length < 2) return [];
      const { sql, values } = overlapStatement(dialect, shop, segmentIds);
      const rows = await db.$queryRawUnsafe<Array<{ first: string; second: string; shared: unknown }>>(sql, ...values);
      // The database's text order (PostgreSQL's collation) may differ from JavaScript's: each pair is put in
      // JavaScript's order, which is what the rest of the code compares.
      return rows.map((row) => ({ ...pairOf(row.first, row.second), shared: Number(row.shared) })).sort(byPair);
    },

    async population(shop) {
      return db.customerMetrics.count({ where: { shop } });
    },
  };
}
