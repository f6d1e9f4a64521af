/**
 * The direct tag path's throughput against the shop's cost bucket, in its own process: `tag-direct.ts --plan
 * STANDARD|PLUS --seconds 25 --customers 1000`. The local Shopify runs here on the real clock (its bucket refills
 * by Date.now, 100 points/s on Standard, 1,000 on Plus: tests/shopify-emulator/graphql/throttle.ts); the app's
 * `DirectTagWriter` over its `AdminClient` (real clock, its own pacing by the bucket Shopify reports) adds a new
 * tag to every customer, round after round in batches of the push's size, until `--seconds` have passed.
 *
 * Measured from Shopify's answers, as a counting fetch sees them: the cost of one tagsAdd as the local Shopify
 * meters it (a request with a single tagsAdd, before the run), each request's time, writes and points, the
 * THROTTLED answers. Steady state: from the first answer that finds the bucket drained (the full bucket a shop
 * starts with is a burst no plan sustains) to the last answer. Prints one JSON line.
 */
import { parseArgs } from "node:util";
import { SHOPIFY_API_VERSION } from "../../app/lib/api-version.js";
import { AdminClient } from "../../app/shopify/admin-client.server.js";
import { createEmulatorFetch } from "../../app/shopify/emulator-routing.js";
import { DirectTagWriter } from "../../app/shopify/tagging/direct-tag-writer.server.js";
import { PUSH_BATCH } from "../../app/services/tagging/tag-push.js";
import type { TagChange } from "../../app/services/tagging/ports.js";
import { EmulatorClient } from "../../tests/shopify-emulator/client.js";
import { startEmulator } from "../../tests/shopify-emulator/server.js";
import { EmulatorStore } from "../../tests/shopify-emulator/store/store.js";
import { RESTORE_RATE_BY_PLAN } from "../../tests/shopify-emulator/graphql/throttle.js";
import type { ShopPlan } from "../../tests/shopify-emulator/store/types.js";
import { localEmulatorConfig } from "../local-shopify.js";

const { values } = parseArgs({
  options: {
    plan: { type: "string", default: "STANDARD" },
    seconds: { type: "string", default: "25" },
    customers: { type: "string", default: "1000" },
  },
});
const plan = values.plan as ShopPlan;
if (!(plan in RESTORE_RATE_BY_PLAN)) throw new Error(`unknown plan ${plan}`);
const seconds = Number(values.seconds);
const customers = Number(values.customers);
const SHOP = `bench-tags-${plan.toLowerCase()}.myshopify.com`;

interface Answer {
  atMs: number;
  writes: number;
  requestedCost: number;
  actualCost: number;
  available: number | null;
  throttled: boolean;
}

const emulator = await startEmulator({
  store: new EmulatorStore(),
  // timeScale scales the emulator's delays only; its cost bucket always runs on the store's clock, here the real one.
  config: localEmulatorConfig("http://127.0.0.1:9", { timeScale: 1 }),
});
try {
  const control = new EmulatorClient(emulator.url);
  await control.createShop({ domain: SHOP, plan });
  const { accessToken } = await control.install(SHOP);
  await control.seed(SHOP, { seed: 1, customers, orders: customers });
  const shopId = emulator.store.getShopByDomain(SHOP)!.id;
  const gids = emulator.store
    .prepare("SELECT id FROM customers WHERE shop_id = ? ORDER BY id")
    .all(shopId)
    .map((row) => `gid://shopify/Customer/${(row as { id: number }).id}`);

  const answers: Answer[] = [];
  let recording = false;
  const routed = createEmulatorFetch(emulator.url, globalThis.fetch);
  const counting: typeof fetch = async (input, init) => {
    const response = await routed(input, init);
    const url = String(input instanceof Request ? input.url : input);
    if (recording && url.includes("/graphql.json")) {
      const body = (await response.clone().json()) as {
        data?: Record<string, unknown> | null;
        errors?: { extensions?: { code?: string } }[];
        extensions?: {
          cost?: {
            requestedQueryCost?: number;
            actualQueryCost?: number | null;
            throttleStatus?: { currentlyAvailable: number };
          };
        };
      };
      const cost = body.extensions?.cost;
      answers.push({
        atMs: performance.now(),
        writes: body.data ? Object.keys(body.data).length : 0,
        requestedCost: cost?.requestedQueryCost ?? 0,
        actualCost: cost?.actualQueryCost ?? 0,
        available: cost?.throttleStatus?.currentlyAvailable ?? null,
        throttled: body.errors?.some((error) => error.extensions?.code === "THROTTLED") ?? false,
      });
    }
    return response;
  };
  const admin = new AdminClient({
    shop: SHOP,
    apiVersion: SHOPIFY_API_VERSION,
    token: { accessToken: async () => accessToken },
    fetch: counting,
  });
  const writer = new DirectTagWriter(admin);

  // The cost of one tagsAdd, metered alone (it also gives the client its first bucket observation).
  recording = true;
  await writer.write([{ customerGid: gids[0]!, add: ["bench:probe"], remove: [] }]);
  const probe = answers.shift()!;
  const tagsAddCost = probe.actualCost;

  const started = performance.now();
  let round = 0;
  let applied = 0;
  let other = 0;
  outer: for (;;) {
    round += 1;
    for (let start = 0; start < gids.length; start += PUSH_BATCH) {
      if (performance.now() - started >= seconds * 1000) break outer;
      const changes: TagChange[] = gids
        .slice(start, start + PUSH_BATCH)
        .map((customerGid) => ({ customerGid, add: [`bench:round-${round}`], remove: [] }));
      for (const outcome of await writer.write(changes)) {
        if (outcome.status === "applied") applied += 1;
        else other += 1;
      }
    }
  }
  const ended = performance.now();
  recording = false;

  const restoreRate = RESTORE_RATE_BY_PLAN[plan];
  const drainedAt = answers.findIndex((answer) => answer.available !== null && answer.available < restoreRate);
  const steady = drainedAt < 0 ? [] : answers.slice(drainedAt + 1);
  const steadySeconds = steady.length ? (steady.at(-1)!.atMs - answers[drainedAt]!.atMs) / 1000 : 0;
  const steadyWrites = steady.reduce((sum, answer) => sum + answer.writes, 0);
  const steadyPoints = steady.reduce((sum, answer) => sum + answer.actualCost, 0);
  const allowedTagsPerSecond = restoreRate / tagsAddCost;
  // What the bucket held when the window opened and closed is not the restore rate's: taken out of the writes.
  const heldBefore = answers[drainedAt]?.available ?? 0;
  const heldAfter = steady.at(-1)?.available ?? 0;
  const restoredWrites = steadyWrites - (heldBefore - heldAfter) / tagsAddCost;
  const tagsPerSecond = steadySeconds > 0 ? restoredWrites / steadySeconds : null;
  const round2 = (value: number) => Number(value.toFixed(2));
  console.log(
    JSON.stringify({
      benchmark: "tag-direct",
      plan,
      restoreRate,
      maximumAvailable: restoreRate * 20,
      tagsAddCost,
      allowedTagsPerSecond: round2(allowedTagsPerSecond),
      customers: gids.length,
      wallSeconds: round2((ended - started) / 1000),
      requests: answers.length,
      writes: applied + other,
      applied,
      notApplied: other,
      throttled: answers.filter((answer) => answer.throttled).length,
      writesPerRequest: round2((applied + other) / Math.max(1, answers.length)),
      steadySeconds: round2(steadySeconds),
      steadyWrites,
      steadyPointsPerSecond: steadySeconds > 0 ? round2(steadyPoints / steadySeconds) : null,
      tagsPerSecond: tagsPerSecond === null ? null : round2(tagsPerSecond),
      shareOfPlan: tagsPerSecond === null ? null : Number((tagsPerSecond / allowedTagsPerSecond).toFixed(4)),
    }),
  );
} finally {
  await emulator.close();
  emulator.store.close();
}
