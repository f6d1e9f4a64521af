import type { SegmentRevenueReader } from "../../services/segments/ports.js";
import type { Database } from "../client.server.js";
import { bigintFromRow, Parameters, segmentDialectFor } from "./segment-dialect.server.js";

/**
 * Each segment's revenue from its members now, in one statement. Every SegmentMember row is a current member (one
 * held by its buffer, outsideSince set, still counts, as in the snapshots); a member who left has no row. A member
 * without metrics adds nothing. SUM of a bigint is numeric on PostgreSQL, hence the cast.
 */
export function prismaSegmentRevenueReader(db: Database, databaseUrl: string): SegmentRevenueReader {
  const dialect = segmentDialectFor(databaseUrl);
  const T = dialect.table;
  return {
    async revenueBySegment(shop) {
      const p = new Parameters(dialect);
      const sql = `SELECT sm."segmentId" AS "segmentId", CAST(COALESCE(SUM(m."netSpend"), 0) AS BIGINT) AS "revenue"
        FROM ${T("SegmentMember")} sm
        JOIN ${T("CustomerMetrics")} m ON m."shop" = sm."shop" AND m."customerId" = sm."customerId"
        WHERE sm."shop" = ${p.text(shop)}
        GROUP BY sm."segmentId"`;
      const rows = await db.$queryRawUnsafe<Array<{ segmentId: string; revenue: unknown }>>(sql, ...p.values);
      return new Map(rows.map((row) => [row.segmentId, bigintFromRow(row.revenue)]));
    },
  };
}
