import type { MembershipCause, SegmentedShops, SegmentMembershipReader } from "../../services/segments/ports.js";
import type { Database } from "../client.server.js";

export function prismaSegmentMembershipReader(db: Database): SegmentMembershipReader {
  return {
    async members(shop, segmentId, limit) {
      const rows = await db.segmentMember.findMany({
        where: { shop, segmentId },
        orderBy: [{ enteredAt: "desc" }, { customerId: "asc" }],
        take: limit,
      });
      return rows.map((row) => ({ customerId: row.customerId, enteredAt: row.enteredAt.toISOString() }));
    },

    async history(shop, segmentId, limit) {
      const rows = await db.segmentMembershipEvent.findMany({
        where: { shop, segmentId },
        orderBy: [{ at: "desc" }, { id: "desc" }],
        take: limit,
      });
      return rows.map((row) => ({
        customerId: row.customerId,
        change: row.change === "exit" ? "exit" : "enter",
        at: row.at.toISOString(),
        cause: row.cause as MembershipCause,
        causeRef: row.causeRef,
      }));
    },

    async lastSnapshotDay(shop) {
      const row = await db.segmentSnapshot.findFirst({
        where: { shop },
        orderBy: { day: "desc" },
        select: { day: true },
      });
      return row?.day ?? null;
    },
  };
}

export function prismaSegmentedShops(db: Database): SegmentedShops {
  return {
    async list() {
      const [segmented, uninstalled] = await Promise.all([
        db.segment.findMany({ distinct: ["shop"], select: { shop: true }, orderBy: { shop: "asc" } }),
        db.shop.findMany({ where: { uninstalledAt: { not: null } }, select: { domain: true } }),
      ]);
      const gone = new Set(uninstalled.map((shop) => shop.domain));
      return segmented.map((row) => row.shop).filter((shop) => !gone.has(shop));
    },
  };
}
