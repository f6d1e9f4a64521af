import type { ShopStatus } from "../../app/services/shop/shop-status.js";
import { partitionsProgress } from "../../app/services/sync/order-partitions.js";
import { SYNC_RESOURCES } from "../../app/services/sync/ports.js";

function formatDate(date: Date | string | null): string {
  if (date === null) return "—";
  return (typeof date === "string" ? date : date.toISOString()).replace(".000Z", "Z");
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function syncLines(status: ShopStatus): string[] {
  const lines: string[] = [];
  for (const resource of SYNC_RESOURCES) {
    const held = status.sync.resources.find((candidate) => candidate.resource === resource)?.held ?? 0;
    const row = status.syncStates.find((candidate) => candidate.resource === resource);
    if (!row) {
      lines.push(`  ${resource}: never synced, ${plural(held, "record")} held`);
      continue;
    }
    lines.push(
      `  ${resource}: ${row.status}` +
        (row.bulkStatus ? ` (export ${row.bulkStatus.toLowerCase()})` : "") +
        `, ${plural(held, "record")} held; the backfill applied ${row.processedCount}` +
        ` (export: ${row.objectCount} lines, next line ${row.resumeLine})`,
      `    last run: started ${formatDate(row.startedAt)}, finished ${formatDate(row.finishedAt)}`,
      `    watermark: ${formatDate(row.watermark)}`,
      `    limitation: ${row.limitedToDays ? `only the last ${row.limitedToDays} days (no read_all_orders scope)` : "none"}`,
    );
    const ranges = partitionsProgress(row.partitions);
    if (ranges) lines.push(`    export in id ranges: ${ranges.ingested} of ${ranges.total} applied`);
    if (row.lastError) lines.push(`    last error: ${row.lastError}`);
  }
  return lines;
}

function privacyLines(status: ShopStatus): string[] {
  const pending = status.pendingPrivacyRequests;
  const lines = [
    pending.length
      ? `  privacy requests pending: ${pending.length} (retried until they succeed; only the merchant can give up on one, at /app/privacy)`
      : "  privacy requests pending: none",
  ];
  for (const request of pending) {
    lines.push(
      `    ${request.topic} received ${formatDate(request.receivedAt)}, ${plural(request.attempts, "failed attempt")}` +
        (request.retryAt ? `, next try ${formatDate(request.retryAt)}` : ""),
    );
    if (request.lastError) lines.push(`      last error: ${request.lastError}`);
  }
  if (status.dataRequestsAwaitingDownload) {
    lines.push(`  customer data exports awaiting download at /app/privacy: ${status.dataRequestsAwaitingDownload}`);
  }
  return lines;
}

/** `status`'s report: records held and sync progress per resource, the last webhook applied, privacy requests owed. */
export function formatShopStatus(status: ShopStatus): string {
  return [
    `Status of ${status.shop}`,
    `  last webhook applied: ${formatDate(status.sync.lastWebhookAppliedAt)}`,
    ...syncLines(status),
    ...privacyLines(status),
  ].join("\n");
}
