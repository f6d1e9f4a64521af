import { onShopAuthenticated } from "../shopify.server.js";
import { scheduleInstallBackfill } from "./backfill-runner.server.js";
import { startBackgroundWork } from "./worker.server.js";

/**
 * The web process's background wiring, loaded once by entry.server.tsx: each token exchange schedules the shop's
 * install backfill (a shop never synced, or an interrupted one), and the worker's loops start unless
 * COHORT_BACKGROUND=off hands them to `npm run worker`.
 */
onShopAuthenticated((shop) => scheduleInstallBackfill(shop, { rerunIfRunning: true }));
startBackgroundWork();
