/**
 * The running system the tag benchmarks drive (tag-bulk.ts, tag-latency.ts): the built app with `npm run worker`
 * beside it and the local Shopify in this process (tests/helpers/app-stack.ts), a shop on the given plan seeded
 * with customers before the app is installed, the merchant opening the app (the backfill), and the merchant's
 * commands through `npm run cohort` as a fresh shell runs them.
 */
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { type AppStack, openEmbeddedApp, startAppStack, waitFor } from "../../tests/helpers/app-stack.js";
import { freshDatabase, type TestDatabase } from "../../tests/helpers/databases.js";
import { cohort, workDirectory } from "../../tests/scripts/cohort-cli-harness.js";
import type { ShopPlan } from "../../tests/shopify-emulator/store/types.js";
import { localAppEnv } from "../local-shopify.js";

export interface TagStack {
  stack: AppStack;
  db: Database;
  shopId: number;
  /** The seeded customers' ids in the local Shopify, ascending. */
  customerIds: number[];
  /** Runs `npm run cohort -- …`; throws with its output unless it exits 0. */
  cli(args: string[]): Promise<string>;
  /** Seconds the backfill took, from opening the app until both resources completed. */
  backfillSeconds: number;
  close(): Promise<void>;
}

export async function startTagStack(options: {
  provider: "sqlite" | "postgresql";
  shop: string;
  plan: ShopPlan;
  customers: number;
  orders: number;
}): Promise<TagStack> {
  const database: TestDatabase = await freshDatabase(options.provider);
  const stack = await startAppStack({
    databaseUrl: database.url,
    separateWorker: true,
    // Set-up only: the orders backfill starts at the worker's next sweep, which need not be a minute away here.
    extraEnv: { COHORT_BACKFILL_SWEEP_MS: "1000" },
  });
  const db = createDatabase(database.url);
  const close = async () => {
    await db.$disconnect();
    await stack.stop();
    await database.drop();
  };
  try {
    await waitFor(
      async () => stack.logs.some((line) => line.startsWith("[worker]") && line.includes("worker running")),
      60_000,
    );
    await stack.control.createShop({ domain: options.shop, name: "Tag Benchmark Outfitters", plan: options.plan });
    await stack.control.seed(options.shop, { seed: 1, customers: options.customers, orders: options.orders });
    await stack.control.install(options.shop);
    const shopId = stack.emulator.store.getShopByDomain(options.shop)!.id;
    const customerIds = stack.emulator.store
      .prepare("SELECT id FROM customers WHERE shop_id = ? ORDER BY id")
      .all(shopId)
      .map((row) => (row as { id: number }).id);

    const opened = Date.now();
    const response = await openEmbeddedApp(stack, options.shop);
    if (response.status !== 200) throw new Error(`opening the app answered ${response.status}`);
    await waitFor(
      async () => {
        const states = await db.syncState.findMany({ where: { shop: options.shop } });
        const failed = states.find((state) => state.status === "failed");
        if (failed) throw new Error(`the ${failed.resource} backfill failed: ${failed.lastError ?? "?"}`);
        return (
          ["customers", "orders"].every((resource) =>
            states.some((state) => state.resource === resource && state.status === "completed"),
          ) && (await db.webhookEvent.count({ where: { shop: options.shop, processedAt: null } })) === 0
        );
      },
      600_000,
      250,
    );
    const backfillSeconds = (Date.now() - opened) / 1000;

    const cwd = workDirectory();
    const env = localAppEnv({ appUrl: stack.appUrl, emulatorUrl: stack.emulator.url, databaseUrl: database.url });
    const cli = async (args: string[]) => {
      const run = await cohort(args, { cwd, env });
      if (run.code !== 0) throw new Error(`cohort ${args.join(" ")} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
      return run.stdout;
    };
    return { stack, db, shopId, customerIds, cli, backfillSeconds, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** The tag `npm run cohort -- tagging` reports it writes (`tag "cohort:vip", tagging on`). */
export function tagOf(output: string): string {
  const tag = /tag "([^"]+)"/.exec(output)?.[1];
  if (!tag) throw new Error(`no tag in: ${output}`);
  return tag;
}

/** Number of figures to two decimals. */
export const round2 = (value: number): number => Number(value.toFixed(2));
