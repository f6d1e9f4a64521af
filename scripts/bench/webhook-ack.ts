/**
 * Webhook acknowledgement latency: a burst of deliveries (default 1,000, all in flight at once, as Shopify's
 * fan-out can be) against the built app, each signed and unique; latency is measured per delivery from send to
 * response. Prints one JSON line with the figures.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { localAppEnv, ROOT } from "../local-shopify.js";
import { createDatabase } from "../../app/db/client.server.js";
import { startAppStack } from "../../tests/helpers/app-stack.js";
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
  extraEnv: { COHORT_BACKGROUND: workerMode === "in-process" ? "on" : "off" },
});
const worker =
  workerMode === "separate"
    ? spawn(resolve(ROOT, "node_modules/.bin/tsx"), ["scripts/worker.ts"], {
        cwd: ROOT,
        env: {
          ...process.env,
          ...localAppEnv({ appUrl: stack.appUrl, emulatorUrl: stack.emulator.url, databaseUrl: database.url }),
        },
        stdio: "ignore",
      })
    : null;
const concurrency = Math.max(1, Number(values.concurrency));
const shop = "bench.myshopify.com";
const count = Number(values.deliveries);

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
  // Warm up: the first requests pay for module initialisation and connection set-up.
  for (let i = 0; i < 20; i += 1) {
    const warm = signedWebhook({ topic: "orders/updated", shop, payload: { id: i, warm: true } });
    await fetch(`${stack.appUrl}/webhooks/orders/updated`, { method: "POST", headers: warm.headers, body: warm.body });
  }
  const deliveries = Array.from({ length: count }, (_, i) =>
    signedWebhook({
      topic: "orders/updated",
      shop,
      payload: {
        id: 100_000 + i,
        admin_graphql_api_id: `gid://shopify/Order/${100_000 + i}`,
        updated_at: new Date().toISOString(),
      },
    }),
  );
  const appCpuBefore = cpuMs(stack.pid);
  const ownCpuBefore = process.cpuUsage();
  const started = performance.now();
  const latencies: number[] = [];
  let next = 0;
  // `concurrency` deliveries in flight at once (Shopify spreads a shop's deliveries over a few connections).
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++]!;
        const sent = performance.now();
        const response = await fetch(`${stack.appUrl}/webhooks/orders/updated`, {
          method: "POST",
          headers: delivery.headers,
          body: delivery.body,
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`delivery answered ${response.status}`);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const wallMs = performance.now() - started;
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
      // This process's: the sending client and the local Shopify the worker reads orders back from.
      benchCpuMsPerDelivery: Number(((ownCpu.user + ownCpu.system) / 1000 / count).toFixed(3)),
      unprocessedAfter30s: pending,
    }),
  );
} finally {
  worker?.kill("SIGTERM");
  await stack.stop();
  await database.drop();
}
