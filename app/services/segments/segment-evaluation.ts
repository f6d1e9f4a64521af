import { shopLocalDate } from "../../domain/segments/segment-dates.js";
import type { SegmentTree } from "../../domain/segments/segment-tree.js";
import type { ShopThresholds } from "../../domain/segments/shop-thresholds.js";
import type {
  CauseOfChange,
  EvaluationSettings,
  MembershipChanges,
  SegmentEvaluationStore,
  SegmentPreview,
  SegmentRecord,
  SegmentRepository,
} from "./ports.js";
import { withShopSettings, type ShopSettingsDeps } from "./shop-evaluation-settings.js";

export interface SegmentEvaluationDeps extends ShopSettingsDeps {
  segments: SegmentRepository;
  evaluation: SegmentEvaluationStore;
}

export interface ShopEvaluation extends MembershipChanges {
  segments: number;
}

/** The stored thresholds, or fresh ones for a shop never fully evaluated. */
async function thresholdsFor(deps: SegmentEvaluationDeps, shop: string, now: Date): Promise<ShopThresholds> {
  return (await deps.evaluation.storedThresholds(shop)) ?? deps.evaluation.refreshThresholds(shop, now);
}

async function applyAll(
  deps: SegmentEvaluationDeps,
  shop: string,
  segments: readonly SegmentRecord[],
  thresholds: ShopThresholds,
  settings: EvaluationSettings,
  cause: CauseOfChange,
  customerIds?: readonly string[],
): Promise<ShopEvaluation> {
  const changes = await deps.evaluation.applyMemberships(shop, segments, thresholds, settings, cause, customerIds);
  return { segments: segments.length, ...changes };
}

/**
 * Every segment of the shop over every customer: the thresholds are refreshed first (ranks move as the shop's
 * customers do), then each segment's membership is diffed in the database.
 */
export async function evaluateShop(
  deps: SegmentEvaluationDeps,
  shop: string,
  settings: EvaluationSettings,
  cause: CauseOfChange,
): Promise<ShopEvaluation> {
  const thresholds = await deps.evaluation.refreshThresholds(shop, settings.now);
  const shopSettings = await withShopSettings(deps, shop, settings);
  return applyAll(deps, shop, await deps.segments.list(shop), thresholds, shopSettings, cause);
}

/** One segment over every customer (after it was created or edited: cause "edit"), with the stored thresholds. */
export async function evaluateSegment(
  deps: SegmentEvaluationDeps,
  shop: string,
  segment: SegmentRecord,
  settings: EvaluationSettings,
  cause: CauseOfChange,
): Promise<MembershipChanges> {
  const thresholds = await thresholdsFor(deps, shop, settings.now);
  const shopSettings = await withShopSettings(deps, shop, settings);
  return deps.evaluation.applyMembership(shop, segment, thresholds, shopSettings, cause);
}

/**
 * The webhook path: these customers (usually one) across all the shop's segments, placed by the shop's stored
 * thresholds, each change recorded with the webhook's event id.
 */
export async function evaluateCustomers(
  deps: SegmentEvaluationDeps,
  shop: string,
  customerIds: readonly string[],
  settings: EvaluationSettings,
  eventId: string | null,
): Promise<ShopEvaluation> {
  if (customerIds.length === 0) return { segments: 0, entered: 0, exited: 0 };
  const thresholds = await thresholdsFor(deps, shop, settings.now);
  const segments = await deps.segments.list(shop);
  const shopSettings = await withShopSettings(deps, shop, settings);
  const cause: CauseOfChange = { cause: "webhook", causeRef: eventId };
  return applyAll(deps, shop, segments, thresholds, shopSettings, cause, customerIds);
}

/** What an unsaved tree would hold now: size, share, revenue, AOV and a sample, nothing written but thresholds. */
export async function previewSegment(
  deps: SegmentEvaluationDeps,
  shop: string,
  tree: SegmentTree,
  settings: EvaluationSettings,
): Promise<SegmentPreview> {
  const thresholds = await thresholdsFor(deps, shop, settings.now);
  return deps.evaluation.preview(shop, tree, thresholds, await withShopSettings(deps, shop, settings));
}

/** The shop-local date of `now` as YYYY-MM-DD: a snapshot's day. */
export function snapshotDay(now: Date, timeZone: string): string {
  const { year, month, day } = shopLocalDate(now, timeZone);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Today's snapshot of every segment of the shop (a repeat the same day replaces it). */
export async function snapshotSegments(
  deps: SegmentEvaluationDeps,
  shop: string,
  settings: Pick<EvaluationSettings, "now" | "timeZone">,
): Promise<string> {
  const day = snapshotDay(settings.now, settings.timeZone);
  const segments = await deps.segments.list(shop);
  await deps.evaluation.snapshot(
    shop,
    segments.map((segment) => segment.id),
    day,
  );
  return day;
}
