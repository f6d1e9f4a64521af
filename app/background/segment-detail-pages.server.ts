import { stringify } from "csv-stringify/sync";
import db from "../db.server.js";
import { prismaSegmentDetailReader } from "../db/segments/segment-detail-reader.server.js";
import { prismaSegmentEvaluation } from "../db/segments/segment-evaluation.server.js";
import { prismaSegmentMembershipReader } from "../db/segments/segment-membership-reader.server.js";
import { prismaSegmentOverlap } from "../db/segments/segment-overlap.server.js";
import { prismaSegmentRepository } from "../db/segments/segment-repository.server.js";
import { prismaRfmGroupSettings } from "../db/segments/shop-segment-settings.server.js";
import { prismaTagStateStore } from "../db/tagging/tag-state-store.server.js";
import { env } from "../env.server.js";
import { loadCustomerPage, type CustomerPage } from "../services/segments/customer-detail-page.js";
import {
  allMembers,
  loadSegmentPage,
  type MembersQuery,
  type SegmentPage,
} from "../services/segments/segment-detail-page.js";
import type { TaggingOutcome } from "../services/tagging/segment-tagging.js";
import type { TagDryRun } from "../services/tagging/tag-dry-run.js";
import { prismaShopSettings } from "../db/shop/shop-settings.server.js";
import { loadShopSettings } from "../services/shop/shop-settings.js";
import { configureTagging, dryRunTagging } from "./tagging.server.js";
import type { TaggingState } from "../services/tagging/ports.js";
import { adminGraphql, type RemixAdmin } from "../shopify/admin-graphql.server.js";
import { shopifyCustomerProfiles } from "../shopify/segments/customer-profiles.server.js";

/** The segment and customer pages, wired: Cohort's database, and Shopify (as the request's admin) for names. */
function deps(admin: RemixAdmin) {
  const url = env().DATABASE_URL;
  return {
    segments: prismaSegmentRepository(db),
    detail: prismaSegmentDetailReader(db, url),
    membership: prismaSegmentMembershipReader(db),
    overlap: prismaSegmentOverlap(db, url),
    evaluation: prismaSegmentEvaluation(db, url),
    rfmGroupSettings: prismaRfmGroupSettings(db),
    tagging: prismaTagStateStore(db, url),
    tagPrefix: async (shop: string) => (await loadShopSettings(prismaShopSettings(db), shop)).tagPrefix,
    profiles: shopifyCustomerProfiles(adminGraphql(admin)),
  };
}

export function segmentPage(
  admin: RemixAdmin,
  shop: string,
  segmentId: string,
  query: MembersQuery,
): Promise<SegmentPage | null> {
  return loadSegmentPage(deps(admin), shop, segmentId, query);
}

export function customerPage(admin: RemixAdmin, shop: string, customerId: string): Promise<CustomerPage | null> {
  return loadCustomerPage(deps(admin), shop, customerId);
}

export type SegmentTaggingRequest = { intent: "dryRun" } | { intent: "configure"; tag: string; state: TaggingState };

export type SegmentTaggingResult =
  { intent: "dryRun"; dryRun: TagDryRun } | { intent: "configure"; outcome: TaggingOutcome } | { intent: "missing" };

/** The tagging card's actions: a dry run (nothing written), or the tag and its switch. */
export async function segmentTaggingAction(
  admin: RemixAdmin,
  shop: string,
  segmentId: string,
  request: SegmentTaggingRequest,
): Promise<SegmentTaggingResult> {
  const wired = deps(admin);
  const segment = await wired.segments.getById(shop, segmentId);
  if (!segment) return { intent: "missing" };
  // Through the tagging wiring the command line uses: the shop's tag prefix, the pusher woken, the Shopify segment
  // behind the segment's discounts kept on its tag.
  if (request.intent === "dryRun") return { intent: "dryRun", dryRun: await dryRunTagging(shop, segment.id) };
  const outcome = await configureTagging(shop, segment.id, { tag: request.tag, state: request.state });
  return { intent: "configure", outcome };
}

export const MEMBER_CSV_HEADER = [
  "customer_id",
  "name",
  "email",
  "net_spend",
  "net_orders",
  "last_order_at",
  "entered_at",
];

/**
 * The segment's members as CSV, streamed: each pull reads one keyset page of members (and their names from
 * Shopify) and writes it, so memory holds one page whatever the segment's size. Null when there is no segment.
 */
export async function segmentMembersCsv(
  admin: RemixAdmin,
  shop: string,
  segmentId: string,
): Promise<{ name: string; body: ReadableStream<Uint8Array> } | null> {
  const wired = deps(admin);
  const segment = await wired.segments.getById(shop, segmentId);
  if (!segment) return null;
  const pages = allMembers(wired, shop, segmentId);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(stringify([MEMBER_CSV_HEADER])));
    },
    async pull(controller) {
      const next = await pages.next();
      if (next.done) {
        controller.close();
        return;
      }
      const records = next.value.map((row) => [
        row.customerId,
        row.name ?? "",
        row.email ?? "",
        row.netSpend,
        row.netOrderCount,
        row.lastOrderAt ?? "",
        row.enteredAt,
      ]);
      controller.enqueue(encoder.encode(stringify(records)));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
  return { name: segment.name, body };
}
