/**
 * Export throughput: `npx tsx tests/shopify-emulator/bulk/bench.ts <orders> [db-file] [direct|graphql] [limit]
 * [bench|app]`. Seeds a file store once (reused when the file exists), exports an order query (`bench`: BENCH_QUERY,
 * `app`: the app's ORDERS_BULK_QUERY) and prints time, lines and peak RSS. An empty db-file means the default.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorStore } from "../store/store.js";
import { generateDemoStore } from "../demo/generator.js";
import { getAdminSchema, type ResolverContext } from "../graphql/schema.js";
import { buildRootResolvers } from "../graphql/resolvers/index.js";
import { directExecutor, graphqlExecutor, jsonlChunk } from "./export.js";
import { compileBulkQuery } from "./validate.js";
import type { EmulatorConfig } from "../context.js";
import { BENCH_QUERY } from "./bench-query.js";
import { ORDERS_BULK_QUERY } from "../../../app/graphql/bulk-queries.js";

async function main(): Promise<void> {
  const orders = Number(process.argv[2] ?? 100_000);
  const dir = join(tmpdir(), "shopify-bulk-bench");
  mkdirSync(dir, { recursive: true });
  const file = process.argv[3] || join(dir, `orders-${orders}.sqlite`);
  const mode = process.argv[4] ?? "direct";
  const limit = Number(process.argv[5] || Infinity);
  const queryName = process.argv[6] ?? "bench";
  const query = queryName === "app" ? ORDERS_BULK_QUERY : BENCH_QUERY;
  const seeded = existsSync(file);
  const store = new EmulatorStore({ filename: file });
  let shop = store.getShopByDomain("bench.myshopify.com");
  if (!seeded || !shop) {
    shop = store.createShop({ domain: "bench" });
    const started = Date.now();
    await generateDemoStore(store, shop.id, {
      seed: 1,
      customers: Math.ceil(orders / 3),
      orders,
      now: new Date("2026-06-01T00:00:00Z"),
    });
    console.log(`seeded ${orders} orders in ${Date.now() - started} ms`);
  }
  const config = { timeScale: 1 } as EmulatorConfig;
  const context: ResolverContext = {
    emulator: { store, config, origin: () => "http://127.0.0.1" },
    shop,
    clientId: "bench",
    scopes: ["read_orders", "read_all_orders", "read_products", "read_customers"],
  };
  const compiled = compileBulkQuery(getAdminSchema(), query);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  const executor =
    mode === "graphql"
      ? graphqlExecutor(getAdminSchema(), buildRootResolvers())
      : directExecutor(getAdminSchema(), buildRootResolvers());
  let lines = 0;
  let roots = 0;
  let bytes = 0;
  let peakRss = process.memoryUsage().rss;
  const started = Date.now();
  const cpuStarted = process.cpuUsage();
  await executor.run(compiled.compiled, context, {
    async page(page, pageRoots) {
      bytes += Buffer.byteLength(jsonlChunk(page));
      lines += page.length;
      roots += pageRoots;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    },
    async text(chunk, lineCount, pageRoots) {
      bytes += Buffer.byteLength(chunk);
      lines += lineCount;
      roots += pageRoots;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    },
    shouldStop: () => roots >= limit,
  });
  const ms = Date.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    JSON.stringify({
      mode,
      query: queryName,
      orders: roots,
      lines,
      megabytes: Math.round(bytes / 1e6),
      seconds: ms / 1000,
      ordersPerSecond: Math.round(roots / (ms / 1000)),
      // CPU time is steadier than wall time on a shared machine.
      cpuSeconds,
      ordersPerCpuSecond: Math.round(roots / cpuSeconds),
      peakRssMb: Math.round(peakRss / 1e6),
      dbMb: Math.round(statSync(file).size / 1e6),
    }),
  );
  store.close();
}

await main();
