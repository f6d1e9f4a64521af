import type { SegmentKpis } from "../../domain/segments/segment-kpis.js";
import type { RfmGroupDefinitions, RfmGroupOverrides } from "../../domain/segments/rfm-groups.js";
import type { SegmentPairOverlap } from "../../domain/segments/segment-overlap.js";
import type { SegmentTree } from "../../domain/segments/segment-tree.js";
import type { ShopThresholds } from "../../domain/segments/shop-thresholds.js";

/** Why a membership changed: a webhook (causeRef: its event id), the schedule, an edit of the segment, a backfill. */
export type MembershipCause = "webhook" | "schedule" | "edit" | "backfill";

export interface CauseOfChange {
  cause: MembershipCause;
  causeRef: string | null;
}

export interface SegmentRecord {
  id: string;
  name: string;
  query: string;
  tree: SegmentTree;
  /** Buffer/hysteresis settings as stored (JSON), or null. */
  buffer: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewSegment {
  name: string;
  query: string;
  tree: SegmentTree;
  buffer?: string | null;
}

/** Where segments are kept. Every method is scoped by shop. */
export interface SegmentRepository {
  /** Null when the shop already has a segment of that name (nothing is written then). */
  create(shop: string, segment: NewSegment, now: Date): Promise<SegmentRecord | null>;
  list(shop: string): Promise<SegmentRecord[]>;
  /** Current member counts by segment id (segments without members are absent). */
  sizes(shop: string): Promise<Map<string, number>>;
  /** The segment of that name, or else of that id; null when the shop has neither. */
  get(shop: string, nameOrId: string): Promise<SegmentRecord | null>;
  /** The segment of that id only (the pages address segments by id); null when the shop has none. */
  getById(shop: string, id: string): Promise<SegmentRecord | null>;
  /** "taken" when another segment of the shop has the name, "missing" when the segment is gone (nothing written). */
  rename(shop: string, segmentId: string, name: string, now: Date): Promise<SegmentRecord | "taken" | "missing">;
  /** Saves a new query and its tree (already checked); null when the segment is gone. */
  replaceQuery(
    shop: string,
    segmentId: string,
    definition: { query: string; tree: SegmentTree },
    now: Date,
  ): Promise<SegmentRecord | null>;
}

/** What an evaluation reads of a segment: its rule and its buffer (segment-buffer.ts), when it has one. */
export type EvaluatedSegment = Pick<SegmentRecord, "id" | "tree"> & Partial<Pick<SegmentRecord, "buffer">>;

/** How a shop's segments are evaluated: what "today" is and how RFM groups are cut. */
export interface EvaluationSettings {
  now: Date;
  timeZone: string;
  rfmGroups?: RfmGroupDefinitions;
}

export interface MembershipChanges {
  entered: number;
  exited: number;
}

export interface SegmentPreview {
  /** Customers the tree matches. */
  size: number;
  /** Customers of the shop with metrics. */
  population: number;
  /** Members' net spend and the shop's (money strings). */
  revenue: string;
  shopRevenue: string;
  /** Members' net spend / their net orders, truncated to a ten-thousandth; "0.00" without orders. */
  averageOrderValue: string;
  /** Up to 10 member customer ids, in id order. */
  sample: string[];
}

/**
 * Segment evaluation in the database: membership is computed and diffed with set-based SQL, never by loading the
 * shop's customers. Each method bounds its own transactions.
 */
export interface SegmentEvaluationStore {
  /** Recomputes and stores the shop's spend percentile and RFM thresholds from its current metrics. */
  refreshThresholds(shop: string, now: Date): Promise<ShopThresholds>;
  /** The thresholds stored by the last refresh, or null. */
  storedThresholds(shop: string): Promise<ShopThresholds | null>;
  /**
   * Brings SegmentMember of `segment` in line with its tree, for all the shop's customers or only `customerIds`:
   * inserts those who entered, deletes those who left, and records one event per change with its cause.
   */
  applyMembership(
    shop: string,
    segment: EvaluatedSegment,
    thresholds: ShopThresholds,
    settings: EvaluationSettings,
    cause: CauseOfChange,
    customerIds?: readonly string[],
  ): Promise<MembershipChanges>;
  /** applyMembership of several segments at once: each customer is read once for all of them. */
  applyMemberships(
    shop: string,
    segments: readonly EvaluatedSegment[],
    thresholds: ShopThresholds,
    settings: EvaluationSettings,
    cause: CauseOfChange,
    customerIds?: readonly string[],
  ): Promise<MembershipChanges>;
  preview(
    shop: string,
    tree: SegmentTree,
    thresholds: ShopThresholds,
    settings: EvaluationSettings,
  ): Promise<SegmentPreview>;
  /** Upserts today's SegmentSnapshot (size, revenue, AOV) of each of these segments from their current members. */
  snapshot(shop: string, segmentIds: readonly string[], day: string): Promise<void>;
}

export interface SegmentMember {
  customerId: string;
  enteredAt: string;
}

export interface SegmentMembershipChange {
  customerId: string;
  change: "enter" | "exit";
  at: string;
  cause: MembershipCause;
  causeRef: string | null;
}

/** A segment's members and its history of entries and exits, newest first; scoped by shop. */
export interface SegmentMembershipReader {
  members(shop: string, segmentId: string, limit: number): Promise<SegmentMember[]>;
  history(shop: string, segmentId: string, limit: number): Promise<SegmentMembershipChange[]>;
  /** The shop-local day of the shop's latest snapshot (written by each scheduled evaluation), or null. */
  lastSnapshotDay(shop: string): Promise<string | null>;
}

/** The installed shops that have at least one segment: those the daily evaluation visits. */
export interface SegmentedShops {
  list(): Promise<string[]>;
}

/**
 * Taking a segment away. Its members leave in bounded transactions (each recording their exit events), so a large
 * segment never holds SQLite's one write lock for long; then the segment row goes.
 */
export interface SegmentDeletion {
  /** Up to `limit` members leave (one exit event each, with `cause`), in one transaction; how many left. */
  exitMembers(shop: string, segmentId: string, cause: CauseOfChange, now: Date, limit: number): Promise<number>;
  /**
   * In one transaction: any members still there leave (as exitMembers, without a limit) and the segment row is
   * deleted. Returns how many left in this last step; false when there was no segment row.
   */
  remove(
    shop: string,
    segmentId: string,
    cause: CauseOfChange,
    now: Date,
  ): Promise<{ removed: boolean; exited: number }>;
}

/** The shop's adjustments of the RFM groups' score ranges (app/domain/segments/rfm-group-overrides.ts). */
export interface RfmGroupSettingsStore {
  /** As last saved (validated); {} when the shop keeps the defaults. */
  rfmGroupOverrides(shop: string): Promise<RfmGroupOverrides>;
  /** Replaces the shop's overrides ({} to go back to the defaults). */
  saveRfmGroupOverrides(shop: string, overrides: RfmGroupOverrides, now: Date): Promise<void>;
}

/** Members segments share, computed in the database; scoped by shop. */
export interface SegmentOverlapReader {
  /**
   * Each pair of the given segments (or of all the shop's) sharing at least one member, with how many: one
   * statement over SegmentMember. Pairs are in canonical order (segment-overlap.ts pairOf), sorted.
   */
  overlaps(shop: string, segmentIds?: readonly string[]): Promise<SegmentPairOverlap[]>;
  /** The shop's customers (with metrics): the whole a segment's share is of. */
  population(shop: string): Promise<number>;
}

export interface SegmentSnapshotRow {
  segmentId: string;
  day: string;
  size: number;
  /** Members' net spend that day, in money units (ten-thousandths, app/domain/money.ts). */
  revenue: bigint;
}

/** Segments' daily snapshots and the shop's revenue, for the segments list; scoped by shop. */
export interface SegmentSnapshotReader {
  /** Every snapshot of the shop's segments on or after `sinceDay` (YYYY-MM-DD). */
  snapshotsSince(shop: string, sinceDay: string): Promise<SegmentSnapshotRow[]>;
  /** The shop's customers' net spend now, in money units. */
  shopRevenue(shop: string): Promise<bigint>;
}

/** What each segment's members are worth now, computed in the database; scoped by shop. */
export interface SegmentRevenueReader {
  /** The current members' net spend by segment id, in money units (segments without spending members are absent). */
  revenueBySegment(shop: string): Promise<Map<string, bigint>>;
}

export type MemberSort = "spend" | "orders" | "lastOrder";

/** Where a page of members starts: after this member in the chosen order (keyset pagination). */
export interface MemberCursor {
  /** The sort column's value of the last member shown: money units or an order count as a decimal string, an ISO instant, or null. */
  value: string | null;
  customerId: string;
}

export interface MemberPageRequest {
  sort: MemberSort;
  direction: "asc" | "desc";
  after: MemberCursor | null;
  limit: number;
  /** Only these customers (a search's matches); absent: all the members. */
  customerIds?: readonly string[];
}

export interface SegmentMemberRow {
  customerId: string;
  enteredAt: string;
  /** Money string; "0.00" for a member without metrics. */
  netSpend: string;
  netOrderCount: number;
  lastOrderAt: string | null;
}

/** One day of a segment's history as the segment page charts it (money strings). */
export interface SegmentHistoryDay {
  day: string;
  size: number;
  revenue: string;
  averageOrderValue: string;
}

export interface CustomerMetricsRow {
  customerId: string;
  orderCount: number;
  netOrderCount: number;
  cancelledOrderCount: number;
  netSpend: string;
  refundedAmount: string;
  averageOrderValue: string;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  refundCount: number;
  discountCodeUseCount: number;
  tags: string[];
}

export interface CustomerMembership {
  segmentId: string;
  enteredAt: string;
}

/** What the segment and customer pages read, computed in the database; every method is scoped by shop. */
export interface SegmentDetailReader {
  /** The segment's key figures (app/domain/segments/segment-kpis.ts) in one SQL statement over its members. */
  kpis(shop: string, segmentId: string): Promise<SegmentKpis>;
  /** One page of members in keyset order: (sort value, customerId), never an offset. */
  memberPage(shop: string, segmentId: string, request: MemberPageRequest): Promise<SegmentMemberRow[]>;
  /** The segment's daily snapshots, oldest first, at most `limit` (the latest ones). */
  snapshots(shop: string, segmentId: string, limit: number): Promise<SegmentHistoryDay[]>;
  customerMetrics(shop: string, customerId: string): Promise<CustomerMetricsRow | null>;
  customerMemberships(shop: string, customerId: string): Promise<CustomerMembership[]>;
  /** The customer's entries and exits across segments, newest first. */
  customerHistory(
    shop: string,
    customerId: string,
    limit: number,
  ): Promise<Array<SegmentMembershipChange & { segmentId: string }>>;
}

export interface CustomerProfile {
  customerId: string;
  name: string | null;
  email: string | null;
}

/** Names and emails stay in Shopify (Cohort does not keep them): read for the rows shown, searched there. */
export interface CustomerProfiles {
  profiles(customerIds: readonly string[]): Promise<Map<string, CustomerProfile>>;
  /** Customer ids whose name or email matches, at most `limit`. */
  search(text: string, limit: number): Promise<string[]>;
}
