import db from "../db.server.js";
import { prismaShopCurrency } from "../db/shop/shop-currency.server.js";
import { prismaSyncStatus } from "../db/sync/sync-status.server.js";
import { starterTemplates } from "../services/segments/segment-starter.js";
import type { SegmentSummary } from "../services/segments/segment-summaries.js";
import { loadOverviewPage, type OverviewPage } from "../services/shop/shop-overview.js";
import type { TagAuditRow } from "../services/tagging/ports.js";
import { adminGraphql, type RemixAdmin } from "../shopify/admin-graphql.server.js";
import { shopSegmentSummaries } from "./segments.server.js";
import { tagHistory } from "./tagging.server.js";

/** How many of the latest tag changes the dashboard lists. */
const RECENT_TAG_CHANGES = 10;

export interface StarterTemplateChoice {
  id: string;
  name: string;
  description: string;
}

export interface Dashboard extends OverviewPage {
  segments: SegmentSummary[];
  recentTagChanges: Array<TagAuditRow & { segmentName: string | null }>;
  /** Offered on a shop without segments: the templates it may start from. */
  starterTemplates: StarterTemplateChoice[];
}

/** The home page's loader data, for the request's authenticated admin. */
export async function overviewPage(admin: RemixAdmin, shop: string): Promise<Dashboard> {
  const [overview, segments, changes] = await Promise.all([
    loadOverviewPage(
      { graphql: adminGraphql(admin), syncStatus: prismaSyncStatus(db), currencies: prismaShopCurrency(db) },
      shop,
    ),
    shopSegmentSummaries(shop),
    tagHistory(shop, { limit: RECENT_TAG_CHANGES }),
  ]);
  const nameOf = new Map(segments.map((segment) => [segment.id, segment.name]));
  return {
    ...overview,
    segments,
    recentTagChanges: changes.map((row) => ({
      ...row,
      segmentName: row.segmentId === null ? null : (nameOf.get(row.segmentId) ?? null),
    })),
    starterTemplates:
      segments.length === 0 ? starterTemplates().map(({ id, name, description }) => ({ id, name, description })) : [],
  };
}
