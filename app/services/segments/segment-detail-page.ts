import {
  decodeMemberCursor,
  encodeMemberCursor,
  memberCursorAfter,
  type MemberSortKey,
} from "../../domain/segments/member-cursor.js";
import type { SegmentKpis } from "../../domain/segments/segment-kpis.js";
import { defaultSegmentTag } from "../../domain/tagging/segment-tag.js";
import type { SegmentTaggingRecord, TagStateStore } from "../tagging/ports.js";
import type {
  CustomerProfiles,
  SegmentDetailReader,
  SegmentMemberRow,
  SegmentMembershipChange,
  SegmentMembershipReader,
  SegmentOverlapReader,
  SegmentRecord,
  SegmentRepository,
  SegmentHistoryDay,
} from "./ports.js";
import { shopSegmentOverlaps } from "./segment-overlaps.js";

export interface SegmentPageDeps {
  segments: SegmentRepository;
  detail: SegmentDetailReader;
  membership: SegmentMembershipReader;
  overlap: SegmentOverlapReader;
  profiles: CustomerProfiles;
  tagging: Pick<TagStateStore, "taggings">;
  /** The shop's tag prefix (Settings): a segment's default tag starts with it. */
  tagPrefix: (shop: string) => Promise<string>;
}

export interface MembersQuery {
  search: string;
  sort: MemberSortKey;
  direction: "asc" | "desc";
  /** An encoded cursor from a previous page (member-cursor.ts); null for the first page. */
  after: string | null;
}

export interface MemberListing extends SegmentMemberRow {
  name: string | null;
  email: string | null;
}

export interface SegmentPage {
  segment: Pick<SegmentRecord, "id" | "name" | "query" | "updatedAt">;
  kpis: SegmentKpis;
  snapshots: SegmentHistoryDay[];
  members: { rows: MemberListing[]; next: string | null; query: MembersQuery; searchLimited: boolean };
  tagging: { current: SegmentTaggingRecord | null; defaultTag: string };
  changes: SegmentMembershipChange[];
  overlaps: Array<{ segmentId: string; name: string; shared: number; share: number | null }>;
}

export const MEMBERS_PAGE_SIZE = 25;
/** How many of Shopify's matches a search of the members looks at. */
export const SEARCH_LIMIT = 250;
const SNAPSHOT_DAYS = 90;
const CHANGES_SHOWN = 20;

/** One page of members with their names and emails (from Shopify), and the cursor of the next page. */
export async function memberListing(
  deps: Pick<SegmentPageDeps, "detail" | "profiles">,
  shop: string,
  segmentId: string,
  query: MembersQuery,
  pageSize = MEMBERS_PAGE_SIZE,
): Promise<SegmentPage["members"]> {
  const matches = query.search.trim() === "" ? undefined : await deps.profiles.search(query.search, SEARCH_LIMIT);
  const rows = await deps.detail.memberPage(shop, segmentId, {
    sort: query.sort,
    direction: query.direction,
    after: decodeMemberCursor(query.after, query.sort),
    limit: pageSize + 1,
    ...(matches === undefined ? {} : { customerIds: matches }),
  });
  const shown = rows.slice(0, pageSize);
  const profiles = await deps.profiles.profiles(shown.map((row) => row.customerId));
  const last = shown.at(-1);
  return {
    rows: shown.map((row) => ({
      ...row,
      name: profiles.get(row.customerId)?.name ?? null,
      email: profiles.get(row.customerId)?.email ?? null,
    })),
    next: rows.length > pageSize && last ? encodeMemberCursor(memberCursorAfter(last, query.sort)) : null,
    query,
    searchLimited: matches !== undefined && matches.length >= SEARCH_LIMIT,
  };
}

/** Everything the segment page shows; null when the shop has no such segment. */
export async function loadSegmentPage(
  deps: SegmentPageDeps,
  shop: string,
  segmentId: string,
  query: MembersQuery,
): Promise<SegmentPage | null> {
  const segment = await deps.segments.getById(shop, segmentId);
  if (!segment) return null;
  const [kpis, snapshots, members, taggings, changes, overlaps, tagPrefix] = await Promise.all([
    deps.detail.kpis(shop, segmentId),
    deps.detail.snapshots(shop, segmentId, SNAPSHOT_DAYS),
    memberListing(deps, shop, segmentId, query),
    deps.tagging.taggings(shop),
    deps.membership.history(shop, segmentId, CHANGES_SHOWN),
    shopSegmentOverlaps(deps, shop),
    deps.tagPrefix(shop),
  ]);
  const nameOf = new Map(overlaps.segments.map((s) => [s.id, s.name]));
  return {
    segment: { id: segment.id, name: segment.name, query: segment.query, updatedAt: segment.updatedAt },
    kpis,
    snapshots,
    members,
    tagging: {
      current: taggings.find((t) => t.segmentId === segmentId) ?? null,
      defaultTag: defaultSegmentTag(segment.name, segment.id, tagPrefix),
    },
    changes,
    overlaps: overlaps.pairs
      .filter((pair) => pair.shared > 0 && (pair.first === segmentId || pair.second === segmentId))
      .map((pair) => {
        const other = pair.first === segmentId ? pair.second : pair.first;
        const size = pair.first === segmentId ? pair.firstSize : pair.secondSize;
        return {
          segmentId: other,
          name: nameOf.get(other) ?? other,
          shared: pair.shared,
          share: size > 0 ? pair.shared / size : null,
        };
      })
      .sort((a, b) => b.shared - a.shared),
  };
}

/**
 * Every member, page by page in keyset order (spend, highest first), with names and emails: what the CSV export
 * streams. Only one page is held at a time.
 */
export async function* allMembers(
  deps: Pick<SegmentPageDeps, "detail" | "profiles">,
  shop: string,
  segmentId: string,
  pageSize = 250,
): AsyncGenerator<MemberListing[]> {
  let after: string | null = null;
  for (;;) {
    const page = await memberListing(
      deps,
      shop,
      segmentId,
      { search: "", sort: "spend", direction: "desc", after },
      pageSize,
    );
    if (page.rows.length > 0) yield page.rows;
    if (page.next === null) return;
    after = page.next;
  }
}
