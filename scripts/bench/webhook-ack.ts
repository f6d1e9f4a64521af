/**
 * Webhook acknowledgement against the built app with `npm run worker` beside it, with deliveries Shopify would
 * send: `orders/updated` bodies rendered by the local Shopify (tests/shopify-emulator/webhooks/payloads.ts) for
 * orders it holds and has just changed, so the worker reads each order back and writes it during the measurement.
 *
 * - `--phase burst`: a store of `deliveries + 200` orders is backfilled first; then `deliveries` (default 1,000)
 *   deliveries, `concurrency` in flight (default all of them, as Shopify's fan-out can be).
 * - `--phase backfill`: a store of `--orders` orders is backfilled while deliveries arrive at `--per-second`
 *   (`concurrency` in flight at most), from the merchant opening the app until the orders backfill, its metrics
 *   recompute included, is complete: what acknowledgement meets while the backfill holds the database.
 *
 * `--inbox-synchronous FULL|NORMAL` (SQLite; default FULL, the app's default): how the inbox commits each
 * acknowledged delivery (COHORT_SQLITE_INBOX_SYNCHRONOUS), so the cost of surviving a power loss is measured.
 *
 * Latency is per delivery, from send to full response. The worker's outcome per delivery is read from the inbox
 * table: applied (processed, no error), rejected (processed with an error: refused or dead-lettered) and pending
 * (not processed 30 s after the last delivery). Prints one JSON line.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { LOCAL_API_SECRET, ROOT } from "../local-shopify.js";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { mintSessionToken } from "../../tests/shopify-emulator/auth/session-token.js";
import { payloadForChange } from "../../tests/shopify-emulator/webhooks/payloads.js";
import { type AppStack, BROWSER_HEADERS, startAppStack, waitFor } from "../../tests/helpers/app-stack.js";
import { freshDatabase } from "../../tests/helpers/databases.js";
import { inboxOutcome } from "./inbox-outcome.js";
import { latencySummary, type Outcome } from "./latency.js";

const { values } = parseArgs({
  options: {
    phase: { type: "string", default: "burst" },
    deliveries: { type: "string", default: "1000" },
    provider: { type: "string", default: "sqlite" },
    concurrency: { type: "string" },
    orders: { type: "string", default: "100000" },
    "per-second": { type: "string", default: "50" },
    "inbox-synchronous": { type: "string", default: "FULL" },
  },
});

const provider = values.provider === "postgresql" ? "postgresql" : "sqlite";
const phase = values.phase === "backfill" ? "backfill" : "burst";
const SHOP = "bench-ack.myshopify.com";
const TOPIC = "orders/updated";
const WARM_UP = 200;
const deliveries = Number(values.deliveries);
const storeOrders = phase === "burst" ? deliveries + WARM_UP : Number(values.orders);
const concurrency = Math.max(1, Number(values.concurrency ?? (phase === "burst" ? deliveries : 20)));
const perSecond = Number(values["per-second"]);
const SETTLE_MS = 30_000;
if (values["inbox-synchronous"] !== "FULL" && values["inbox-synchronous"] !== "NORMAL") {
  throw new Error("--inbox-synchronous must be FULL or NORMAL");
}
// PostgreSQL commits durably whatever this says; the figure is reported for SQLite only.
const inboxSynchronous = provider === "sqlite" ? values["inbox-synchronous"] : null;

/** CPU time a process has used so far (user + system, ms), from Linux's /proc; null elsewhere. */
function cpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return null;
  }
}

/** The orders backfill's progress, as the worker records it: ingesting, recomputing metrics, or done. */
async function ordersBackfillStage(db: Database): Promise<"waiting" | "ingest" | "recompute" | "done"> {
  const state = await db.syncState.findUnique({ where: { shop_resource: { shop: SHOP, resource: "orders" } } });
  if (!state) return "waiting";
  if (state.status === "completed") return "done";
  if (state.status === "failed") throw new Error(`the orders backfill failed: ${state.lastError ?? "?"}`);
  // All orders are applied before the recompute starts; it is the last step before "completed".
  return state.processedCount >= storeOrders ? "recompute" : "ingest";
}

/**
 * Changes `ids` in the local Shopify without announcing it (its own webhooks would race the benchmark's), as a
 * merchant's edit would, and renders each order's `orders/updated` body: the worker then finds a newer order when
 * it reads it back, and writes it.
 */
function changedOrderBodies(stack: AppStack, ids: number[]): string[] {
  const { store } = stack.emulator;
  const shop = store.getShopByDomain(SHOP)!;
  const { apiVersion } = stack.emulator.webhooks.subscriptions();
  return ids.map((id) => {
    const order = store.getOrder(shop.id, id)!;
    store.putOrder(
      shop.id,
      { ...order, note: `benchmark change ${Date.now()}`, updatedAt: store.nowIso() },
      { silent: true },
    );
    return JSON.stringify(payloadForChange(store, shop, TOPIC, id, null, apiVersion));
  });
}

function orderIds(stack: AppStack, count: number): number[] {
  const shop = stack.emulator.store.getShopByDomain(SHOP)!;
  return stack.emulator.store
    .prepare("SELECT id FROM orders WHERE shop_id = ? ORDER BY id LIMIT ?")
    .all(shop.id, count)
    .map((row) => (row as { id: number }).id);
}

/** The inbox's state of the deliveries sent: what the worker made of them. */
const database = await freshDatabase(provider);
const stack = await startAppStack({
  databaseUrl: database.url,
  separateWorker: true,
  extraEnv: inboxSynchronous === null ? {} : { COHORT_SQLITE_INBOX_SYNCHRONOUS: inboxSynchronous },
});
const db = createDatabase(database.url);
const work = mkdtempSync(join(tmpdir(), "cohort-ack-"));
try {
  // The burst starts once the worker runs (its start-up, compiling the app, is not what a delivery burst meets).
  await waitFor(
    async () => stack.logs.some((line) => line.startsWith("[worker]") && line.includes("worker running")),
    60_000,
  );
  await stack.control.createShop({ domain: SHOP, name: "Benchmark Outfitters" });
  await stack.control.seed(SHOP, {
    seed: 1,
    customers: Math.max(100, Math.round(storeOrders / 5)),
    orders: storeOrders,
  });
  await stack.control.install(SHOP);
  const ids = orderIds(stack, phase === "burst" ? deliveries + WARM_UP : Math.min(storeOrders, 2_000));
  const openApp = async () => {
    // The merchant opens Cohort: the offline session the worker reads Shopify with, and the backfill starts.
    const token = mintSessionToken(stack.emulator.context, { shopDomain: SHOP });
    const host = Buffer.from(`admin.shopify.com/store/${SHOP.replace(".myshopify.com", "")}`)
      .toString("base64")
      .replace(/=+$/, "");
    const params = new URLSearchParams({ embedded: "1", shop: SHOP, host, id_token: token });
    const response = await fetch(`${stack.appUrl}/app?${params}`, { headers: BROWSER_HEADERS });
    if (response.status !== 200) throw new Error(`opening the app answered ${response.status}`);
  };

  const file = join(work, "deliveries.json");
  const plan = (warmUp: string[], bodies: string[]) =>
    writeFileSync(
      file,
      JSON.stringify({
        url: `${stack.appUrl}/webhooks/${TOPIC}`,
        secret: LOCAL_API_SECRET,
        shop: SHOP,
        topic: TOPIC,
        warmUp,
        bodies,
      }),
    );
  const startSender = (args: string[]) => {
    const sender = spawn(
      process.execPath,
      ["--import", "tsx", resolve(ROOT, "scripts/bench/webhook-burst.ts"), ...args],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    const started = new Promise<void>((ready) =>
      sender.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`"phase":`)) ready();
      }),
    );
    const exited = new Promise<number | null>((done) => sender.once("exit", done));
    const result = async () => {
      const code = await exited;
      if (code !== 0) throw new Error(`the sender exited with ${code}`);
      return JSON.parse(output.trim().split("\n").at(-1)!) as { outcomes: Outcome[]; wallMs: number; cpuMs: number };
    };
    return { sender, started, result };
  };

  if (phase === "burst") {
    await openApp();
    await waitFor(async () => ((await ordersBackfillStage(db)) === "done" ? true : null), 300_000);
    const warmUp = changedOrderBodies(stack, ids.slice(0, WARM_UP));
    const bodies = changedOrderBodies(stack, ids.slice(WARM_UP));
    plan(warmUp, bodies);
    const run = startSender(["burst", file, String(concurrency)]);
    // CPU is counted from the sender's signal that the timed burst begins (after its start-up and the warm-up).
    await run.started;
    const appCpuBefore = cpuMs(stack.pid);
    const { outcomes, wallMs, cpuMs: senderCpuMs } = await run.result();
    const appCpu = cpuMs(stack.pid);
    const sent = outcomes.map((outcome) => outcome.eventId);
    let inbox = await inboxOutcome(db, SHOP, sent);
    for (let waited = 0; waited < SETTLE_MS && inbox.pending + inbox.missing > 0; waited += 250) {
      await new Promise((r) => setTimeout(r, 250));
      inbox = await inboxOutcome(db, SHOP, sent);
    }
    console.log(
      JSON.stringify({
        benchmark: "webhook-ack",
        phase,
        provider,
        inboxSynchronous,
        deliveries,
        concurrency,
        ...latencySummary(outcomes),
        wallMs: Number(wallMs.toFixed(1)),
        perSecond: Math.round(deliveries / (wallMs / 1000)),
        // CPU the app process spent per delivery during the burst: what latency is made of on a busy machine.
        appCpuMsPerDelivery:
          appCpu === null || appCpuBefore === null ? null : Number(((appCpu - appCpuBefore) / deliveries).toFixed(3)),
        senderCpuMsPerDelivery: Number((senderCpuMs / deliveries).toFixed(3)),
        payloadBytes: Math.round(bodies.reduce((sum, body) => sum + body.length, 0) / bodies.length),
        inboxAfterSeconds: SETTLE_MS / 1000,
        ...inbox,
      }),
    );
  } else {
    plan([], changedOrderBodies(stack, ids));
    const run = startSender(["stream", file, String(concurrency), String(perSecond)]);
    await run.started;
    const streamStarted = Date.now();
    await openApp();
    // The stages of the orders backfill as observed (epoch ms of each first sighting).
    const stages: Record<string, number> = {};
    for (;;) {
      const stage = await ordersBackfillStage(db);
      stages[stage] ??= Date.now();
      if (stage === "done") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    run.sender.kill("SIGTERM");
    const { outcomes, wallMs } = await run.result();
    const sent = outcomes.map((outcome) => outcome.eventId);
    let inbox = await inboxOutcome(db, SHOP, sent);
    for (let waited = 0; waited < SETTLE_MS && inbox.pending + inbox.missing > 0; waited += 250) {
      await new Promise((r) => setTimeout(r, 250));
      inbox = await inboxOutcome(db, SHOP, sent);
    }
    const recomputeFrom = stages.recompute ?? stages.done!;
    const seconds = (at: number | undefined) =>
      at === undefined ? null : Number(((at - streamStarted) / 1000).toFixed(2));
    console.log(
      JSON.stringify({
        benchmark: "webhook-ack",
        phase,
        provider,
        inboxSynchronous,
        orders: storeOrders,
        perSecond,
        concurrency,
        deliveries: outcomes.length,
        wallMs: Number(wallMs.toFixed(1)),
        // When the orders backfill was seen to ingest, recompute and finish, from the first delivery (s).
        stages: { ingest: seconds(stages.ingest), recompute: seconds(stages.recompute), done: seconds(stages.done) },
        ...latencySummary(outcomes),
        duringRecompute: latencySummary(outcomes.filter((o) => o.sentAt >= recomputeFrom && o.sentAt < stages.done!)),
        inboxAfterSeconds: SETTLE_MS / 1000,
        ...inbox,
      }),
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await db.$disconnect();
  await stack.stop();
  await database.drop();
}
