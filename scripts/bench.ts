/**
 * `npm run bench -- sync [--sizes 100000,1000000] [--providers sqlite,postgresql] [--no-ack]`
 *
 * Measures the sync against the local Shopify and writes the figures to reports/bench-sync.{json,md}:
 * backfill throughput and peak memory per store size and database, the ratio to the insert ceiling (plain batched
 * INSERTs of the same rows through the same driver, measured in the same run), and webhook acknowledgement
 * latency under a burst of 1,000 deliveries. Each measurement runs in its own process.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../tests/helpers/app-stack.js";
import { isPostgresReachable } from "../tests/helpers/databases.js";
import { LOCAL_API_SECRET, readAppToml, ROOT } from "./local-shopify.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sizes: { type: "string", default: "100000,1000000" },
    providers: { type: "string" },
    "no-ack": { type: "boolean", default: false },
  },
});

if (positionals[0] !== "sync") {
  console.error("usage: npm run bench -- sync [--sizes 100000,1000000] [--providers sqlite,postgresql] [--no-ack]");
  process.exit(64);
}

const tsx = resolve(ROOT, "node_modules/.bin/tsx");
const providers = (values.providers ?? ((await isPostgresReachable()) ? "sqlite,postgresql" : "sqlite")).split(",");
const sizes = values.sizes!.split(",").map(Number);
const toml = readAppToml();

interface Child {
  lines: string[];
  exited: Promise<number>;
  kill(): void;
}

function run(args: string[], onLine?: (line: string) => void): Child {
  const child = spawn(tsx, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const lines: string[] = [];
  let rest = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      onLine?.(line);
    }
  });
  return {
    lines,
    exited: new Promise((done) => child.on("exit", (code) => done(code ?? 1))),
    kill: () => child.kill("SIGTERM"),
  };
}

async function jsonResult(args: string[]): Promise<Record<string, unknown>> {
  const child = run(args);
  const code = await child.exited;
  const line = child.lines.reverse().find((candidate) => candidate.startsWith("{"));
  if (code !== 0 || !line) throw new Error(`${args.join(" ")} failed (exit ${code})`);
  return JSON.parse(line) as Record<string, unknown>;
}

const backfills: Record<string, unknown>[] = [];
const seeding: Record<string, unknown>[] = [];
mkdirSync(resolve(ROOT, ".cache/bench"), { recursive: true });

for (const size of sizes) {
  const port = await freePort();
  const handle = `bench-${size}`;
  let token = "";
  let seededMs: number | null = null;
  console.log(`[bench] local Shopify with ${size.toLocaleString("en-US")} orders (made once into .cache/bench)`);
  const emulator = run(
    [
      "tests/shopify-emulator/cli.ts",
      "--port",
      String(port),
      "--db",
      `.cache/bench/emulator-${size}.db`,
      "--app-url",
      "http://127.0.0.1:9",
      "--api-secret",
      LOCAL_API_SECRET,
      "--time-scale",
      "0.001",
      "--seed-shop",
      handle,
      "--customers",
      String(Math.max(100, Math.round(size / 5))),
      "--orders",
      String(size),
      "--verbose", // the bench reads the offline token from the output
    ],
    (line) => {
      const seeded = / in (\d+) ms/.exec(line);
      if (line.includes("seeded") && seeded) seededMs = Number(seeded[1]);
      const installed = /offline token (\S+)/.exec(line);
      if (installed) token = installed[1]!;
    },
  );
  while (!token) {
    if (await Promise.race([emulator.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 200))])) {
      throw new Error("the local Shopify exited before it was ready");
    }
  }
  seeding.push({ orders: size, seededSeconds: seededMs === null ? "reused" : seededMs / 1000 });
  for (const provider of providers) {
    console.log(`[bench] backfill of ${size.toLocaleString("en-US")} orders into ${provider}`);
    const result = await jsonResult([
      "scripts/bench/backfill.ts",
      "--emulator",
      `http://127.0.0.1:${port}`,
      "--shop",
      `${handle}.myshopify.com`,
      "--token",
      token,
      "--scopes",
      toml.access_scopes.scopes,
      "--provider",
      provider,
    ]);
    console.log(`[bench] ${JSON.stringify(result)}`);
    backfills.push({ size, ...result });
  }
  emulator.kill();
  await emulator.exited;
}

const acks: Record<string, unknown>[] = [];
if (!values["no-ack"]) {
  for (const provider of providers) {
    for (const concurrency of [10, 50, 100, 1000]) {
      console.log(`[bench] webhook acknowledgement, ${provider}, ${concurrency} in flight`);
      const result = await jsonResult([
        "scripts/bench/webhook-ack.ts",
        "--provider",
        provider,
        "--deliveries",
        "1000",
        "--concurrency",
        String(concurrency),
      ]);
      console.log(`[bench] ${JSON.stringify(result)}`);
      acks.push(result);
    }
  }
}

const report = {
  suite: "sync",
  measuredAt: new Date().toISOString(),
  machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
  seeding,
  backfills,
  acks,
};
mkdirSync(resolve(ROOT, "reports"), { recursive: true });
writeFileSync(resolve(ROOT, "reports/bench-sync.json"), `${JSON.stringify(report, null, 2)}\n`);

const rows = (items: Record<string, unknown>[], keys: string[]) =>
  items.map((item) => `| ${keys.map((key) => String(item[key] ?? "")).join(" | ")} |`).join("\n");
const markdown = `# Sync benchmark

Made by \`npm run bench -- sync\` on ${report.measuredAt} (${report.machine.cpus} CPUs, Node ${report.machine.node}).
Targets (issue "Sync every order and customer"): 1,000,000 orders backfilled in under 2 minutes on SQLite, at
least half the insert ceiling, peak memory under 300 MB; webhook acknowledgement p99 under 50 ms.

## Backfill

Orders: wall time of the orders backfill, split into Shopify's part (the bulk export on the local Shopify, until
the first result can be downloaded; a store of 1,000,000 orders is exported in id ranges, each applied while the
next ones export) and the app's part (download, parse, upsert, metrics).
Ceiling: plain INSERTs of the same rows (orders, line items, their collections, refunds, discount codes; the row
counts of both databases are compared) through the same driver-level writer as the backfill (prepared statements
on SQLite, an array per column on PostgreSQL), timing only the INSERTs. The app's ratio is the app's part against
the ceiling; the ingest ratio leaves out the metrics recompute that follows the ingest.

| orders | database | orders/s end to end | seconds end to end | export seconds | app seconds | app orders/s | ingest orders/s | ceiling orders/s | app ratio to ceiling | ingest ratio to ceiling | peak RSS MB | customers seconds |
| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows(backfills, ["size", "provider", "ordersPerSecond", "orderSeconds", "exportSeconds", "appSeconds", "appOrdersPerSecond", "ingestOrdersPerSecond", "ceilingOrdersPerSecond", "appRatioToCeiling", "ingestRatioToCeiling", "peakRssMb", "customerSeconds"])}

Phase starts within the orders backfill (seconds): ${backfills.map((b) => `${b.size}/${b.provider}: ${JSON.stringify(b.orderPhases)}`).join("; ")}

Peak RSS per phase (MB): ${backfills.map((b) => `${b.size}/${b.provider}: ${JSON.stringify(b.peakRssByPhase)}`).join("; ")}

## Webhook acknowledgement

1,000 signed deliveries (after 200 untimed warm-up ones) to the built app (\`server.js\`, which answers webhook
deliveries ahead of express and Remix), \`npm run worker\` beside it, \`concurrency\` of them in flight, sent from a
separate process (\`scripts/bench/webhook-ack.ts\`). CPU: milliseconds of the app process per delivery during the
burst; unprocessed: deliveries the worker had not applied 30 s after the burst.

| database | in flight | p50 ms | p99 ms | max ms | deliveries/s | app CPU ms | unprocessed |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows(acks, ["provider", "concurrency", "p50Ms", "p99Ms", "maxMs", "perSecond", "appCpuMsPerDelivery", "unprocessedAfter30s"])}
`;
writeFileSync(resolve(ROOT, "reports/bench-sync.md"), markdown);
console.log(markdown);
