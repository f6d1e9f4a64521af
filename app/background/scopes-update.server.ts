import db from "../db.server.js";
import { updateShopScopes } from "../db/shop/shops.server.js";
import { scheduleInstallBackfill } from "./backfill-runner.server.js";
import { prismaSyncStateStore } from "../db/sync/sync-state.server.js";

/**
 * `app/scopes_update`: record the new scopes; when `read_all_orders` is newly granted, the orders synced so far
 * were limited to 60 days, so the orders backfill runs again in full. A delivery triggered before the scopes last
 * stored is ignored.
 */
export async function applyScopesUpdate(shop: string, payload: unknown, triggeredAt: Date | null): Promise<void> {
  const { previous, current } = payload as { previous?: unknown; current?: unknown };
  if (!Array.isArray(current)) return;
  const scopes = current.map(String);
  // Older than the scopes stored (a late or reordered delivery): what it says is no longer true.
  if (!(await updateShopScopes(db, shop, scopes.join(","), triggeredAt))) return;
  const before = Array.isArray(previous) ? previous.map(String) : [];
  if (scopes.includes("read_all_orders") && !before.includes("read_all_orders")) {
    await prismaSyncStateStore(db).update(shop, "orders", { status: "idle", limitedToDays: null });
    scheduleInstallBackfill(shop, { rerunIfRunning: true });
  }
}
