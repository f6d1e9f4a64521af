import type { ActivityReader, BackfillRow, SyncEventRow, SyncEventStatus, TagActivityRow } from "./ports.js";

export interface ActivityQuery {
  segmentId?: string;
  customerId?: string;
  cause?: string;
  /** Days back from now: 1, 7, 30; absent: all. */
  days?: number;
  status?: SyncEventStatus;
  /** Encoded cursors of the two lists (the previous page's last row). */
  tagsBefore?: string;
  eventsBefore?: string;
}

export interface ActivityPage {
  segments: Array<{ id: string; name: string }>;
  tagChanges: { rows: Array<TagActivityRow & { segmentName: string | null }>; next: string | null };
  syncEvents: { rows: SyncEventRow[]; next: string | null };
  backfills: BackfillRow[];
  query: ActivityQuery;
}

export interface ActivityPageDeps {
  activity: ActivityReader;
  segments: { list(shop: string): Promise<Array<{ id: string; name: string }>> };
}

export const ACTIVITY_PAGE_SIZE = 25;
const DAY_MS = 86_400_000;

function decodeEventCursor(encoded: string | undefined): { receivedAt: string; id: string } | undefined {
  if (!encoded) return undefined;
  const [receivedAt, id] = Buffer.from(encoded, "base64url").toString("utf8").split("|");
  if (!receivedAt || !id || Number.isNaN(Date.parse(receivedAt))) return undefined;
  return { receivedAt, id };
}

/** The audit log and the sync events of the shop, filtered, one keyset page of each. */
export async function loadActivityPage(
  deps: ActivityPageDeps,
  shop: string,
  query: ActivityQuery,
  now: Date,
): Promise<ActivityPage> {
  const since = query.days === undefined ? undefined : new Date(now.getTime() - query.days * DAY_MS);
  const tagsBefore = query.tagsBefore && /^\d{1,15}$/.test(query.tagsBefore) ? Number(query.tagsBefore) : undefined;
  const [segments, tagRows, eventRows, backfills] = await Promise.all([
    deps.segments.list(shop),
    deps.activity.tagChanges(shop, {
      ...(query.segmentId ? { segmentId: query.segmentId } : {}),
      ...(query.customerId ? { customerId: query.customerId } : {}),
      ...(query.cause ? { cause: query.cause } : {}),
      ...(since ? { since } : {}),
      ...(tagsBefore === undefined ? {} : { before: tagsBefore }),
      limit: ACTIVITY_PAGE_SIZE + 1,
    }),
    deps.activity.syncEvents(shop, {
      ...(query.status ? { status: query.status } : {}),
      ...(since ? { since } : {}),
      ...(query.eventsBefore ? { before: decodeEventCursor(query.eventsBefore) } : {}),
      limit: ACTIVITY_PAGE_SIZE + 1,
    }),
    deps.activity.backfills(shop),
  ]);
  const nameOf = new Map(segments.map((s) => [s.id, s.name]));
  const tagPage = tagRows.slice(0, ACTIVITY_PAGE_SIZE);
  const eventPage = eventRows.slice(0, ACTIVITY_PAGE_SIZE);
  const lastEvent = eventPage.at(-1);
  return {
    segments: segments.map((s) => ({ id: s.id, name: s.name })),
    tagChanges: {
      rows: tagPage.map((row) => ({
        ...row,
        segmentName: row.segmentId === null ? null : (nameOf.get(row.segmentId) ?? null),
      })),
      next: tagRows.length > ACTIVITY_PAGE_SIZE ? String(tagPage.at(-1)!.id) : null,
    },
    syncEvents: {
      rows: eventPage,
      next:
        eventRows.length > ACTIVITY_PAGE_SIZE && lastEvent
          ? Buffer.from(`${lastEvent.receivedAt}|${lastEvent.id}`, "utf8").toString("base64url")
          : null,
    },
    backfills,
    query,
  };
}
