import type { PendingPrivacyRequest } from "../privacy/ports.js";
import { loadPrivacyPage, type PrivacyPageDeps } from "../privacy/privacy-page.js";
import type { SyncStateRecord, SyncStatusRepository } from "../sync/ports.js";
import { loadSyncStatus, type SyncStatusReport } from "../sync/sync-status.js";
import type { ShopDirectory } from "./ports.js";

export interface ShopStatusDeps extends PrivacyPageDeps {
  shops: ShopDirectory;
  syncStatus: SyncStatusRepository;
}

export interface ShopStatus {
  shop: string;
  sync: SyncStatusReport;
  /** The sync state behind `sync`, per resource: export progress, watermark, id ranges. */
  syncStates: SyncStateRecord[];
  /** Privacy requests that failed and are being retried (never dead-lettered): someone must look at them. */
  pendingPrivacyRequests: PendingPrivacyRequest[];
  dataRequestsAwaitingDownload: number;
}

/** What the command line's `status` shows of a shop; null for a shop Cohort holds nothing about. */
export async function loadShopStatus(deps: ShopStatusDeps, shop: string): Promise<ShopStatus | null> {
  if (!(await deps.shops.isKnown(shop))) return null;
  const [sync, syncStates, privacy] = await Promise.all([
    loadSyncStatus(deps.syncStatus, shop),
    deps.syncStatus.states(shop),
    loadPrivacyPage(deps, shop),
  ]);
  return {
    shop,
    sync,
    syncStates,
    pendingPrivacyRequests: privacy.pending,
    dataRequestsAwaitingDownload: privacy.dataRequests.filter((request) => request.downloadedAt === null).length,
  };
}
