import { SingleBar, Presets } from "cli-progress";
import { backfillShop } from "../../app/background/backfill-runner.server.js";
import { disconnectDatabase, isShopKnown, shopStatus } from "../../app/background/shop-status.server.js";
import type { SyncResource } from "../../app/services/sync/ports.js";
import { ShopUnavailableError } from "../../app/shopify/admin-client.server.js";
import { CliError, EXIT, unknownShop } from "./exit-codes.js";
import { formatShopStatus } from "./status-format.js";

export interface SyncOptions {
  resources: readonly SyncResource[];
  full: boolean;
}

/** The backfill, one resource after the other, with a progress bar; ends with the shop's status. */
export async function sync(shop: string, options: SyncOptions): Promise<number> {
  const bar = new SingleBar(
    { format: "{resource} {phase} |{bar}| {value}/{total} lines · {processed} records", hideCursor: true },
    Presets.shades_classic,
  );
  const aborter = new AbortController();
  process.once("SIGINT", () => aborter.abort(new Error("Interrupted: run sync again to resume")));
  let started = false;
  try {
    if (!(await isShopKnown(shop))) throw new CliError(unknownShop(shop), EXIT.shopUnavailable);
    for (const resource of options.resources) {
      const [result] = await backfillShop(shop, {
        resources: [resource],
        full: options.full,
        signal: aborter.signal,
        onProgress(progress) {
          const total = Math.max(progress.objectCount, progress.linesRead, 1);
          const payload = { resource: progress.resource, phase: progress.phase, processed: progress.processedCount };
          if (!started) {
            bar.start(total, progress.linesRead, payload);
            started = true;
          }
          bar.setTotal(total);
          bar.update(progress.phase === "exporting" ? 0 : progress.linesRead, payload);
        },
      });
      if (!result) continue;
      if (started) bar.stop();
      started = false;
      console.log(
        `${resource}: ${result.processedCount} records from ${result.objectCount} lines` +
          (result.partitions > 1 ? ` in ${result.partitions} id ranges` : "") +
          (result.resumedFromLine ? ` (resumed at line ${result.resumedFromLine})` : "") +
          (result.limitedToDays ? `, limited to the last ${result.limitedToDays} days` : ""),
      );
    }
    const status = await shopStatus(shop);
    if (status) console.log(formatShopStatus(status));
    return EXIT.ok;
  } catch (error) {
    if (started) bar.stop();
    if (error instanceof ShopUnavailableError) {
      throw new CliError(`${shop} is not available to Cohort: ${error.message}`, EXIT.shopUnavailable);
    }
    if (error instanceof CliError) throw error;
    throw new CliError(
      `sync of ${shop} failed: ${error instanceof Error ? error.message : String(error)}`,
      EXIT.failed,
    );
  } finally {
    await disconnectDatabase();
  }
}
