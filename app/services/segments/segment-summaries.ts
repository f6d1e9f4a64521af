import { formatMoney } from "../../domain/money.js";
import { previousDay } from "../../domain/shop/shop-settings.js";
import type { SegmentRepository, SegmentSnapshotReader } from "./ports.js";

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
  /** The members' net spend at the latest snapshot, as a decimal string ("0.00" without one). */
  revenue: string;
}

/** The dashboard's segments: each with its size, its trend over the last week and its members' revenue. */
export async function segmentSummaries(
  deps: { segments: Pick<SegmentRepository, "list" | "sizes">; snapshots: SegmentSnapshotReader },
  shop: string,
  today: string,
): Promise<SegmentSummary[]> {
  let since = today;
  for (let i = 0; i < TREND_DAYS; i += 1) since = previousDay(since);
  const [segments, sizes, snapshots] = await Promise.all([
    deps.segments.list(shop),
    deps.segments.sizes(shop),
    deps.snapshots.snapshotsSince(shop, since),
  ]);
  return segments.map((segment) => {
    const own = snapshots.filter((row) => row.segmentId === segment.id);
    const size = sizes.get(segment.id) ?? 0;
    const earliest = own[0];
    const latest = own.at(-1);
    return {
      id: segment.id,
      name: segment.name,
      size,
      trend: earliest !== undefined && earliest.day < today ? size - earliest.size : null,
      sizeHistory: own.map((row) => row.size),
      revenue: latest === undefined ? "0.00" : formatMoney(latest.revenue),
    };
  });
}
