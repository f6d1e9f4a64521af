import type { SegmentSnapshotReader } from "../../services/segments/ports.js";
import type { Database } from "../client.server.js";

export function prismaSegmentSnapshots(db: Database): SegmentSnapshotReader {
  return {
    async snapshotsSince(shop, day) {
      const rows = await db.segmentSnapshot.findMany({
        where: { shop, day: { gte: day } },
        select: { segmentId: true, day: true, size: true, revenue: true },
        orderBy: { day: "asc" },
      });
      return rows.map((row) => ({ ...row, revenue: row.revenue.toString() }));
    },
  };
}
