import { formatMoney } from "../../domain/money.js";
import type { SegmentWarning, ShopSegmentWarning } from "../../domain/segments/segment-warnings.js";
import { daysBefore, percentOf, segmentTrend, TREND_DAYS } from "../../domain/segments/segment-trends.js";
import { listSegments, type SegmentListingDeps } from "./segment-catalog.js";
import type { SegmentRevenueReader, SegmentSnapshotReader } from "./ports.js";

export type SegmentTaggingState = "off" | "on" | "paused";

export interface SegmentListPageDeps extends SegmentListingDeps {
  snapshots: SegmentSnapshotReader;
  revenue: SegmentRevenueReader;
  /** Each segment's tagging state and tag, by segment id (segments never configured are absent: off). */
  taggings(shop: string): Promise<Map<string, { state: SegmentTaggingState; tag: string }>>;
}

export interface SegmentListRow {
  id: string;
  name: string;
  query: string;
  size: number;
  change7: number | null;
  change30: number | null;
  sparkline: number[];
  /** Percent of the shop's revenue its current members spent; null while the shop has no revenue. */
  revenueShare: number | null;
  /** Its current members' net spend (money string). */
  revenue: string;
  /** ISO: the later of its last edit (which evaluates it) and its latest daily snapshot. */
  lastEvaluatedAt: string;
  tag: string | null;
  tagging: SegmentTaggingState;
  warnings: SegmentWarning[];
}

export interface SegmentListPage {
  segments: SegmentListRow[];
  shopWarnings: ShopSegmentWarning[];
}

/** The segments list: each segment with its size, how it moved, its revenue share, tagging and warnings. */
export async function loadSegmentListPage(
  deps: SegmentListPageDeps,
  shop: string,
  today: string,
): Promise<SegmentListPage> {
  const [listing, snapshots, revenueBySegment, shopRevenue, taggings] = await Promise.all([
    listSegments(deps, shop),
    deps.snapshots.snapshotsSince(shop, daysBefore(today, TREND_DAYS)),
    deps.revenue.revenueBySegment(shop),
    deps.snapshots.shopRevenue(shop),
    deps.taggings(shop),
  ]);
  const rows = listing.segments.map((segment): SegmentListRow => {
    const own = snapshots.filter((snapshot) => snapshot.segmentId === segment.id);
    const latest = own.at(-1);
    const trend = segmentTrend(segment.size, own, today);
    const snapshotAt = latest ? `${latest.day}T00:00:00.000Z` : null;
    const tagging = taggings.get(segment.id);
    const revenue = revenueBySegment.get(segment.id) ?? 0n;
    return {
      id: segment.id,
      name: segment.name,
      query: segment.query,
      size: segment.size,
      ...trend,
      revenueShare: percentOf(revenue, shopRevenue),
      revenue: formatMoney(revenue),
      lastEvaluatedAt: snapshotAt !== null && snapshotAt > segment.updatedAt ? snapshotAt : segment.updatedAt,
      tag: tagging?.tag ?? null,
      tagging: tagging?.state ?? "off",
      warnings: segment.warnings,
    };
  });
  return { segments: rows, shopWarnings: listing.shopWarnings };
}
