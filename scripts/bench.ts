/**
 * `npm run bench -- sync [--sizes 100000,1000000] [--providers sqlite,postgresql] [--no-ack] [--ack-orders 100000]`
 *
 * Measures the sync against the local Shopify and writes the whole report, reports/bench-sync.{json,md}: backfill
 * time and peak memory per store size and database against the insert ceiling measured in the same run, webhook
 * acknowledgement under bursts and during a backfill with its metrics recompute, the verdicts against the targets
 * (scripts/bench/targets.ts), the commit and machine it ran on, and the comparison with the report it replaces.
 * Each measurement runs in its own process.
 *
 * `npm run bench -- segments …` runs the segments benchmark instead (scripts/bench/segments.ts), `npm run bench --
 * tags …` the tags benchmark (scripts/bench/tags.ts), `npm run bench -- ui …` the admin pages' web vitals in Chromium
 * (scripts/bench/ui.ts).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../tests/helpers/app-stack.js";
import { isPostgresReachable } from "../tests/helpers/databases.js";
import { LOCAL_API_SECRET, readAppToml, ROOT } from "./local-shopify.js";
import { buildReport, provenance, renderMarkdown, type AckRow, type BackfillRow } from "./bench/report.js";

if (process.argv[2] === "segments") {
  const { runSegmentsBench } = await import("./bench/segments.js");
  await runSegmentsBench(process.argv.slice(3));
  process.exit(0);
}
if (process.argv[2] === "ui") {
  const { runUiBench } = await import("./bench/ui.js");
  await runUiBench(process.argv.slice(3));
  process.exit(0);
}
if (process.argv[2] === "tags") {
  const { runTagsBench } = await import("./bench/tags.js");
  await runTagsBench(process.argv.slice(3));
  process.exit(0);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sizes: { type: "string", default: "100000,1000000" },
    providers: { type: "string" },
    "no-ack": { type: "boolean", default: false },
    // The store backfilled while deliveries arrive (webhook-ack.ts --phase backfill).
    "ack-orders": { type: "string", default: "100000" },
  },
});

if (positionals[0] !== "sync") {
  console.error(
    "usage: npm run bench -- sync [--sizes 100000,1000000] [--providers sqlite,postgresql] [--no-ack] [--ack-orders 100000]\n" +
      "       npm run bench -- segments [--customers 1000000] [--providers sqlite,postgresql]\n" +
      "       npm run bench -- tags [--quick] [--plans STANDARD,PLUS] [--direct-seconds 35] [--customers 100000]\n" +
      "                             [--bulk-providers sqlite,postgresql] [--providers sqlite,postgresql] [--per-second 50] [--latency-seconds 120]\n" +
      "       npm run bench -- ui [--stores demo,large] [--customers 100000] [--loads 3]",
  );
  process.exit(64);
}

const tsx = resolve(ROOT, "node_modules/.bin/tsx");
const providers = (values.providers ?? ((await isPostgresReachable()) ? "sqlite,postgresql" : "sqlite")).split(",");
const sizes = values.sizes!.split(",").map(Number);
const toml = readAppToml();
// Taken before anything runs: the code measured is the code checked out now.
const where = provenance(ROOT);
const REPORT_JSON = resolve(ROOT, "reports/bench-sync.json");

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

const backfills: BackfillRow[] = [];
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
    backfills.push({ size, ...result } as BackfillRow);
  }
  emulator.kill();
  await emulator.exited;
}

const acks: AckRow[] = [];
if (!values["no-ack"]) {
  for (const provider of providers) {
    // On SQLite each burst runs with the inbox's durable commits (FULL, the app's default) and again with NORMAL:
    // the difference is what surviving a power loss costs an acknowledgement (decision 0009).
    const modes = provider === "sqlite" ? ["FULL", "NORMAL"] : ["FULL"];
    for (const concurrency of [10, 100, 1000]) {
      for (const synchronous of modes) {
        console.log(
          `[bench] webhook acknowledgement, burst, ${provider}${provider === "sqlite" ? ` (inbox ${synchronous})` : ""}, ${concurrency} in flight`,
        );
        const result = await jsonResult([
          "scripts/bench/webhook-ack.ts",
          "--phase",
          "burst",
          "--provider",
          provider,
          "--deliveries",
          "1000",
          "--concurrency",
          String(concurrency),
          "--inbox-synchronous",
          synchronous,
        ]);
        console.log(`[bench] ${JSON.stringify(result)}`);
        acks.push(result as AckRow);
      }
    }
    console.log(`[bench] webhook acknowledgement during a backfill of ${values["ack-orders"]} orders, ${provider}`);
    const result = await jsonResult([
      "scripts/bench/webhook-ack.ts",
      "--phase",
      "backfill",
      "--provider",
      provider,
      "--orders",
      values["ack-orders"]!,
    ]);
    console.log(`[bench] ${JSON.stringify(result)}`);
    acks.push(result as AckRow);
  }
}

// The report it replaces, read before it is overwritten: the comparison is made from its figures alone.
const previous: unknown = existsSync(REPORT_JSON) ? JSON.parse(readFileSync(REPORT_JSON, "utf8")) : null;
const report = buildReport(
  {
    measuredAt: new Date().toISOString(),
    provenance: where,
    loadAverageAtEnd: Math.round(loadavg()[0]! * 100) / 100,
    options: { sizes, providers, ack: !values["no-ack"] },
    seeding,
    backfills,
    acks,
  },
  previous,
);
mkdirSync(resolve(ROOT, "reports"), { recursive: true });
writeFileSync(REPORT_JSON, `${JSON.stringify(report, null, 2)}\n`);
const markdown = renderMarkdown(report);
writeFileSync(resolve(ROOT, "reports/bench-sync.md"), markdown);
console.log(markdown);
