import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SHOPIFY_API_VERSION } from "../../app/lib/api-version.js";
import { AdminClient, type Clock } from "../../app/shopify/admin-client.server.js";
import { bulkDownloader } from "../../app/shopify/bulk-download.server.js";
import { createEmulatorFetch } from "../../app/shopify/emulator-routing.js";
import { BulkTagWriter } from "../../app/shopify/tagging/bulk-tag-writer.server.js";
import { DirectTagWriter } from "../../app/shopify/tagging/direct-tag-writer.server.js";
import { BulkTagBusyError, type TagChange, type TagOutcome } from "../../app/services/tagging/ports.js";
import { localEmulatorConfig } from "../../scripts/local-shopify.js";
import { setBulkOperationDelay } from "../shopify-emulator/bulk/index.js";
import { resetBulkMutationKnobs } from "../shopify-emulator/bulk/mutation-runner.js";
import { EmulatorClient } from "../shopify-emulator/client.js";
import { startEmulator, type RunningEmulator } from "../shopify-emulator/server.js";
import { EmulatorStore } from "../shopify-emulator/store/store.js";
import type { ShopPlan } from "../shopify-emulator/store/types.js";

/** Simulated time: the emulator's cost bucket refills by it, and the writers' sleeps advance it at once. */
let simulatedMs = Date.parse("2026-09-01T00:00:00Z");
const simulatedClock: Clock = {
  now: () => simulatedMs,
  sleep: async (ms) => {
    simulatedMs += Math.max(0, ms);
  },
};
/** Real time in small steps, for bulk operations (the emulator runs them on real timers). */
const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          reject(signal.reason as Error);
        },
        { once: true },
      );
    }),
};

let emulator: RunningEmulator;
let control: EmulatorClient;
let shopCounter = 0;

beforeAll(async () => {
  emulator = await startEmulator({
    store: new EmulatorStore({ now: () => new Date(simulatedMs) }),
    config: localEmulatorConfig("http://127.0.0.1:9", { timeScale: 0.001 }),
  });
  control = new EmulatorClient(emulator.url);
});
afterAll(async () => {
  await emulator?.close();
  emulator?.store.close();
});
afterEach(() => {
  setBulkOperationDelay(0);
  resetBulkMutationKnobs();
});

interface Traffic {
  requests: number;
  throttled: number;
  points: number;
}

/** A shop with `customers` customers (some with a merchant's tag), an AdminClient that counts what it sends. */
async function shop(
  options: { plan?: ShopPlan; customers?: number; clock?: Clock; apiVersion?: string; failFirst?: number } = {},
) {
  shopCounter += 1;
  const domain = `tagwriters-${shopCounter}.myshopify.com`;
  await control.createShop({ domain, plan: options.plan ?? "BASIC" });
  const { accessToken } = await control.install(domain);
  const gids: string[] = [];
  for (let index = 0; index < (options.customers ?? 0); index += 1) {
    const customer = await control.createCustomer(domain, {
      firstName: `C${index}`,
      tags: index % 2 ? ["Merchant VIP"] : [],
    });
    gids.push(`gid://shopify/Customer/${customer.id}`);
  }
  const traffic: Traffic = { requests: 0, throttled: 0, points: 0 };
  let failures = options.failFirst ?? 0;
  const routed = createEmulatorFetch(emulator.url, globalThis.fetch);
  const counting: typeof fetch = async (input, init) => {
    if (failures > 0 && String(input instanceof Request ? input.url : input).includes("/graphql.json")) {
      failures -= 1;
      traffic.requests += 1;
      return new Response("Service Unavailable", { status: 503 });
    }
    const response = await routed(input, init);
    if (String(input instanceof Request ? input.url : input).includes("/graphql.json")) {
      traffic.requests += 1;
      const body = (await response.clone().json()) as {
        errors?: { extensions?: { code?: string } }[];
        extensions?: { cost?: { actualQueryCost?: number | null } };
      };
      if (body.errors?.some((error) => error.extensions?.code === "THROTTLED")) traffic.throttled += 1;
      traffic.points += body.extensions?.cost?.actualQueryCost ?? 0;
    }
    return response;
  };
  const admin = new AdminClient({
    shop: domain,
    apiVersion: options.apiVersion ?? SHOPIFY_API_VERSION,
    token: { accessToken: async () => accessToken },
    fetch: counting,
    clock: options.clock ?? simulatedClock,
    random: () => 0.5,
  });
  const tagsOf = async (gid: string) => (await control.getCustomer(domain, Number(gid.split("/").pop()))).tags;
  return { domain, admin, gids, traffic, tagsOf };
}

function bulkWriter(admin: AdminClient, options: { firstPollMs?: number } = {}) {
  return new BulkTagWriter(
    {
      graphql: (document, variables) => admin.execute(document, variables),
      download: bulkDownloader(globalThis.fetch),
      clock: realClock,
    },
    { firstPollMs: options.firstPollMs ?? 20, maxPollMs: 100, timeoutMs: 60_000 },
  );
}

const statuses = (outcomes: TagOutcome[]) => outcomes.map((outcome) => outcome.status);

/** A batch Shopify refuses parts of: a tag over 255 characters, a customer that does not exist, a malformed id. */
function mixedBatch(gids: string[]): TagChange[] {
  return [
    { customerGid: gids[0]!, add: ["cohort:vip"], remove: [] },
    { customerGid: gids[1]!, add: ["x".repeat(256)], remove: [] },
    { customerGid: "gid://shopify/Customer/999999999", add: ["cohort:vip"], remove: [] },
    { customerGid: "customer-3", add: ["cohort:vip"], remove: [] },
    { customerGid: gids[2]!, add: ["cohort:new"], remove: ["merchant vip"] },
    { customerGid: gids[3]!, add: ["cohort:vip"], remove: ["cohort:gone"] },
  ];
}

async function expectMixedBatchResult(
  outcomes: TagOutcome[],
  changes: TagChange[],
  tagsOf: (gid: string) => Promise<string[]>,
  gids: string[],
) {
  expect(statuses(outcomes)).toEqual(["applied", "rejected", "rejected", "rejected", "applied", "applied"]);
  outcomes.forEach((outcome, index) => expect(outcome.change).toBe(changes[index]));
  const [, tooLong, missing, malformed] = outcomes as Extract<TagOutcome, { status: "rejected" }>[];
  expect(tooLong!.message).toMatch(/too long/i);
  expect(tooLong!.operation).toBe("tagsAdd");
  expect(missing!.message).toBe("Customer does not exist");
  expect(malformed!.message).toMatch(/Invalid global id/);
  expect(await tagsOf(gids[0]!)).toEqual(["cohort:vip"]);
  expect(await tagsOf(gids[1]!)).toEqual(["Merchant VIP"]);
  // tagsRemove is case-insensitive on Shopify: the remove named the merchant's tag in other case and it went.
  expect(await tagsOf(gids[2]!)).toEqual(["cohort:new"]);
  expect(await tagsOf(gids[3]!)).toEqual(["cohort:vip", "Merchant VIP"]);
}

describe("DirectTagWriter against the local Shopify", () => {
  it("given a batch with tags Shopify refuses, then those changes are rejected with Shopify's message and the rest applied, in one request", async () => {
    const { admin, gids, traffic, tagsOf } = await shop({ customers: 4 });
    const changes = mixedBatch(gids);
    const outcomes = await new DirectTagWriter(admin).write(changes);
    await expectMixedBatchResult(outcomes, changes, tagsOf, gids);
    // 7 writes (the malformed id never sent) fit one aliased request.
    expect(traffic.requests).toBe(1);
    expect(traffic.throttled).toBe(0);
  });

  it("given writes far beyond the bucket on a 100 points/s plan, then none is THROTTLED and the steady state runs at ≥ 90% of the restore rate", async () => {
    const customers = 300;
    const { admin, gids, traffic, tagsOf } = await shop({ plan: "BASIC", customers });
    // Two writes per customer (add and remove): 600 writes, several times the 2000-point bucket.
    const changes: TagChange[] = gids.map((gid) => ({
      customerGid: gid,
      add: ["cohort:a", "cohort:b"],
      remove: ["cohort:z"],
    }));
    const writer = new DirectTagWriter(admin);
    const started = simulatedMs;
    const outcomes = await writer.write(changes);
    const seconds = (simulatedMs - started) / 1000;
    expect(statuses(outcomes).every((status) => status === "applied")).toBe(true);
    expect(traffic.throttled).toBe(0);
    // Points beyond the full bucket the run started with came from the restore rate during the run.
    const restoreRate = admin.throttleStatus!.restoreRate;
    const maximum = admin.throttleStatus!.maximumAvailable;
    const steadyShare = (traffic.points - maximum) / seconds / restoreRate;
    console.log(
      `[tag-writers] direct: ${changes.length * 2} writes, ${traffic.requests} requests, ${traffic.points} points, ` +
        `${seconds.toFixed(1)} s simulated, ${writer.observedCostPerWrite} points/write, steady state ${(steadyShare * 100).toFixed(1)}% of ` +
        `${restoreRate} points/s, THROTTLED ${traffic.throttled}`,
    );
    expect(restoreRate).toBe(100);
    expect(traffic.points).toBeGreaterThan(maximum * 2);
    expect(steadyShare).toBeGreaterThanOrEqual(0.9);
    expect(steadyShare).toBeLessThanOrEqual(1.0001);
    expect(traffic.requests).toBeLessThan(changes.length * 2);
    expect(await tagsOf(gids[1]!)).toEqual(["cohort:a", "cohort:b", "Merchant VIP"]);
  }, 120_000);

  it("given a Plus shop (1,000 points/s, 20,000 bucket), then the same pacing holds at ten times the rate", async () => {
    const { admin, gids, traffic } = await shop({ plan: "PLUS", customers: 60 });
    // 3,000 writes over 60 customers: 30,000 points, one and a half buckets.
    const changes: TagChange[] = Array.from({ length: 3000 }, (_, index) => ({
      customerGid: gids[index % gids.length]!,
      add: [`cohort:p${index % 7}`],
      remove: [],
    }));
    const started = simulatedMs;
    const outcomes = await new DirectTagWriter(admin).write(changes);
    const seconds = (simulatedMs - started) / 1000;
    const { restoreRate, maximumAvailable } = admin.throttleStatus!;
    const steadyShare = (traffic.points - maximumAvailable) / seconds / restoreRate;
    console.log(
      `[tag-writers] direct on Plus: ${changes.length} writes, ${traffic.requests} requests, ${traffic.points} points, ` +
        `${seconds.toFixed(1)} s simulated, steady state ${(steadyShare * 100).toFixed(1)}% of ${restoreRate} points/s, ` +
        `THROTTLED ${traffic.throttled}`,
    );
    expect(statuses(outcomes).every((status) => status === "applied")).toBe(true);
    expect(restoreRate).toBe(1000);
    expect(traffic.throttled).toBe(0);
    expect(steadyShare).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it("given Shopify answers 503 twice, then the client retries with backoff and the writes are applied once", async () => {
    const { admin, gids, traffic, tagsOf } = await shop({ customers: 1, failFirst: 2 });
    const outcomes = await new DirectTagWriter(admin).write([
      { customerGid: gids[0]!, add: ["cohort:retry"], remove: [] },
    ]);
    expect(statuses(outcomes)).toEqual(["applied"]);
    expect(traffic.requests).toBe(3);
    expect(await tagsOf(gids[0]!)).toEqual(["cohort:retry"]);
  });

  it("given 5xx outlasting the retries, then each change is reported failed, not lost", async () => {
    const { admin, gids, tagsOf } = await shop({ customers: 2, failFirst: 100 });
    const outcomes = await new DirectTagWriter(admin).write(
      gids.map((gid) => ({ customerGid: gid, add: ["cohort:never"], remove: [] })),
    );
    expect(statuses(outcomes)).toEqual(["failed", "failed"]);
    expect((outcomes[0] as Extract<TagOutcome, { status: "failed" }>).message).toMatch(/failed after 6 attempts/);
    expect(await tagsOf(gids[0]!)).toEqual([]);
  });
});

describe("BulkTagWriter against the local Shopify", () => {
  it("given the same mixed batch, then the bulk path gives the same outcomes and the same tags as the direct one", async () => {
    const { admin, gids, tagsOf } = await shop({ customers: 4, clock: realClock });
    const changes = mixedBatch(gids);
    const outcomes = await bulkWriter(admin).write(changes);
    await expectMixedBatchResult(outcomes, changes, tagsOf, gids);
  });

  it("given a few hundred customers, then one bulk add and one bulk remove tag them all", async () => {
    const { admin, gids, traffic, tagsOf } = await shop({ customers: 120, clock: realClock });
    const changes = gids.map((gid) => ({ customerGid: gid, add: ["cohort:bulk"], remove: ["merchant vip"] }));
    const outcomes = await bulkWriter(admin).write(changes);
    expect(statuses(outcomes).every((status) => status === "applied")).toBe(true);
    expect(await tagsOf(gids[1]!)).toEqual(["cohort:bulk"]);
    // stagedUploadsCreate + run + polls, twice: a handful of requests for 240 writes.
    expect(traffic.requests).toBeLessThan(30);
  });

  it("given the next bulk mutation fails after one line, then that line is applied and the others are reported failed", async () => {
    const { domain, admin, gids, tagsOf } = await shop({ customers: 3, clock: realClock });
    await control.failNextBulkOperation(domain, {
      type: "mutation",
      errorCode: "INTERNAL_SERVER_ERROR",
      afterLines: 1,
    });
    const changes = gids.map((gid) => ({ customerGid: gid, add: ["cohort:x"], remove: [] }));
    const outcomes = await bulkWriter(admin).write(changes);
    expect(statuses(outcomes)).toEqual(["applied", "failed", "failed"]);
    expect((outcomes[1] as Extract<TagOutcome, { status: "failed" }>).message).toMatch(
      /ended FAILED \(INTERNAL_SERVER_ERROR\)/,
    );
    expect(await tagsOf(gids[0]!)).toEqual(["cohort:x"]);
    expect(await tagsOf(gids[1]!)).toEqual(["Merchant VIP"]);
    // The failed changes go through on the next push.
    const retried = await bulkWriter(admin).write([changes[1]!, changes[2]!]);
    expect(statuses(retried)).toEqual(["applied", "applied"]);
  });

  it("given Shopify already runs a bulk mutation for the app (API 2025-10: one at a time), then BulkTagBusyError and nothing is written", async () => {
    const { admin, gids, tagsOf } = await shop({ customers: 2, clock: realClock, apiVersion: "2025-10" });
    // The emulator's timeScale is 0.001: the first operation stays CREATED for 2 s of real time.
    setBulkOperationDelay(2_000_000);
    const first = bulkWriter(admin).write([{ customerGid: gids[0]!, add: ["cohort:first"], remove: [] }]);
    // Once the first operation exists, a second push is refused before anything of it is staged to run.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = bulkWriter(admin).write([{ customerGid: gids[1]!, add: ["cohort:second"], remove: [] }]);
    await expect(second).rejects.toBeInstanceOf(BulkTagBusyError);
    await expect(second).rejects.toMatchObject({ code: "OPERATION_IN_PROGRESS" });
    expect(await tagsOf(gids[1]!)).toEqual(["Merchant VIP"]);
    expect(statuses(await first)).toEqual(["applied"]);
    expect(await tagsOf(gids[0]!)).toEqual(["cohort:first"]);
  }, 30_000);

  it("given a long poll interval, when bulk_operations/finish is passed on, then the writer reads the result at once", async () => {
    const { admin, gids, tagsOf } = await shop({ customers: 1, clock: realClock });
    const writer = bulkWriter(admin, { firstPollMs: 600_000 });
    const started = Date.now();
    const pending = writer.write([{ customerGid: gids[0]!, add: ["cohort:woken"], remove: [] }]);
    // Stand in for the webhook route: when the operation is done, notify the writer.
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const current = (await admin.execute(
        `query { currentBulkOperation(type: MUTATION) { id status } }` as never,
        {} as never,
      )) as {
        currentBulkOperation: { id: string; status: string } | null;
      };
      if (current.currentBulkOperation?.status === "COMPLETED") {
        writer.notifyFinished(current.currentBulkOperation.id);
        break;
      }
    }
    expect(statuses(await pending)).toEqual(["applied"]);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await tagsOf(gids[0]!)).toEqual(["cohort:woken"]);
  });
});
