import type { SegmentSnapshotReader } from "../../services/segments/ports.js";
import type { Database } from "../client.server.js";

export function prismaSegmentSnapshotReader(db: Database): SegmentSnapshotReader {
  return {
    async snapshotsSince(shop, sinceDay) {
      const rows = await db.segmentSnapshot.findMany({
        where: { shop, day: { gte: sinceDay } },
        select: { segmentId: true, day: true, size: true, revenue: true },
        orderBy: [{ segmentId: "asc" }, { day: "asc" }],
      });
      return rows.map((row) => ({
        segmentId: row.segmentId,
        day: row.day,
        size: row.size,
        revenue: BigInt(row.revenue),
      }));
    },

    async shopRevenue(shop) {
      const total = await db.customerMetrics.aggregate({ where: { shop }, _sum: { netSpend: true } });
      return BigInt(total._sum.netSpend ?? 0);
    },
  };
}
