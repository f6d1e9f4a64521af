import db from "../db.server.js";
import { prismaSegmentEvaluation } from "../db/segments/segment-evaluation.server.js";
import {
  prismaSegmentedShops,
  prismaSegmentMembershipReader,
} from "../db/segments/segment-membership-reader.server.js";
import { prismaSegmentDeletion } from "../db/segments/segment-deletion.server.js";
import { prismaSegmentOverlap } from "../db/segments/segment-overlap.server.js";
import { prismaSegmentRepository } from "../db/segments/segment-repository.server.js";
import { prismaRfmGroupSettings } from "../db/segments/shop-segment-settings.server.js";
import { env } from "../env.server.js";
import {
  resetRfmGroups,
  rfmGroupSettings,
  setRfmGroups,
  type ChangedRfmGroups,
  type RfmGroupSettings,
} from "../services/segments/rfm-group-settings.js";
import {
  listSegments,
  segmentBufferOf,
  segmentTreeOf,
  type SegmentListing,
  type SegmentListingDeps,
} from "../services/segments/segment-catalog.js";
import { defineSegment, previewQuery, type DefinedSegment } from "../services/segments/segment-definition.js";
import { startFromTemplates } from "../services/segments/segment-starter.js";
import { segmentSummaries, type SegmentSummary } from "../services/segments/segment-summaries.js";
import { prismaSegmentSnapshotReader } from "../db/segments/segment-snapshot-reader.server.js";
import { prismaSegmentRevenueReader } from "../db/segments/segment-revenue-reader.server.js";
import {
  deleteSegment,
  editSegmentQuery,
  renameSegment,
  type DeletedSegment,
  type EditedSegment,
} from "../services/segments/segment-editing.js";
import { evaluateCustomers, snapshotDay } from "../services/segments/segment-evaluation.js";
import { shopSegmentOverlaps, type ShopOverlaps } from "../services/segments/segment-overlaps.js";
import {
  evaluateAndSnapshot,
  runDueEvaluations,
  type ScheduledEvaluation,
  type SegmentScheduleDeps,
} from "../services/segments/segment-schedule.js";
import type {
  RfmGroupSettingsStore,
  SegmentMember,
  SegmentMembershipChange,
  SegmentPreview,
  SegmentRecord,
} from "../services/segments/ports.js";
import { loadShopSettings } from "../services/shop/shop-settings.js";
import { shopTimeZones } from "../services/shop/shop-time-zone.js";
import { prismaShopSettings } from "../db/shop/shop-settings.server.js";
import { adminClientForShop } from "../shopify/offline-admin.server.js";
import { notifyTagOutbox, retireTagging } from "./tagging.server.js";
import { keepShopifySegmentInStep, retireShopifySegmentOf } from "./discounts.server.js";

/** Segments wired for this process: the worker, the backfill, the daily schedule and the command line use it. */
const timeZoneOf = shopTimeZones((shop) => adminClientForShop(shop).asAdminGraphql());

type WiredDeps = SegmentScheduleDeps & SegmentListingDeps & { rfmGroupSettings: RfmGroupSettingsStore };

function deps(): WiredDeps {
  return {
    overlap: prismaSegmentOverlap(db, env().DATABASE_URL),
    // The shop's RFM group overrides reach every evaluation through the services (shop-evaluation-settings.ts).
    rfmGroupSettings: prismaRfmGroupSettings(db),
    segments: prismaSegmentRepository(db),
    evaluation: prismaSegmentEvaluation(db, env().DATABASE_URL),
    membership: prismaSegmentMembershipReader(db),
    shops: prismaSegmentedShops(db),
    timeZoneOf,
    evaluationMinuteOf: async (shop) => (await loadShopSettings(prismaShopSettings(db), shop)).evaluationMinute,
  };
}

async function settingsFor(shop: string) {
  return { now: new Date(), timeZone: await timeZoneOf(shop) };
}

/** The webhook path: the customers a batch of events changed, across the shop's segments. */
export async function reevaluateCustomers(shop: string, customerIds: string[], eventIds: string[]): Promise<void> {
  const wired = deps();
  if ((await wired.segments.list(shop)).length === 0) return;
  await evaluateCustomers(wired, shop, customerIds, await settingsFor(shop), eventIds.at(-1) ?? null);
}

/** After a backfill: every segment over every customer, and today's snapshot. */
export function evaluateShopSegments(
  shop: string,
  cause: "backfill" | "schedule" = "backfill",
): Promise<ScheduledEvaluation> {
  return evaluateAndSnapshot(deps(), shop, new Date(), cause);
}

/** The daily evaluation of each shop whose local day has begun since its last one. */
export function runDueSegmentEvaluations(
  onError: (shop: string, error: unknown) => void,
): Promise<ScheduledEvaluation[]> {
  return runDueEvaluations(deps(), new Date(), onError);
}

export async function createShopSegment(
  shop: string,
  name: string,
  query: string,
  buffer: { stayWhile?: string; leaveAfterDays?: number } = {},
): Promise<DefinedSegment> {
  segmentTreeOf(query); // a query with errors is refused before Shopify is asked for the shop's time zone
  const stored = segmentBufferOf(buffer);
  return defineSegment(deps(), shop, { name, query, buffer: stored }, await settingsFor(shop));
}

export async function previewShopSegment(shop: string, query: string): Promise<SegmentPreview> {
  segmentTreeOf(query);
  return previewQuery(deps(), shop, query, await settingsFor(shop));
}

export function shopSegments(shop: string): Promise<SegmentListing> {
  return listSegments(deps(), shop);
}

export function shopOverlaps(shop: string): Promise<ShopOverlaps> {
  return shopSegmentOverlaps(deps(), shop);
}

export async function segmentMembers(
  shop: string,
  segmentId: string,
  limit: number,
): Promise<{ members: SegmentMember[]; history: SegmentMembershipChange[] }> {
  const membership = prismaSegmentMembershipReader(db);
  const [members, history] = await Promise.all([
    membership.members(shop, segmentId, limit),
    membership.history(shop, segmentId, limit),
  ]);
  return { members, history };
}

export async function renameShopSegment(shop: string, segment: string, newName: string): Promise<SegmentRecord> {
  const renamed = await renameSegment(deps(), shop, segment, newName, new Date());
  await keepShopifySegmentInStep(shop, renamed.id);
  return renamed;
}

export async function editShopSegment(shop: string, segment: string, query: string): Promise<EditedSegment> {
  segmentTreeOf(query); // a query with errors is refused before Shopify is asked for the shop's time zone
  const edited = await editSegmentQuery(deps(), shop, segment, query, await settingsFor(shop));
  notifyTagOutbox(); // the members who entered or left are marked (the trigger): push without waiting for the poll
  return edited;
}

/** Deletes the segment; its tag then leaves every customer Cohort gave it to (the next push removes it). */
export async function deleteShopSegment(shop: string, segment: string): Promise<DeletedSegment> {
  const deleted = await deleteSegment(
    { segments: prismaSegmentRepository(db), deletion: prismaSegmentDeletion(db, env().DATABASE_URL) },
    shop,
    segment,
    new Date(),
  );
  await retireTagging(shop, deleted.segment.id);
  await retireShopifySegmentOf(shop, deleted.segment.id);
  return deleted;
}

export function shopRfmGroups(shop: string): Promise<RfmGroupSettings> {
  return rfmGroupSettings(deps(), shop);
}

/** Adjusts the named groups (rules by group name) and re-evaluates the segments that use rfm_group. */
export async function setShopRfmGroups(shop: string, changes: Record<string, unknown>): Promise<ChangedRfmGroups> {
  return setRfmGroups(deps(), shop, changes, await settingsFor(shop));
}

export async function resetShopRfmGroups(shop: string): Promise<ChangedRfmGroups> {
  return resetRfmGroups(deps(), shop, await settingsFor(shop));
}

/** A new shop's first segments, from the templates it picked (the dashboard's first-run form). */
export async function startShopWithTemplates(shop: string, templateIds: readonly string[]): Promise<DefinedSegment[]> {
  return startFromTemplates(deps(), shop, templateIds, await settingsFor(shop));
}

/** The dashboard's segments with size, trend and revenue. */
export async function shopSegmentSummaries(shop: string): Promise<SegmentSummary[]> {
  const { now, timeZone } = await settingsFor(shop);
  return segmentSummaries(
    {
      segments: prismaSegmentRepository(db),
      snapshots: prismaSegmentSnapshotReader(db),
      revenue: prismaSegmentRevenueReader(db, env().DATABASE_URL),
    },
    shop,
    snapshotDay(now, timeZone),
  );
}
