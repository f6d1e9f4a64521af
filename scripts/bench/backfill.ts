/**
 * One backfill measurement, in its own process so its peak memory is the app's alone: customers then orders from a
 * running local Shopify into a fresh database, then the insert ceiling for the same order rows (the export
 * downloaded again after the timed backfill and parsed untimed; only the load is timed: insert-ceiling.ts). Prints
 * one JSON line. `--writer prisma` measures the backfill with Prisma's SQL instead of the driver-level writer.
 */
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createReadStream } from "node:fs";
import { parseArgs } from "node:util";
import { createDatabase, tuneDatabase } from "../../app/db/client.server.js";
import { parseDatabaseUrl } from "../../app/db/database-url.js";
import { applyMigrations } from "../../app/db/migrate.server.js";
import { prismaSyncStore } from "../../app/db/sync/sync-store.server.js";
import type { OrderFacts } from "../../app/domain/sync/sync-records.js";
import { BULK_OPERATION } from "../../app/graphql/bulk-operations.js";
import { SHOPIFY_API_VERSION } from "../../app/lib/api-version.js";
import { runBackfill, type BackfillDeps } from "../../app/services/sync/backfill.js";
import { jsonLines, orderRules, readProductCollections, RecordAssembler } from "../../app/services/sync/bulk-jsonl.js";
import { parsePartitionsState } from "../../app/services/sync/order-partitions.js";
import { AdminClient } from "../../app/shopify/admin-client.server.js";
import { bulkDownloader } from "../../app/shopify/bulk-download.server.js";
import { createEmulatorFetch } from "../../app/shopify/emulator-routing.js";
import { prismaSyncStateStore } from "../../app/db/sync/sync-state.server.js";
import { freshDatabase, type TestDatabase } from "../../tests/helpers/databases.js";
import { postgresCeiling, sqliteCeiling } from "./insert-ceiling.js";

const { values } = parseArgs({
  options: {
    emulator: { type: "string" },
    shop: { type: "string" },
    token: { type: "string" },
    scopes: { type: "string" },
    provider: { type: "string", default: "sqlite" },
    writer: { type: "string", default: "driver" },
  },
});
const provider = values.provider === "postgresql" ? "postgresql" : "sqlite";
const WRITERS = ["driver", "prisma"] as const;
const writer = WRITERS.find((candidate) => candidate === values.writer);
if (!writer) throw new Error(`--writer is one of ${WRITERS.join(", ")}`);
const shop = values.shop!;
const work = mkdtempSync(join(tmpdir(), "cohort-bench-"));
const exportFile = join(work, "orders.jsonl");

const database = await freshDatabase(provider);
await applyMigrations(database.url);
const db = createDatabase(database.url);
await tuneDatabase(db, database.url);

const admin = new AdminClient({
  shop,
  apiVersion: SHOPIFY_API_VERSION,
  token: { accessToken: async () => values.token! },
  fetch: createEmulatorFetch(values.emulator!, globalThis.fetch),
});
const download = bulkDownloader(globalThis.fetch);
/** The product-collections export the orders backfill read: the ceiling's rows get their collections from it. */
let catalogExportUrl: string | null = null;
const deps: BackfillDeps = {
  graphql: (document, variables) => admin.execute(document, variables),
  scopes: async () => values.scopes!.split(","),
  download(url, signal) {
    if (currentPhase.startsWith("catalog:")) catalogExportUrl = url;
    return download(url, signal);
  },
  store: prismaSyncStore(db, database.url, { factWriter: writer }),
  state: prismaSyncStateStore(db),
  clock: { now: () => Date.now(), sleep: (ms, signal) => new Promise((r) => setTimeout(r, Math.min(ms, 250), signal)) },
};

let phaseStarted = 0;
let currentPhase = "start";
const phases: Record<string, number> = {};
/** Peak resident memory per phase, sampled, to tell which part of the backfill holds memory. */
const peakRssByPhase: Record<string, number> = {};
const sampleRss = () => {
  const rss = Math.round(process.memoryUsage.rss() / 1e6);
  peakRssByPhase[currentPhase] = Math.max(peakRssByPhase[currentPhase] ?? 0, rss);
};
const sampler = setInterval(sampleRss, 100);
deps.onProgress = (progress) => {
  const key = `${progress.resource}:${progress.phase}`;
  if (!(key in phases)) {
    sampleRss();
    phases[key] = (performance.now() - phaseStarted) / 1000;
    currentPhase = key;
  }
};

phaseStarted = performance.now();
const customers = await runBackfill(deps, { shop, resource: "customers" });
const customerSeconds = (performance.now() - phaseStarted) / 1000;
phaseStarted = performance.now();
const orders = await runBackfill(deps, { shop, resource: "orders" });
const orderSeconds = (performance.now() - phaseStarted) / 1000;
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
clearInterval(sampler);
const storedOrders = await db.syncedOrder.count({ where: { shop } });
const storedFactRows = await factRows(db);
// The orders export's operations: one, or one per id range (a large shop's export is split).
const ordersState = await deps.state.get(shop, "orders");
const ordersPlan = parsePartitionsState(ordersState?.partitions);
const orderOperationIds = ordersPlan
  ? ordersPlan.parts.map((part) => part.operationId)
  : [ordersState?.bulkOperationId ?? null];
await db.$disconnect();
await dropDatabase(database);

// The order export (each id range's file in turn) is downloaded again, untimed, so the ceiling inserts exactly the
// rows the backfill saw.
const ordersExportUrls: string[] = [];
for (const id of orderOperationIds) {
  if (!id) throw new Error("the orders backfill left an export without its operation");
  const url = (await admin.execute(BULK_OPERATION, { id })).bulkOperation?.url;
  if (url) ordersExportUrls.push(url); // an id range without orders has no file
}
if (!ordersExportUrls.length) throw new Error("the orders backfill downloaded no export");
const copy = createWriteStream(exportFile);
for (const url of ordersExportUrls) {
  let lastByte = 10;
  for await (const chunk of download(url)) {
    if (chunk.length) lastByte = chunk[chunk.length - 1]!;
    if (!copy.write(chunk)) await new Promise<void>((resolve) => copy.once("drain", () => resolve()));
  }
  if (lastByte !== 10) copy.write("\n"); // files are concatenated: each must end its last line
}
await new Promise<void>((resolve) => copy.end(() => resolve()));

// The ceiling: the same order rows, loaded the fastest plain way each database has (insert-ceiling.ts), into a
// fresh database.
const ceilingDatabase = await freshDatabase(provider);
await applyMigrations(ceilingDatabase.url);
// Line items carry their products' collections, as in the backfill (a collection row each).
const collections = catalogExportUrl
  ? await readProductCollections(download(catalogExportUrl), 64)
  : new Map<string, string[]>();
async function* orderBatches(): AsyncGenerator<OrderFacts[]> {
  const assembler = new RecordAssembler(
    orderRules((productId) => collections.get(productId) ?? []),
    64,
  );
  let batch: OrderFacts[] = [];
  for await (const line of jsonLines(createReadStream(exportFile))) {
    for (const record of assembler.push(line)) {
      batch.push(record as OrderFacts);
      if (batch.length === 1000) {
        yield batch;
        batch = [];
      }
    }
  }
  for (const record of assembler.finish()) batch.push(record as OrderFacts);
  if (batch.length) yield batch;
}
const target = parseDatabaseUrl(ceilingDatabase.url);
const ceiling =
  target.provider === "sqlite"
    ? await sqliteCeiling(target.filename, shop, orderBatches())
    : await postgresCeiling(target.connectionString, target.schema, shop, orderBatches(), work);
const insertSeconds = ceiling.seconds;
const ceilingOrders = ceiling.orders;
const ceilingDb = createDatabase(ceilingDatabase.url);
const ceilingFactRows = await factRows(ceilingDb);
await ceilingDb.$disconnect();
await dropDatabase(ceilingDatabase);
rmSync(work, { recursive: true, force: true });
if (JSON.stringify(ceilingFactRows) !== JSON.stringify(storedFactRows)) {
  throw new Error(
    `the ceiling inserted other rows than the backfill stored: ${JSON.stringify({ storedFactRows, ceilingFactRows })}`,
  );
}

const exportSeconds = phases["orders:downloading"] ?? 0;
const appSeconds = orderSeconds - exportSeconds;
const ingestSeconds = (phases["orders:metrics"] ?? orderSeconds) - exportSeconds;
console.log(
  JSON.stringify({
    benchmark: "backfill",
    provider,
    writer,
    orders: orders.processedCount,
    storedOrders,
    customers: customers.processedCount,
    customerSeconds: round(customerSeconds),
    orderSeconds: round(orderSeconds),
    ordersPerSecond: Math.round(orders.processedCount / orderSeconds),
    // Shopify's part (the export) and the app's part (download, parse, write, metrics recompute) of the orders
    // backfill; the ingest is the app's part without the recompute.
    exportSeconds: round(exportSeconds),
    appSeconds: round(appSeconds),
    ingestSeconds: round(ingestSeconds),
    recomputeSeconds: round(orderSeconds - (phases["orders:metrics"] ?? orderSeconds)),
    appOrdersPerSecond: Math.round(orders.processedCount / appSeconds),
    appRatioToCeiling: round(orders.processedCount / appSeconds / (ceilingOrders / insertSeconds)),
    ingestOrdersPerSecond: Math.round(orders.processedCount / ingestSeconds),
    ingestRatioToCeiling: round(orders.processedCount / ingestSeconds / (ceilingOrders / insertSeconds)),
    peakRssByPhase,
    orderPhases: Object.fromEntries(
      Object.entries(phases)
        .filter(([key]) => key.startsWith("orders"))
        .map(([key, seconds]) => [key, round(seconds)]),
    ),
    peakRssMb,
    ceilingOrders,
    factRows: storedFactRows,
    ceilingSeconds: round(insertSeconds),
    ceilingOrdersPerSecond: Math.round(ceilingOrders / insertSeconds),
    ceilingMethod:
      provider === "sqlite" ? "prepared INSERTs, one transaction, journal and sync off" : "COPY FROM STDIN",
    endToEndRatioToCeiling: round(orders.processedCount / orderSeconds / (ceilingOrders / insertSeconds)),
  }),
);

/** Rows of each fact table of the shop: the ceiling must insert exactly what the backfill stored. */
async function factRows(database: typeof db) {
  const where = { where: { shop } };
  return {
    orders: await database.syncedOrder.count(where),
    lineItems: await database.syncedLineItem.count(where),
    lineItemCollections: await database.syncedLineItemCollection.count(where),
    refunds: await database.syncedRefund.count(where),
    discountCodes: await database.syncedOrderDiscountCode.count(where),
  };
}

/** A benchmark's SQLite file is gigabytes: it goes with its folder, unlike a test's. */
async function dropDatabase(target: TestDatabase): Promise<void> {
  await target.drop();
  const parsed = parseDatabaseUrl(target.url);
  if (parsed.provider === "sqlite") rmSync(dirname(parsed.filename), { recursive: true, force: true });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
