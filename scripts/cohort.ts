/**
 * Cohort's command line for sync work outside the web app:
 *
 *   npm run cohort -- sync <shop> [--full] [--only customers|orders]
 *   npm run cohort -- status <shop>
 *
 * Reads the app's environment (DATABASE_URL, SHOPIFY_*; SHOPIFY_EMULATOR_URL against the local Shopify) and uses
 * the offline session stored for the shop when the app was installed.
 */
import { SingleBar, Presets } from "cli-progress";
import { env } from "../app/env.server.js";
import type { SyncStateRecord } from "../app/services/sync/ports.js";
import { partitionsProgress } from "../app/services/sync/order-partitions.js";

const USAGE = `Usage:
  npm run cohort -- sync <shop> [--full] [--only customers|orders]
  npm run cohort -- status <shop>`;

const RESOURCES = ["customers", "orders"] as const;
type Resource = (typeof RESOURCES)[number];

function shopDomain(input: string): string {
  return input.includes(".") ? input : `${input}.myshopify.com`;
}

function formatDate(date: Date | null): string {
  return date ? date.toISOString().replace(".000Z", "Z") : "—";
}

export function formatStatus(shop: string, rows: SyncStateRecord[]): string {
  const lines = [`Sync status of ${shop}`];
  for (const resource of RESOURCES) {
    const row = rows.find((candidate) => candidate.resource === resource);
    if (!row) {
      lines.push(`  ${resource}: never synced`);
      continue;
    }
    lines.push(
      `  ${resource}: ${row.status}` +
        (row.bulkStatus ? ` (export ${row.bulkStatus.toLowerCase()})` : "") +
        `, ${row.processedCount} records applied (export: ${row.objectCount} lines, next line ${row.resumeLine})`,
      `    last run: started ${formatDate(row.startedAt)}, finished ${formatDate(row.finishedAt)}`,
      `    watermark: ${formatDate(row.watermark)}`,
      `    limitation: ${row.limitedToDays ? `only the last ${row.limitedToDays} days (no read_all_orders scope)` : "none"}`,
    );
    const ranges = partitionsProgress(row.partitions);
    if (ranges) {
      lines.push(`    export in id ranges: ${ranges.ingested} of ${ranges.total} applied`);
    }
    if (row.lastError) lines.push(`    last error: ${row.lastError}`);
  }
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [command, rawShop, ...flags] = argv;
  if (!command || !rawShop || !["sync", "status"].includes(command)) {
    console.error(USAGE);
    return 64;
  }
  const shop = shopDomain(rawShop);
  env(); // a missing or malformed variable stops here, naming it
  // Imported after the environment is checked: these modules read it when loaded.
  const { default: db } = await import("../app/db.server.js");
  const { prismaSyncStateStore } = await import("../app/db/sync/sync-state.server.js");
  const state = prismaSyncStateStore(db);

  if (command === "status") {
    console.log(formatStatus(shop, await state.list(shop)));
    return 0;
  }

  const onlyIndex = flags.indexOf("--only");
  const only = onlyIndex >= 0 ? flags[onlyIndex + 1] : undefined;
  if (only !== undefined && !RESOURCES.includes(only as Resource)) {
    console.error(`--only takes customers or orders\n${USAGE}`);
    return 64;
  }
  const resources: Resource[] = only ? [only as Resource] : [...RESOURCES];
  const full = flags.includes("--full");

  const { backfillShop } = await import("../app/background/backfill-runner.server.js");
  const { ShopUnavailableError } = await import("../app/shopify/admin-client.server.js");

  const bar = new SingleBar(
    { format: "{resource} {phase} |{bar}| {value}/{total} lines · {processed} records", hideCursor: true },
    Presets.shades_classic,
  );
  const aborter = new AbortController();
  process.once("SIGINT", () => aborter.abort(new Error("Interrupted: run sync again to resume")));
  let started = false;
  try {
    for (const resource of resources) {
      const [result] = await backfillShop(shop, {
        resources: [resource],
        full,
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
    console.log(formatStatus(shop, await state.list(shop)));
    return 0;
  } catch (error) {
    if (started) bar.stop();
    if (error instanceof ShopUnavailableError) {
      console.error(`${shop} is not available to Cohort: ${error.message}`);
      return 2;
    }
    console.error(error instanceof Error ? error.message : error);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

process.exitCode = await main(process.argv.slice(2));
