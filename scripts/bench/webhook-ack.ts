/**
 * Webhook acknowledgement latency: a burst of deliveries (default 1,000, all in flight at once, as Shopify's
 * fan-out can be) against the built app, each signed and unique; latency is measured per delivery from send to
 * response. Prints one JSON line with the figures.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "../local-shopify.js";
import { createDatabase } from "../../app/db/client.server.js";
import { startAppStack, waitFor } from "../../tests/helpers/app-stack.js";
import { freshDatabase } from "../../tests/helpers/databases.js";
import { signedWebhook } from "../../tests/helpers/webhooks.js";

const { values } = parseArgs({
  options: {
    deliveries: { type: "string", default: "1000" },
    provider: { type: "string", default: "sqlite" },
    concurrency: { type: "string", default: "1000" },
    // in-process: the app's own worker; separate: `npm run worker` beside an app with COHORT_BACKGROUND=off;
    // none: no worker at all (acknowledgement alone, for diagnosis; nothing is applied).
    worker: { type: "string", default: "separate" },
  },
});

const provider = values.provider === "postgresql" ? "postgresql" : "sqlite";
const database = await freshDatabase(provider);
const workerMode = values.worker === "in-process" || values.worker === "none" ? values.worker : "separate";
const stack = await startAppStack({
  databaseUrl: database.url,
  separateWorker: workerMode === "separate",
  ...(workerMode === "separate" ? {} : { extraEnv: { COHORT_BACKGROUND: workerMode === "in-process" ? "on" : "off" } }),
});
// The burst starts once the worker runs (its start-up, compiling the app, is not what a delivery burst meets).
if (workerMode === "separate") {
  await waitFor(
    async () => stack.logs.some((line) => line.startsWith("[worker]") && line.includes("worker running")),
    60_000,
  );
}
const concurrency = Math.max(1, Number(values.concurrency));
const shop = "bench.myshopify.com";
const count = Number(values.deliveries);
const WARM_UP = 200;

/** CPU time a process has used so far (user + system, ms), from Linux's /proc; null elsewhere. */
function cpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return null;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

try {
  const delivery = (id: number) =>
    signedWebhook({
      topic: "orders/updated",
      shop,
      payload: { id, admin_graphql_api_id: `gid://shopify/Order/${id}`, updated_at: new Date().toISOString() },
    });
  // Warm-up deliveries (sent first, untimed, counted in nothing below): the first requests of a process pay for
  // compiling code and opening connections.
  const warmUp = Array.from({ length: WARM_UP }, (_, i) => delivery(1_000 + i));
  const deliveries = Array.from({ length: count }, (_, i) => delivery(100_000 + i));
  // The burst is sent from its own process (scripts/bench/webhook-burst.ts); only its run is timed.
  const file = join(mkdtempSync(join(tmpdir(), "cohort-ack-")), "deliveries.json");
  writeFileSync(file, JSON.stringify({ warmUp, deliveries }));
  const sender = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      resolve(ROOT, "scripts/bench/webhook-burst.ts"),
      `${stack.appUrl}/webhooks/orders/updated`,
      file,
      String(concurrency),
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  // CPU is counted from the sender's signal that the timed burst begins (after its start-up and the warm-up).
  let appCpuBefore: number | null = null;
  let ownCpuBefore = process.cpuUsage();
  sender.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (appCpuBefore === null && output.includes(`"phase":"burst"`)) {
      appCpuBefore = cpuMs(stack.pid);
      ownCpuBefore = process.cpuUsage();
    }
  });
  const exitCode = await new Promise<number | null>((done) => sender.once("exit", done));
  rmSync(dirname(file), { recursive: true, force: true });
  if (exitCode !== 0) throw new Error(`the sender exited with ${exitCode}`);
  const {
    latencies,
    wallMs,
    cpuMs: senderCpuMs,
  } = JSON.parse(output.trim().split("\n").at(-1)!) as {
    latencies: number[];
    wallMs: number;
    cpuMs: number;
  };
  const appCpu = cpuMs(stack.pid);
  const ownCpu = process.cpuUsage(ownCpuBefore);
  // The worker must have applied (or set aside) every delivery: acknowledgement is only half of the job.
  const db = createDatabase(database.url);
  let pending: number | null = workerMode === "none" ? null : count;
  for (let waited = 0; waited < 30_000 && pending !== null && pending > 0; waited += 250) {
    pending = await db.webhookEvent.count({ where: { processedAt: null } });
    if (pending > 0) await new Promise((r) => setTimeout(r, 250));
  }
  await db.$disconnect();
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      benchmark: "webhook-ack",
      provider,
      deliveries: count,
      concurrency,
      worker: { separate: "separate process", "in-process": "in the app process", none: "none" }[workerMode],
      p50Ms: Number(percentile(sorted, 50).toFixed(2)),
      p99Ms: Number(percentile(sorted, 99).toFixed(2)),
      maxMs: Number(sorted[sorted.length - 1]!.toFixed(2)),
      wallMs: Number(wallMs.toFixed(1)),
      perSecond: Math.round(count / (wallMs / 1000)),
      // CPU the app process spent per delivery during the burst: what latency is made of on a busy machine.
      appCpuMsPerDelivery:
        appCpu === null || appCpuBefore === null ? null : Number(((appCpu - appCpuBefore) / count).toFixed(3)),
      senderCpuMsPerDelivery: Number((senderCpuMs / count).toFixed(3)),
      // This process's: mostly the local Shopify answering the worker's order read-backs.
      benchCpuMsPerDelivery: Number(((ownCpu.user + ownCpu.system) / 1000 / count).toFixed(3)),
      unprocessedAfter30s: pending,
    }),
  );
} finally {
  await stack.stop();
  await database.drop();
}
