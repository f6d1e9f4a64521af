/**
 * `npm run bench -- tags [--quick] [--plans STANDARD,PLUS] [--direct-seconds 35] [--customers 100000]
 * [--bulk-providers sqlite,postgresql] [--providers sqlite,postgresql] [--per-second 50] [--latency-seconds 120]`
 *
 * The tag writers against the local Shopify, each measurement in its own process: the direct path's tagsAdd per
 * second against each plan's rate (tag-direct.ts), webhook → tag latency through the running app per database
 * (tag-latency.ts), re-tagging a whole segment through the bulk path per database (tag-bulk.ts). Writes
 * reports/bench-tags.{json,md} after each measurement, with the verdicts (tag-targets.ts), the commit and
 * machine. `--quick` is a short run for development (no target is then measured); `none` as a list leaves that
 * measurement out; `--out <dir>` writes the report elsewhere than reports/.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { isPostgresReachable } from "../../tests/helpers/databases.js";
import { ROOT } from "../local-shopify.js";
import { provenance } from "./report.js";
import {
  buildTagReport,
  renderTagMarkdown,
  type TagBulkRun,
  type TagDirectRun,
  type TagLatencyRun,
  type TagOptions,
} from "./tag-report.js";

const TSX = resolve(ROOT, "node_modules/.bin/tsx");

/** Runs one measurement script; its last stdout line starting with `{` is its result. */
function measure(script: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((done, fail) => {
    const child = spawn(TSX, [resolve(ROOT, "scripts/bench", script), ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (output += chunk));
    child.once("exit", (code) => {
      const line = output
        .split("\n")
        .reverse()
        .find((candidate) => candidate.startsWith("{"));
      if (code !== 0 || !line) fail(new Error(`${script} ${args.join(" ")} failed (exit ${code}):\n${output}`));
      else done(JSON.parse(line) as Record<string, unknown>);
    });
  });
}

export async function runTagsBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: "boolean", default: false },
      plans: { type: "string" },
      "direct-seconds": { type: "string" },
      "direct-customers": { type: "string" },
      customers: { type: "string" },
      "bulk-providers": { type: "string" },
      providers: { type: "string" },
      "per-second": { type: "string" },
      "latency-seconds": { type: "string" },
      // Where the report goes (its tests write elsewhere than reports/).
      out: { type: "string", default: resolve(ROOT, "reports") },
    },
  });
  const quick = values.quick!;
  const reachable = (await isPostgresReachable()) ? ["sqlite", "postgresql"] : ["sqlite"];
  // "none" leaves a measurement out.
  const list = (value: string | undefined, fallback: string[]) =>
    value === "none" ? [] : value ? value.split(",") : fallback;
  const latencyProviders = list(values.providers, reachable);
  const options: TagOptions = {
    quick,
    plans: list(values.plans, ["STANDARD", "PLUS"]),
    directSeconds: Number(values["direct-seconds"] ?? (quick ? 6 : 35)),
    directCustomers: Number(values["direct-customers"] ?? (quick ? 300 : 1000)),
    bulkCustomers: Number(values.customers ?? (quick ? 1000 : 100_000)),
    bulkProviders: list(values["bulk-providers"], values.providers ? latencyProviders : reachable),
    latencyProviders,
    perSecond: Number(values["per-second"] ?? (quick ? 10 : 50)),
    latencySeconds: Number(values["latency-seconds"] ?? (quick ? 5 : 120)),
  };
  for (const provider of [...options.bulkProviders, ...options.latencyProviders]) {
    if (provider !== "sqlite" && provider !== "postgresql") throw new Error(`Unknown provider ${provider}`);
  }
  // Taken before anything runs: the code measured is the code checked out now.
  const where = provenance(ROOT);
  const direct: TagDirectRun[] = [];
  const bulk: TagBulkRun[] = [];
  const latency: TagLatencyRun[] = [];
  const planned = [
    ...options.plans.map((plan) => `direct ${plan}`),
    ...options.latencyProviders.map((provider) => `webhook → tag on ${provider}`),
    ...options.bulkProviders.map((provider) => `bulk re-tag on ${provider}`),
  ];
  const finished: string[] = [];
  const write = () => {
    const report = buildTagReport({
      measuredAt: new Date().toISOString(),
      provenance: where,
      loadAverageAtEnd: Math.round(loadavg()[0]! * 100) / 100,
      options,
      direct,
      bulk,
      latency,
      unfinished: planned.filter((name) => !finished.includes(name)),
      failed,
    });
    mkdirSync(values.out!, { recursive: true });
    writeFileSync(resolve(values.out!, "bench-tags.json"), `${JSON.stringify(report, null, 2)}\n`);
    const markdown = renderTagMarkdown(report);
    writeFileSync(resolve(values.out!, "bench-tags.md"), markdown);
    return markdown;
  };
  const failed: { measurement: string; error: string }[] = [];
  const step = async (name: string, run: () => Promise<Record<string, unknown>>, into: Record<string, unknown>[]) => {
    console.log(`[bench] ${name}`);
    try {
      const result = await run();
      console.log(`[bench] ${JSON.stringify(result)}`);
      into.push(result);
    } catch (error) {
      // One measurement that fails (e.g. the app stack not starting) leaves the others to run; the report says so.
      const message = error instanceof Error ? error.message : String(error);
      console.error(`[bench] ${name} failed: ${message}`);
      failed.push({ measurement: name, error: message.split("\n")[0]! });
    }
    finished.push(name);
    // Written after each measurement: a run stopped during the next one still leaves the figures it measured.
    write();
  };

  for (const plan of options.plans) {
    await step(
      `direct ${plan}`,
      () =>
        measure("tag-direct.ts", [
          "--plan",
          plan,
          "--seconds",
          String(options.directSeconds),
          "--customers",
          String(options.directCustomers),
        ]),
      direct,
    );
  }
  for (const provider of options.latencyProviders) {
    await step(
      `webhook → tag on ${provider}`,
      () =>
        measure("tag-latency.ts", [
          "--provider",
          provider,
          "--per-second",
          String(options.perSecond),
          "--seconds",
          String(options.latencySeconds),
        ]),
      latency,
    );
  }
  for (const provider of options.bulkProviders) {
    await step(
      `bulk re-tag on ${provider}`,
      () => measure("tag-bulk.ts", ["--provider", provider, "--customers", String(options.bulkCustomers)]),
      bulk,
    );
  }
  console.log(write());
}
