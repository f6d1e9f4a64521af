/**
 * `npm run bench -- segments [--customers 1000000] [--providers sqlite,postgresql]`
 *
 * For each database, a fresh one filled with generated customers (segment-store.ts), the 20 segments of
 * segment-queries.ts, then: the first full evaluation and an unchanged one, one customer across every segment
 * (200 random customers), 5 previews, and the ceiling — a plain SELECT of the columns the rules read. Writes
 * reports/bench-segments.{json,md} with the verdicts (segment-targets.ts), the commit and machine.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { createDatabase, tuneDatabase, type Database } from "../../app/db/client.server.js";
import { parseDatabaseUrl } from "../../app/db/database-url.js";
import { applyMigrations } from "../../app/db/migrate.server.js";
import { prismaSegmentEvaluation } from "../../app/db/segments/segment-evaluation.server.js";
import { prismaSegmentRepository } from "../../app/db/segments/segment-repository.server.js";
import { createSegment, segmentTreeOf } from "../../app/services/segments/segment-catalog.js";
import { previewQuery } from "../../app/services/segments/segment-definition.js";
import {
  evaluateCustomers,
  evaluateShop,
  type SegmentEvaluationDeps,
} from "../../app/services/segments/segment-evaluation.js";
import type { EvaluationSettings } from "../../app/services/segments/ports.js";
import { freshDatabase, isPostgresReachable, type TestDatabase } from "../../tests/helpers/databases.js";
import { ROOT } from "../local-shopify.js";
import { percentile } from "./latency.js";
import { provenance, type Provenance } from "./report.js";
import { BENCH_SEGMENTS, PREVIEW_QUERIES } from "./segment-queries.js";
import { buildSegmentReport, renderSegmentMarkdown, type SegmentRun } from "./segment-report.js";
import { fillSegmentStore } from "./segment-store.js";

const SHOP = "bench-segments.myshopify.com";
const ONE_CUSTOMER_SAMPLES = 200;
const WARM_UP = 10;
/** The columns the 20 rules read from CustomerMetrics, with the customer id: what the ceiling selects. */
const CEILING_COLUMNS = [
  "customerId",
  "orderCount",
  "netOrderCount",
  "grossSpend",
  "refundedAmount",
  "netSpend",
  "averageOrderValue",
  "firstOrderAt",
  "lastOrderAt",
  "discountCodeUseCount",
  "emailMarketing",
  "smsMarketing",
  "countryCode",
];

const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const elapsed = (started: number) => performance.now() - started;

async function openDatabase(provider: "sqlite" | "postgresql", customers: number): Promise<TestDatabase> {
  if (provider === "postgresql") return freshDatabase("postgresql");
  const dir = resolve(ROOT, ".cache/bench-segments");
  mkdirSync(dir, { recursive: true });
  const filename = resolve(dir, `segments-${customers}.db`);
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${filename}${suffix}`, { force: true });
  return { provider, url: `file:${filename}`, drop: async () => undefined };
}

/** The plain read of the rules' columns over every customer of the shop, to the last row: seconds and rows. */
async function ceiling(url: string): Promise<{ seconds: number; rows: number }> {
  const target = parseDatabaseUrl(url);
  const columns = CEILING_COLUMNS.map((column) => `"${column}"`).join(", ");
  if (target.provider === "sqlite") {
    const db = new Sqlite(target.filename, { readonly: true });
    try {
      const statement = db.prepare(`SELECT ${columns} FROM "CustomerMetrics" WHERE "shop" = ?`).raw();
      const started = performance.now();
      let rows = 0;
      for (const _row of statement.iterate(SHOP)) rows++;
      return { seconds: elapsed(started) / 1000, rows };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: target.connectionString });
  await client.connect();
  try {
    let bytes = 0;
    const started = performance.now();
    const copy = client.query(
      copyTo(`COPY (SELECT ${columns} FROM "${target.schema}"."CustomerMetrics" WHERE "shop" = '${SHOP}') TO STDOUT`),
    );
    let rows = 0;
    await pipeline(
      copy,
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          for (const byte of chunk) if (byte === 10) rows++;
          done();
        },
      }),
    );
    return { seconds: elapsed(started) / 1000, rows: bytes === 0 ? 0 : rows };
  } finally {
    await client.end();
  }
}

async function randomCustomers(db: Database, url: string, count: number): Promise<string[]> {
  const target = parseDatabaseUrl(url);
  const table = target.provider === "sqlite" ? `"CustomerMetrics"` : `"${target.schema}"."CustomerMetrics"`;
  const rows = await db.$queryRawUnsafe<{ customerId: string }[]>(
    `SELECT "customerId" FROM ${table} WHERE "shop" = '${SHOP}' ORDER BY random() LIMIT ${count}`,
  );
  return rows.map((row) => row.customerId);
}

async function measure(provider: "sqlite" | "postgresql", customers: number): Promise<SegmentRun> {
  const database = await openDatabase(provider, customers);
  await applyMigrations(database.url);
  const db = createDatabase(database.url);
  try {
    await tuneDatabase(db, database.url);
    const now = new Date();
    const settings: EvaluationSettings = { now, timeZone: "America/New_York" };
    console.log(`[bench] ${provider}: generating ${customers.toLocaleString("en-US")} customers`);
    const store = await fillSegmentStore(db, database.url, SHOP, customers, now);
    console.log(`[bench] ${provider}: ${JSON.stringify(store)}`);

    const deps: SegmentEvaluationDeps = {
      segments: prismaSegmentRepository(db),
      evaluation: prismaSegmentEvaluation(db, database.url),
    };
    const segments = [];
    for (const segment of BENCH_SEGMENTS) {
      segments.push(
        await createSegment(
          deps,
          SHOP,
          { name: segment.name, query: segment.query, tree: segmentTreeOf(segment.query) },
          now,
        ),
      );
    }

    let started = performance.now();
    const first = await evaluateShop(deps, SHOP, settings, { cause: "backfill", causeRef: null });
    const firstEvaluationSeconds = round(elapsed(started) / 1000);
    console.log(`[bench] ${provider}: first evaluation ${firstEvaluationSeconds} s ${JSON.stringify(first)}`);
    started = performance.now();
    const unchanged = await evaluateShop(deps, SHOP, settings, { cause: "schedule", causeRef: null });
    const unchangedEvaluationSeconds = round(elapsed(started) / 1000);
    console.log(
      `[bench] ${provider}: unchanged evaluation ${unchangedEvaluationSeconds} s ${JSON.stringify(unchanged)}`,
    );

    const sample = await randomCustomers(db, database.url, ONE_CUSTOMER_SAMPLES + WARM_UP);
    const oneCustomer: number[] = [];
    for (const [index, customerId] of sample.entries()) {
      started = performance.now();
      await evaluateCustomers(deps, SHOP, [customerId], settings, `bench-${index}`);
      if (index >= WARM_UP) oneCustomer.push(elapsed(started));
    }
    oneCustomer.sort((a, b) => a - b);
    console.log(`[bench] ${provider}: one customer p95 ${round(percentile(oneCustomer, 95))} ms`);

    const previews: SegmentRun["previews"] = [];
    for (const query of PREVIEW_QUERIES) {
      started = performance.now();
      const preview = await previewQuery(deps, SHOP, query, settings);
      previews.push({ query, ms: round(elapsed(started)), size: preview.size });
    }
    const previewMs = previews.map((preview) => preview.ms).sort((a, b) => a - b);
    console.log(`[bench] ${provider}: previews ${JSON.stringify(previewMs)} ms`);

    const read = await ceiling(database.url);
    if (read.rows !== customers) throw new Error(`the ceiling read ${read.rows} rows of ${customers}`);
    console.log(`[bench] ${provider}: ceiling ${round(read.seconds, 3)} s`);

    const members: SegmentRun["members"] = [];
    for (const segment of segments) {
      members.push({
        name: segment.name,
        query: segment.query,
        members: await db.segmentMember.count({ where: { shop: SHOP, segmentId: segment.id } }),
      });
    }
    return {
      provider,
      customers,
      segments: segments.length,
      store,
      firstEvaluationSeconds,
      firstEvaluation: { entered: first.entered, exited: first.exited },
      unchangedEvaluationSeconds,
      unchangedEvaluation: { entered: unchanged.entered, exited: unchanged.exited },
      oneCustomerSamples: oneCustomer.length,
      oneCustomerP50Ms: round(percentile(oneCustomer, 50)),
      oneCustomerP95Ms: round(percentile(oneCustomer, 95)),
      oneCustomerMaxMs: round(percentile(oneCustomer, 100)),
      previewP50Ms: round(percentile(previewMs, 50)),
      previewMaxMs: round(percentile(previewMs, 100)),
      previews,
      ceilingSeconds: round(read.seconds, 3),
      ceilingRows: read.rows,
      firstToCeiling: round(firstEvaluationSeconds / read.seconds, 1),
      unchangedToCeiling: round(unchangedEvaluationSeconds / read.seconds, 1),
      members,
    };
  } finally {
    await db.$disconnect();
    await database.drop();
  }
}

export async function runSegmentsBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { customers: { type: "string", default: "1000000" }, providers: { type: "string" } },
  });
  const customers = Number(values.customers);
  const providers = (values.providers ?? ((await isPostgresReachable()) ? "sqlite,postgresql" : "sqlite")).split(",");
  for (const provider of providers) {
    if (provider !== "sqlite" && provider !== "postgresql") throw new Error(`Unknown provider ${provider}`);
  }
  // Taken before anything runs: the code measured is the code checked out now.
  const where = provenance(ROOT);
  const runs: SegmentRun[] = [];
  for (const provider of providers as Array<"sqlite" | "postgresql">) {
    runs.push(await measure(provider, customers));
    // Written after each database: a run stopped during the next one still leaves the figures it measured.
    writeReport(where, customers, providers, runs);
  }
}

function writeReport(where: Provenance, customers: number, providers: string[], runs: SegmentRun[]): void {
  const report = buildSegmentReport({
    measuredAt: new Date().toISOString(),
    provenance: where,
    loadAverageAtEnd: round(loadavg()[0]!),
    options: { customers, providers },
    runs,
  });
  mkdirSync(resolve(ROOT, "reports"), { recursive: true });
  writeFileSync(resolve(ROOT, "reports/bench-segments.json"), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderSegmentMarkdown(report);
  writeFileSync(resolve(ROOT, "reports/bench-segments.md"), markdown);
  console.log(markdown);
}
