import { formatMoney } from "../../domain/money.js";
import { previousDay } from "../../domain/shop/shop-settings.js";
import type { SegmentRepository, SegmentRevenueReader, SegmentSnapshotReader } from "./ports.js";

/** How many days of snapshots a trend covers. */
export const TREND_DAYS = 7;

export interface SegmentSummary {
  id: string;
  name: string;
  /** Members now. */
  size: number;
  /** Members now minus members at the oldest snapshot of the trend's window; null without an earlier snapshot. */
  trend: number | null;
  /** Sizes of the window's snapshots, oldest first (a sparkline's points). */
  sizeHistory: number[];
  /** The current members' net spend, as a decimal string (computed now, not read from a snapshot). */
  revenue: string;
}

/** The dashboard's segments: each with its size, its trend over the last week and its members' revenue. */
export async function segmentSummaries(
  deps: {
    segments: Pick<SegmentRepository, "list" | "sizes">;
    snapshots: SegmentSnapshotReader;
    revenue: SegmentRevenueReader;
  },
  shop: string,
  today: string,
): Promise<SegmentSummary[]> {
  let since = today;
  for (let i = 0; i < TREND_DAYS; i += 1) since = previousDay(since);
  const [segments, sizes, snapshots, revenue] = await Promise.all([
    deps.segments.list(shop),
    deps.segments.sizes(shop),
    deps.snapshots.snapshotsSince(shop, since),
    deps.revenue.revenueBySegment(shop),
  ]);
  return segments.map((segment) => {
    const own = snapshots.filter((row) => row.segmentId === segment.id);
    const size = sizes.get(segment.id) ?? 0;
    const earliest = own[0];
    return {
      id: segment.id,
      name: segment.name,
      size,
      trend: earliest !== undefined && earliest.day < today ? size - earliest.size : null,
      sizeHistory: own.map((row) => row.size),
      revenue: formatMoney(revenue.get(segment.id) ?? 0n),
    };
  });
}
