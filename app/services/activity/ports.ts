import type { TagAuditRow } from "../tagging/ports.js";

export interface TagActivityFilter {
  segmentId?: string;
  customerId?: string;
  cause?: string;
  /** Only changes at or after this instant. */
  since?: Date;
  /** The id of the last row of the previous page: this page holds older rows only. */
  before?: number;
  limit: number;
}

export interface TagActivityRow extends TagAuditRow {
  id: number;
}

export type SyncEventStatus = "applied" | "failed" | "pending";

export interface SyncEventFilter {
  status?: SyncEventStatus;
  since?: Date;
  /** The last row of the previous page (receivedAt, id): this page holds older rows only. */
  before?: { receivedAt: string; id: string };
  limit: number;
}

export interface SyncEventRow {
  id: string;
  topic: string;
  receivedAt: string;
  processedAt: string | null;
  status: SyncEventStatus;
  attempts: number;
  error: string | null;
}

export interface BackfillRow {
  resource: string;
  status: string;
  objectCount: number;
  processedCount: number;
  startedAt: string | null;
  finishedAt: string | null;
  lastError: string | null;
}

/** The shop's audit log and sync history, newest first, in keyset pages; scoped by shop. */
export interface ActivityReader {
  tagChanges(shop: string, filter: TagActivityFilter): Promise<TagActivityRow[]>;
  syncEvents(shop: string, filter: SyncEventFilter): Promise<SyncEventRow[]>;
  backfills(shop: string): Promise<BackfillRow[]>;
}
