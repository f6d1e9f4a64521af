/**
 * One backfill measurement, in its own process so its peak memory is the app's alone: customers then orders from a
 * running local Shopify into a fresh database, then the insert ceiling for the same order rows (the export
 * downloaded again after the timed backfill, timing only the INSERTs). Prints one JSON line. `--writer prisma`
 * measures SQLite with Prisma's SQL instead of the driver-level writer.
 */
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createReadStream } from "node:fs";
import { parseArgs } from "node:util";
import { createDatabase, tuneDatabase } from "../../app/db/client.server.js";
import { parseDatabaseUrl } from "../../app/db/database-url.js";
import { applyMigrations } from "../../app/db/migrate.server.js";
import { insertOrderFactsPlain, prismaSyncStore } from "../../app/db/sync-store.server.js";
import type { OrderFacts } from "../../app/domain/sync-records.js";
import { SHOPIFY_API_VERSION } from "../../app/lib/api-version.js";
import { runBackfill, type BackfillDeps } from "../../app/services/backfill.js";
import { jsonLines, orderRules, RecordAssembler } from "../../app/services/bulk-jsonl.js";
import { AdminClient } from "../../app/shopify/admin-client.server.js";
import { bulkDownloader } from "../../app/shopify/bulk-download.server.js";
import { createEmulatorFetch } from "../../app/shopify/emulator-routing.js";
import { prismaSyncStateStore } from "../../app/shopify/sync-state.server.js";
import { freshDatabase, type TestDatabase } from "../../tests/helpers/databases.js";

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
const sqliteWriter = WRITERS.find((writer) => writer === values.writer);
if (!sqliteWriter) throw new Error(`--writer is one of ${WRITERS.join(", ")}`);
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
let ordersExportUrl: string | null = null;
let recordingOrders = false;
const deps: BackfillDeps = {
  graphql: (document, variables) => admin.execute(document, variables),
  scopes: async () => values.scopes!.split(","),
  download(url, signal) {
    if (recordingOrders) ordersExportUrl = url;
    return download(url, signal);
  },
  store: prismaSyncStore(db, database.url, { sqliteFactWriter: sqliteWriter }),
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
recordingOrders = true;
phaseStarted = performance.now();
const orders = await runBackfill(deps, { shop, resource: "orders" });
const orderSeconds = (performance.now() - phaseStarted) / 1000;
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
clearInterval(sampler);
const storedOrders = await db.syncedOrder.count({ where: { shop } });
await db.$disconnect();
await dropDatabase(database);

// The order export is downloaded again, untimed, so the ceiling inserts exactly the rows the backfill saw.
if (!ordersExportUrl) throw new Error("the orders backfill downloaded no export");
const copy = createWriteStream(exportFile);
for await (const chunk of download(ordersExportUrl)) {
  if (!copy.write(chunk)) await new Promise<void>((resolve) => copy.once("drain", () => resolve()));
}
await new Promise<void>((resolve) => copy.end(() => resolve()));

// The ceiling: the same order rows, plain batched INSERTs through the same driver, into a fresh database.
const ceilingDatabase = await freshDatabase(provider);
await applyMigrations(ceilingDatabase.url);
const ceilingDb = createDatabase(ceilingDatabase.url);
await tuneDatabase(ceilingDb, ceilingDatabase.url);
const assembler = new RecordAssembler(orderRules(), 64);
let insertSeconds = 0;
let ceilingOrders = 0;
let batch: OrderFacts[] = [];
const flush = async () => {
  const started = performance.now();
  await insertOrderFactsPlain(ceilingDb, ceilingDatabase.url, shop, batch);
  insertSeconds += (performance.now() - started) / 1000;
  ceilingOrders += batch.length;
  batch = [];
};
for await (const line of jsonLines(createReadStream(exportFile))) {
  for (const record of assembler.push(line)) {
    batch.push(record as OrderFacts);
    if (batch.length === 1000) await flush();
  }
}
for (const record of assembler.finish()) batch.push(record as OrderFacts);
if (batch.length) await flush();
await ceilingDb.$disconnect();
await dropDatabase(ceilingDatabase);
rmSync(work, { recursive: true, force: true });

console.log(
  JSON.stringify({
    benchmark: "backfill",
    provider,
    writer: provider === "sqlite" ? sqliteWriter : "prisma",
    orders: orders.processedCount,
    storedOrders,
    customers: customers.processedCount,
    customerSeconds: round(customerSeconds),
    orderSeconds: round(orderSeconds),
    ordersPerSecond: Math.round(orders.processedCount / orderSeconds),
    // Shopify's part (the export) and the app's part (download, parse, upsert, metrics) of the orders backfill.
    exportSeconds: round(phases["orders:downloading"] ?? 0),
    appSeconds: round(orderSeconds - (phases["orders:downloading"] ?? 0)),
    appOrdersPerSecond: Math.round(orders.processedCount / (orderSeconds - (phases["orders:downloading"] ?? 0))),
    appRatioToCeiling: round(
      orders.processedCount / (orderSeconds - (phases["orders:downloading"] ?? 0)) / (ceilingOrders / insertSeconds),
    ),
    // The ingest alone (download, parse, upsert), without the metrics recompute after it.
    ingestOrdersPerSecond: Math.round(
      orders.processedCount / ((phases["orders:metrics"] ?? 0) - (phases["orders:downloading"] ?? 0)),
    ),
    ingestRatioToCeiling: round(
      orders.processedCount /
        ((phases["orders:metrics"] ?? 0) - (phases["orders:downloading"] ?? 0)) /
        (ceilingOrders / insertSeconds),
    ),
    peakRssByPhase,
    orderPhases: Object.fromEntries(
      Object.entries(phases)
        .filter(([key]) => key.startsWith("orders"))
        .map(([key, seconds]) => [key, round(seconds)]),
    ),
    peakRssMb,
    ceilingOrders,
    ceilingSeconds: round(insertSeconds),
    ceilingOrdersPerSecond: Math.round(ceilingOrders / insertSeconds),
    ratioToCeiling: round(orders.processedCount / orderSeconds / (ceilingOrders / insertSeconds)),
  }),
);

/** A benchmark's SQLite file is gigabytes: it goes with its folder, unlike a test's. */
async function dropDatabase(target: TestDatabase): Promise<void> {
  await target.drop();
  const parsed = parseDatabaseUrl(target.url);
  if (parsed.provider === "sqlite") rmSync(dirname(parsed.filename), { recursive: true, force: true });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
