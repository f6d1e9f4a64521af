import { SYNC_RESOURCES, type SyncResource, type SyncStatusRepository } from "./ports.js";

export interface SyncResourceStatus {
  resource: SyncResource;
  /** The backfill's state: not started, idle, running, completed or failed. */
  backfill: string;
  /** Records the backfill applied (its own progress, not what Cohort holds now). */
  backfilled: number;
  /** Records Cohort holds now: the backfill's, plus what webhooks and reconciliation brought since. */
  held: number;
  backfillFinishedAt: string | null;
  lastError: string | null;
  limitedToDays: number | null;
  /** Records the running backfill's export holds (0 until Shopify says): its progress is backfilled of this. */
  expected: number;
  /** Reconciliation has read every record updated up to this instant (its watermark); null before the first. */
  reconciledThrough: string | null;
}

export interface SyncStatusReport {
  resources: SyncResourceStatus[];
  lastWebhookAppliedAt: string | null;
}

/** What the overview page and the command line's `status` show of a shop's sync. */
export async function loadSyncStatus(repository: SyncStatusRepository, shop: string): Promise<SyncStatusReport> {
  const [states, held, lastWebhookAppliedAt] = await Promise.all([
    repository.states(shop),
    repository.heldRecords(shop),
    repository.lastWebhookAppliedAt(shop),
  ]);
  return {
    resources: SYNC_RESOURCES.map((resource) => {
      const state = states.find((candidate) => candidate.resource === resource);
      return {
        resource,
        backfill: state?.status ?? "not started",
        backfilled: state?.processedCount ?? 0,
        held: held[resource],
        backfillFinishedAt: state?.finishedAt?.toISOString() ?? null,
        lastError: state?.lastError ?? null,
        limitedToDays: state?.limitedToDays ?? null,
        expected: state?.objectCount ?? 0,
        reconciledThrough: state?.watermark?.toISOString() ?? null,
      };
    }),
    lastWebhookAppliedAt: lastWebhookAppliedAt?.toISOString() ?? null,
  };
}
