import type { ActivityReader, SyncEventStatus } from "../../services/activity/ports.js";
import type { TagCause } from "../../services/tagging/ports.js";
import type { Database } from "../client.server.js";

/** Keyset pages over TagChange (by id, which grows with time) and WebhookEvent (by receivedAt, then id). */
export function prismaActivityReader(db: Database): ActivityReader {
  return {
    async tagChanges(shop, filter) {
      const rows = await db.tagChange.findMany({
        where: {
          shop,
          ...(filter.segmentId === undefined ? {} : { segmentId: filter.segmentId }),
          ...(filter.customerId === undefined ? {} : { customerId: filter.customerId }),
          ...(filter.cause === undefined ? {} : { cause: filter.cause }),
          ...(filter.since === undefined ? {} : { at: { gte: filter.since } }),
          ...(filter.before === undefined ? {} : { id: { lt: filter.before } }),
        },
        orderBy: { id: "desc" },
        take: filter.limit,
      });
      return rows.map((row) => ({
        id: row.id,
        customerId: row.customerId,
        segmentId: row.segmentId,
        tag: row.tag,
        action: row.action as never,
        ruleText: row.ruleText,
        cause: row.cause as TagCause,
        causeRef: row.causeRef,
        result: row.result as never,
        message: row.message,
        at: row.at.toISOString(),
      }));
    },

    async syncEvents(shop, filter) {
      const status =
        filter.status === "applied"
          ? { processedAt: { not: null }, error: null }
          : filter.status === "failed"
            ? { error: { not: null } }
            : filter.status === "pending"
              ? { processedAt: null, error: null }
              : {};
      const before = filter.before
        ? {
            OR: [
              { receivedAt: { lt: new Date(filter.before.receivedAt) } },
              { receivedAt: new Date(filter.before.receivedAt), id: { lt: filter.before.id } },
            ],
          }
        : {};
      const rows = await db.webhookEvent.findMany({
        where: {
          shop,
          ...status,
          ...(filter.since === undefined ? {} : { receivedAt: { gte: filter.since } }),
          ...before,
        },
        orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
        take: filter.limit,
        select: { id: true, topic: true, receivedAt: true, processedAt: true, error: true, attempts: true },
      });
      return rows.map((row) => {
        const rowStatus: SyncEventStatus = row.error !== null ? "failed" : row.processedAt ? "applied" : "pending";
        return {
          id: row.id,
          topic: row.topic,
          receivedAt: row.receivedAt.toISOString(),
          processedAt: row.processedAt?.toISOString() ?? null,
          status: rowStatus,
          attempts: row.attempts,
          error: row.error,
        };
      });
    },

    async backfills(shop) {
      const rows = await db.syncState.findMany({ where: { shop }, orderBy: { resource: "asc" } });
      return rows.map((row) => ({
        resource: row.resource,
        status: row.status,
        objectCount: row.objectCount,
        processedCount: row.processedCount,
        startedAt: row.startedAt?.toISOString() ?? null,
        finishedAt: row.finishedAt?.toISOString() ?? null,
        lastError: row.lastError,
      }));
    },
  };
}
