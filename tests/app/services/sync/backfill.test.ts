import { describe, expect, it } from "vitest";
import type { CustomerFacts, OrderFacts } from "../../../../app/domain/sync/sync-records.js";
import type { BulkOperationFields } from "../../../../app/graphql/bulk-operations.js";
import { runBackfill, type BackfillDeps, type TypedGraphql } from "../../../../app/services/sync/backfill.js";
import { type SyncStatePatch, type SyncStateRecord, type SyncStateStore } from "../../../../app/services/sync/ports.js";
import { BulkFinishNotifier, finishWaiterFor } from "../../../../app/services/sync/bulk-finish-notifier.js";
import { InboxWorker } from "../../../../app/services/sync/inbox-worker.js";
import { parsePartitionsState, partitionsProgress } from "../../../../app/services/sync/order-partitions.js";
import type { SyncStore, UpsertResult } from "../../../../app/services/sync/ports.js";
import { MemoryInbox } from "./inbox-fakes.js";

const SHOP = "demo.myshopify.com";

class MemorySyncStore implements SyncStore {
  orders = new Map<string, OrderFacts>();
  customers = new Map<string, CustomerFacts>();
  batches: number[] = [];
  recomputes = 0;
  /** Shared with the fake Shopify to see the order of exports and writes. */
  log: string[] | null = null;
  /** Throws instead of writing when it answers true (a database failure). */
  failWrite: ((orders: OrderFacts[]) => boolean) | null = null;
  async upsertOrders(_shop: string, orders: OrderFacts[]): Promise<UpsertResult> {
    if (this.failWrite?.(orders)) throw new Error("disk I/O error");
    this.log?.push(`write ${orders[0]?.id}-${orders.at(-1)?.id}`);
    this.batches.push(orders.length);
    for (const order of orders) this.orders.set(order.id, order);
    return { written: orders.length, stale: 0, affectedCustomerIds: [] };
  }
  async upsertCustomers(_shop: string, customers: CustomerFacts[]): Promise<UpsertResult> {
    this.batches.push(customers.length);
    for (const customer of customers) this.customers.set(customer.id, customer);
    return { written: customers.length, stale: 0, affectedCustomerIds: [] };
  }
  async deleteCustomer(): Promise<void> {}
  async refreshMetrics(): Promise<void> {}
  async recomputeAllMetrics(): Promise<void> {
    this.recomputes++;
  }
  async customerMetrics(): Promise<Awaited<ReturnType<SyncStore["customerMetrics"]>>> {
    return [];
  }
}

class MemorySyncState implements SyncStateStore {
  rows = new Map<string, SyncStateRecord>();
  async get(shop: string, resource: string) {
    return this.rows.get(`${shop}/${resource}`) ?? null;
  }
  async update(shop: string, resource: string, patch: SyncStatePatch) {
    const row: SyncStateRecord = {
      ...(this.rows.get(`${shop}/${resource}`) ?? {
        shop,
        resource,
        status: "idle",
        bulkOperationId: null,
        bulkStatus: null,
        objectCount: 0,
        processedCount: 0,
        resumeLine: 0,
        watermark: null,
        startedAt: null,
        finishedAt: null,
        lastError: null,
        limitedToDays: null,
        partitions: null,
      }),
      ...patch,
    };
    this.rows.set(`${shop}/${resource}`, row);
    return row;
  }
  async list(shop: string) {
    return [...this.rows.values()].filter((row) => row.shop === shop);
  }
}

function orderLines(count: number): string {
  const lines: string[] = [];
  for (let id = 1; id <= count; id++) {
    lines.push(
      JSON.stringify({
        id: `gid://shopify/Order/${id}`,
        createdAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-01-01T00:00:00Z",
        customer: { id: `gid://shopify/Customer/${(id % 7) + 1}` },
        totalPriceSet: { shopMoney: { amount: "10.00" } },
        refunds: [],
      }),
    );
    for (let item = 0; item < id % 3; item++) {
      lines.push(
        JSON.stringify({
          id: `gid://shopify/LineItem/${id * 10 + item}`,
          product: { id: "gid://shopify/Product/5", productType: "Mug" },
          quantity: 1,
          __parentId: `gid://shopify/Order/${id}`,
        }),
      );
    }
  }
  return lines.join("\n") + "\n";
}

/** The search an export query was given (`orders(query: "…")`). */
function searchOf(query: string): string {
  return JSON.parse(/\(query: ("(?:[^"\\]|\\.)*")/.exec(query)![1]!) as string;
}

/** The orders of a JSONL export (with their line items) whose numeric id lies in the search's `id:` range. */
function ordersInRange(text: string, search: string): string {
  const from = /\bid:>=(\d+)/.exec(search)?.[1];
  const to = /\bid:<(\d+)/.exec(search)?.[1];
  if (from === undefined && to === undefined) return text;
  const kept = new Set<string>();
  const lines = text.split("\n").filter((line) => {
    if (!line) return false;
    const record = JSON.parse(line) as { id: string; __parentId?: string };
    if (record.__parentId) return kept.has(record.__parentId);
    const id = Number(/\d+$/.exec(record.id)![0]);
    if ((from !== undefined && id < Number(from)) || (to !== undefined && id >= Number(to))) return false;
    kept.add(record.id);
    return true;
  });
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** A scripted Shopify: bulk exports complete after `pollsToComplete` polls. */
class FakeShopify {
  operations = new Map<string, BulkOperationFields & { query: string; file: string }>();
  runQueries: string[] = [];
  /** Variables of each `CohortOrdersExportPlan` request. */
  planRequests: Array<{ query: string | null }> = [];
  polls = 0;
  nextId = 1;
  busyWith: string | null = null;
  failNext = false;
  /** The next export whose query matches fails when it would complete. */
  failIf: ((query: string) => boolean) | null = null;
  /** `createdAt` of the n-th operation (all the same by default). */
  createdAtOf: (n: number) => string = () => "2026-03-01T00:00:00Z";
  /** Order exports started and not yet finished, the most at any time. */
  maxRunningOrderExports = 0;
  /** Shared with the store to see the order of exports and writes. */
  log: string[] = [];
  constructor(
    readonly files: { orders: string; products: string; customers: string },
    readonly scopes = ["read_orders", "read_all_orders", "read_customers"],
    readonly pollsToComplete = 2,
  ) {}

  graphql: TypedGraphql = async <TData>(document: string, variables: Record<string, unknown>): Promise<TData> => {
    if (document.includes("CohortOrdersExportPlan")) {
      this.planRequests.push({ query: variables.query as string | null });
      const ids = this.files.orders
        .split("\n")
        .filter((line) => line && !line.includes("__parentId"))
        .map((line) => (JSON.parse(line) as { id: string }).id)
        .sort((a, b) => Number(/\d+$/.exec(a)![0]) - Number(/\d+$/.exec(b)![0]));
      return {
        ordersCount: { count: ids.length, precision: "EXACT" },
        lowest: { nodes: ids.slice(0, 1).map((id) => ({ id })) },
        highest: { nodes: ids.slice(-1).map((id) => ({ id })) },
      } as TData;
    }
    if (document.includes("CohortAppAccessScopes")) {
      return { currentAppInstallation: { accessScopes: this.scopes.map((handle) => ({ handle })) } } as TData;
    }
    if (document.includes("CohortRunBulkQuery")) {
      const query = String(variables.query);
      this.runQueries.push(query);
      if (this.busyWith) {
        const id = this.busyWith;
        this.busyWith = null;
        return {
          bulkOperationRunQuery: {
            bulkOperation: null,
            userErrors: [
              {
                field: null,
                code: "OPERATION_IN_PROGRESS",
                message: `A bulk query operation for this app and shop is already in progress: ${id}.`,
              },
            ],
          },
        } as TData;
      }
      const number = this.nextId++;
      const id = `gid://shopify/BulkOperation/${number}`;
      const file = query.includes("products")
        ? this.files.products
        : query.includes("customers")
          ? this.files.customers
          : ordersInRange(this.files.orders, searchOf(query));
      if (query.includes("orders(")) {
        this.log.push(`export ${searchOf(query)}`);
        const running = [...this.operations.values()].filter(
          (op) => op.query.includes("orders(") && !["COMPLETED", "FAILED"].includes(op.status),
        ).length;
        this.maxRunningOrderExports = Math.max(this.maxRunningOrderExports, running + 1);
      }
      const operation = {
        id,
        status: "CREATED" as const,
        errorCode: null,
        objectCount: "0",
        rootObjectCount: "0",
        fileSize: null,
        url: null,
        partialDataUrl: null,
        createdAt: this.createdAtOf(number),
        completedAt: null,
        query,
        file,
        pollsLeft: this.pollsToComplete,
      };
      this.operations.set(id, operation);
      const { file: _file, query: _query, ...fields } = operation;
      return { bulkOperationRunQuery: { bulkOperation: fields, userErrors: [] } } as TData;
    }
    if (document.includes("CohortBulkOperation")) {
      this.polls++;
      const operation = this.operations.get(String(variables.id)) as
        (BulkOperationFields & { query: string; file: string; pollsLeft: number }) | undefined;
      if (!operation) return { bulkOperation: null } as TData;
      if (operation.status !== "COMPLETED" && operation.status !== "FAILED" && --operation.pollsLeft <= 0) {
        if (this.failNext || this.failIf?.(operation.query)) {
          this.failNext = false;
          this.failIf = null;
          operation.status = "FAILED";
          operation.errorCode = "TIMEOUT";
        } else {
          operation.status = "COMPLETED";
          operation.objectCount = String(operation.file.split("\n").filter(Boolean).length);
          operation.url = operation.file ? `https://storage.example/${operation.id}.jsonl` : null;
        }
      } else if (operation.status === "CREATED") operation.status = "RUNNING";
      const { file: _file, ...fields } = operation;
      return { bulkOperation: fields } as TData;
    }
    throw new Error(`unexpected document ${document.slice(0, 60)}`);
  };

  fileOf(url: string): string {
    const id = /BulkOperation\/\d+/.exec(url)?.[0];
    return [...this.operations.values()].find((op) => op.id.endsWith(id ?? "none"))!.file;
  }
}

function deps(shopify: FakeShopify, overrides: Partial<BackfillDeps> = {}) {
  const store = new MemorySyncStore();
  const state = new MemorySyncState();
  let nowMs = Date.parse("2026-03-02T00:00:00Z");
  const downloads: string[] = [];
  const value: BackfillDeps = {
    graphql: shopify.graphql,
    async *download(url: string, signal?: AbortSignal) {
      downloads.push(url);
      const text = shopify.fileOf(url);
      for (let at = 0; at < text.length; at += 997) {
        // As fetch does: an aborted signal ends the body stream.
        signal?.throwIfAborted();
        yield text.slice(at, at + 997);
      }
    },
    store,
    state,
    clock: {
      now: () => nowMs,
      sleep: async (ms: number) => void (nowMs += ms),
    },
    random: () => 0.5,
    ...overrides,
  };
  return { deps: value, store, state, downloads };
}

const PRODUCTS = [
  JSON.stringify({ id: "gid://shopify/Product/5" }),
  JSON.stringify({ id: "gid://shopify/Collection/77", __parentId: "gid://shopify/Product/5" }),
].join("\n");

describe("runBackfill", () => {
  it("given 2,500 orders, when backfilled, then they are upserted in batches of at most 1,000 with collections, and metrics recomputed", async () => {
    const shopify = new FakeShopify({ orders: orderLines(2500), products: PRODUCTS, customers: "" });
    const { deps: d, store, state } = deps(shopify);
    const result = await runBackfill(d, { shop: SHOP, resource: "orders" });
    expect(result.processedCount).toBe(2500);
    expect(store.orders.size).toBe(2500);
    expect(Math.max(...store.batches)).toBeLessThanOrEqual(1000);
    expect(store.orders.get("1")!.lineItems).toEqual([
      expect.objectContaining({ productId: "5", collectionIds: ["77"] }),
    ]);
    expect(store.recomputes).toBe(1);
    const row = await state.get(SHOP, "orders");
    expect(row).toMatchObject({
      status: "completed",
      processedCount: 2500,
      limitedToDays: null,
      bulkStatus: "COMPLETED",
    });
    expect(row!.watermark?.toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(shopify.runQueries.at(-1)).toContain('orders(query: "")');
  });

  it("given no read_all_orders scope, when orders are backfilled, then the export covers the last 60 days and says so", async () => {
    const shopify = new FakeShopify({ orders: orderLines(3), products: "", customers: "" }, ["read_orders"]);
    const { deps: d, state } = deps(shopify);
    const result = await runBackfill(d, { shop: SHOP, resource: "orders" });
    expect(result.limitedToDays).toBe(60);
    expect(shopify.runQueries.at(-1)).toContain('orders(query: "created_at:>=2026-01-01")');
    expect((await state.get(SHOP, "orders"))!.limitedToDays).toBe(60);
  });

  it("given a crash mid-download, when run again, then it resumes from resumeLine of the same export and ends as one clean run", async () => {
    const text = orderLines(2500);
    const shopify = new FakeShopify({ orders: text, products: PRODUCTS, customers: "" });
    const crashAt = Math.floor(text.length * 0.6);
    const { deps: d, store, state, downloads } = deps(shopify);
    let crashed = false;
    const crashing: BackfillDeps = {
      ...d,
      async *download(url: string) {
        const file = shopify.fileOf(url);
        if (file !== text || crashed) {
          yield* d.download(url);
          return;
        }
        crashed = true;
        yield file.slice(0, crashAt);
        throw new TypeError("terminated");
      },
    };
    await expect(runBackfill(crashing, { shop: SHOP, resource: "orders", streamAttempts: 1 })).rejects.toThrow(
      "terminated",
    );
    const afterCrash = (await state.get(SHOP, "orders"))!;
    expect(afterCrash.status).toBe("failed");
    expect(afterCrash.resumeLine).toBeGreaterThan(0);
    // 60% of the file holds ~1,500 orders: one full batch of 1,000 was applied before the crash.
    expect(afterCrash.processedCount).toBe(1000);
    const exportsBefore = shopify.runQueries.filter((q) => q.includes("orders(")).length;

    const result = await runBackfill(crashing, { shop: SHOP, resource: "orders" });
    expect(result.resumedFromLine).toBe(afterCrash.resumeLine);
    expect(shopify.runQueries.filter((q) => q.includes("orders(")).length).toBe(exportsBefore);
    expect(result.processedCount).toBe(2500);
    expect(store.orders.size).toBe(2500);
    expect((await state.get(SHOP, "orders"))!.status).toBe("completed");
    expect(downloads.length).toBeGreaterThan(0);
  });

  it("given a stream that breaks once, when backfilled, then it re-reads from the last applied line by itself", async () => {
    const text = orderLines(1500);
    const shopify = new FakeShopify({ orders: text, products: "", customers: "" });
    const { deps: d, store } = deps(shopify);
    let breaks = 1;
    const flaky: BackfillDeps = {
      ...d,
      async *download(url: string) {
        const file = shopify.fileOf(url);
        if (breaks-- > 0) {
          yield file.slice(0, Math.floor(file.length * 0.8));
          throw new TypeError("terminated");
        }
        yield file;
      },
    };
    const result = await runBackfill(flaky, { shop: SHOP, resource: "orders" });
    expect(result.processedCount).toBe(1500);
    expect(store.orders.size).toBe(1500);
  });

  it("given another export of the app running, when starting, then it waits for it to finish and starts its own", async () => {
    const shopify = new FakeShopify({ orders: "", products: "", customers: orderLines(0) });
    shopify.operations.set("gid://shopify/BulkOperation/999", {
      id: "gid://shopify/BulkOperation/999",
      status: "RUNNING",
      errorCode: null,
      objectCount: "0",
      rootObjectCount: "0",
      fileSize: null,
      url: null,
      partialDataUrl: null,
      createdAt: "2026-03-01T00:00:00Z",
      completedAt: null,
      query: "{ products { edges { node { id } } } }",
      file: "",
      pollsLeft: 3,
    } as BulkOperationFields & { query: string; file: string });
    shopify.busyWith = "gid://shopify/BulkOperation/999";
    const customers = [1, 2, 3].map((id) =>
      JSON.stringify({ id: `gid://shopify/Customer/${id}`, createdAt: "2025-01-01T00:00:00Z", tags: [] }),
    );
    (shopify.files as { customers: string }).customers = customers.join("\n");
    const { deps: d, store } = deps(shopify);
    const result = await runBackfill(d, { shop: SHOP, resource: "customers" });
    expect(shopify.operations.get("gid://shopify/BulkOperation/999")!.status).toBe("COMPLETED");
    expect(shopify.runQueries).toHaveLength(2);
    expect(result.processedCount).toBe(3);
    expect(store.customers.size).toBe(3);
  });

  it("given the export fails on Shopify, when waited for, then the state says failed with the error code", async () => {
    const shopify = new FakeShopify({ orders: "", products: "", customers: "x" });
    shopify.failNext = true;
    const { deps: d, state } = deps(shopify);
    await expect(runBackfill(d, { shop: SHOP, resource: "customers" })).rejects.toThrow(/FAILED \(TIMEOUT\)/);
    expect((await state.get(SHOP, "customers"))!).toMatchObject({ status: "failed" });
  });

  it("given the finish webhook, when it arrives, then the backfill polls at once instead of waiting out the interval", async () => {
    const shopify = new FakeShopify({ orders: "", products: "", customers: "" }, undefined, 1);
    const { deps: d } = deps(shopify);
    const withWebhook: BackfillDeps = {
      ...d,
      clock: {
        now: d.clock.now,
        sleep: (ms, signal) =>
          new Promise<void>((resolve) => {
            // Short pauses pass; the long poll interval only ends when the webhook cuts it short.
            if (ms <= 1000) resolve();
            else signal?.addEventListener("abort", () => resolve(), { once: true });
          }),
      },
      waitForFinish: async () => undefined,
    };
    const result = await runBackfill(withWebhook, { shop: SHOP, resource: "customers", firstPollMs: 60_000 });
    expect(result.objectCount).toBe(0);
    expect(shopify.polls).toBe(1);
  });

  it("given the inbox worker and the backfill in one process, when the worker applies bulk_operations/finish, then the waiting backfill polls at once and completes", async () => {
    const shopify = new FakeShopify({ orders: "", products: "", customers: "" }, undefined, 1);
    const { deps: d } = deps(shopify);
    const notifier = new BulkFinishNotifier();
    const inbox = new MemoryInbox();
    const worker = new InboxWorker({
      inbox,
      store: new MemorySyncStore(),
      onBulkOperationFinished: (shop, operationId) => notifier.bulkOperationFinished(shop, operationId),
      workerId: "w",
    });
    const waitingOnWebhook: BackfillDeps = {
      ...d,
      clock: {
        now: d.clock.now,
        sleep: (ms, signal) =>
          new Promise<void>((resolve) => {
            if (ms <= 1000) resolve();
            else signal?.addEventListener("abort", () => resolve(), { once: true });
          }),
      },
      waitForFinish: finishWaiterFor(notifier, SHOP),
    };
    const backfill = runBackfill(waitingOnWebhook, { shop: SHOP, resource: "customers", firstPollMs: 60_000 });
    while (notifier.waitingCount() === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const [operationId] = [...shopify.operations.keys()];

    inbox.insertIfNew(
      SHOP,
      "bulk_operations/finish",
      "finish-1",
      JSON.stringify({ admin_graphql_api_id: operationId, status: "completed", type: "query", error_code: null }),
    );
    await worker.drain();

    expect((await backfill).objectCount).toBe(0);
    expect(shopify.polls).toBe(1);
    expect(notifier.waitingCount()).toBe(0);
  });
});

describe("runBackfill of a large shop's orders, exported in id ranges", () => {
  /** 2,500 orders (ids 1–2,500) over a threshold of 1,000: three ranges split at ids 834 and 1,667. */
  const LARGE = { partitionThreshold: 1000, partitionSize: 1000 };
  const RANGES = ["id:<834", "id:>=834 AND id:<1667", "id:>=1667"];
  const orderExports = (shopify: FakeShopify) => shopify.runQueries.filter((q) => q.includes("orders(")).map(searchOf);
  const urlOf = (operationId: string | null) => `https://storage.example/${operationId}.jsonl`;

  function largeShop() {
    const shopify = new FakeShopify({ orders: orderLines(2500), products: PRODUCTS, customers: "" });
    // Each operation is created a minute after the one before: the watermark must be the earliest range's.
    shopify.createdAtOf = (n) => new Date(Date.parse("2026-03-01T00:00:00Z") + n * 60_000).toISOString();
    const wired = deps(shopify);
    wired.store.log = shopify.log;
    return { shopify, ...wired };
  }

  it("given a shop over the threshold, when its orders are backfilled, then they are exported in id ranges and stored exactly as one export stores them", async () => {
    const single = new FakeShopify({ orders: orderLines(2500), products: PRODUCTS, customers: "" });
    const reference = deps(single);
    const one = await runBackfill(reference.deps, { shop: SHOP, resource: "orders" });
    expect(orderExports(single)).toEqual([""]);

    const { shopify, deps: d, store, state } = largeShop();
    const result = await runBackfill(d, { shop: SHOP, resource: "orders", ...LARGE });

    expect(shopify.planRequests).toEqual([{ query: null }]);
    expect(orderExports(shopify)).toEqual(RANGES);
    expect(result).toMatchObject({ partitions: 3, processedCount: 2500, objectCount: one.objectCount });
    expect([...store.orders.entries()].sort()).toEqual([...reference.store.orders.entries()].sort());
    expect(store.batches.reduce((sum, n) => sum + n, 0)).toBe(2500);
    expect(store.recomputes).toBe(1);
    const row = (await state.get(SHOP, "orders"))!;
    expect(row).toMatchObject({ status: "completed", processedCount: 2500, bulkStatus: "COMPLETED", resumeLine: 0 });
    // Operation 1 is the product collections export; the ranges are operations 2, 3 and 4.
    expect(row.watermark?.toISOString()).toBe("2026-03-01T00:02:00.000Z");
    expect(partitionsProgress(row.partitions)).toEqual({ ingested: 3, total: 3 });
    expect(parsePartitionsState(row.partitions)!.parts.map((part) => part.processedCount)).toEqual([833, 833, 834]);
  });

  it("given a shop over the threshold, when the first range is applied, then later ranges are already exporting, never more than exportsAhead at once", async () => {
    const { shopify, deps: d, store } = largeShop();
    const phases: string[] = [];
    const result = await runBackfill(
      { ...d, onProgress: (progress) => void (progress.resource === "orders" && phases.push(progress.phase)) },
      { shop: SHOP, resource: "orders", ...LARGE, batchSize: 200 },
    );
    expect(result.processedCount).toBe(2500);

    const log = shopify.log;
    const firstRangeWrites = log.flatMap((entry, at) =>
      entry.startsWith("write ") && Number(entry.split("-")[1]) < 834 ? [at] : [],
    );
    expect(firstRangeWrites.length).toBeGreaterThan(1);
    // The second range exports while the first is waited for, the third while the first is applied.
    expect(log.indexOf(`export ${RANGES[1]}`)).toBeLessThan(firstRangeWrites[0]!);
    expect(log.indexOf(`export ${RANGES[2]}`)).toBeLessThan(firstRangeWrites.at(-1)!);
    expect(shopify.maxRunningOrderExports).toBe(2);
    // Ranges are applied in order.
    const writes = log.filter((entry) => entry.startsWith("write ")).map((entry) => Number(entry.split(/[ -]/)[1]));
    expect(writes).toEqual([...writes].sort((a, b) => a - b));
    expect(store.orders.size).toBe(2500);
    // exporting until the first data is applied, then downloading to the end.
    expect(phases.indexOf("downloading")).toBeGreaterThan(0);
    expect(phases.slice(0, phases.indexOf("downloading")).every((phase) => phase === "exporting")).toBe(true);
    expect(phases.slice(phases.indexOf("downloading"), -2).every((phase) => phase === "downloading")).toBe(true);
    expect(phases.slice(-2)).toEqual(["metrics", "done"]);
  });

  it("given exportsAhead 1, when backfilled, then each range exports only once the one before is applied", async () => {
    const { shopify, deps: d } = largeShop();
    await runBackfill(d, { shop: SHOP, resource: "orders", ...LARGE, exportsAhead: 1 });
    expect(shopify.maxRunningOrderExports).toBe(1);
    expect(orderExports(shopify)).toEqual(RANGES);
  });

  it("given a write that fails while the second range is applied, when run again, then applied ranges are not downloaded again, started exports are reused and nothing is counted twice", async () => {
    const { shopify, deps: d, store, state, downloads } = largeShop();
    let failures = 1;
    store.failWrite = (orders) => failures > 0 && orders.some((order) => Number(order.id) >= 1300) && failures-- > 0;
    const options = { shop: SHOP, resource: "orders" as const, ...LARGE, batchSize: 200 };

    await expect(runBackfill(d, options)).rejects.toThrow("disk I/O error");
    const crashed = (await state.get(SHOP, "orders"))!;
    expect(crashed.status).toBe("failed");
    const plan = parsePartitionsState(crashed.partitions)!;
    expect(plan.parts.map((part) => part.ingested)).toEqual([true, false, false]);
    // Two batches of the second range were applied before the failing one.
    expect(crashed.resumeLine).toBeGreaterThan(0);
    expect(crashed.processedCount).toBe(833 + 400);
    expect(crashed.bulkOperationId).toBe(plan.parts[1]!.operationId);
    // The third range's export was started while the second was applied; it is still running.
    expect(plan.parts[2]!.operationId).not.toBeNull();
    expect(shopify.operations.get(plan.parts[2]!.operationId!)!.status).not.toBe("COMPLETED");
    const exportsBefore = orderExports(shopify).length;
    const downloadsBefore = downloads.length;

    const result = await runBackfill(d, options);
    expect(result).toMatchObject({ processedCount: 2500, resumedFromLine: crashed.resumeLine, partitions: 3 });
    expect(orderExports(shopify)).toHaveLength(exportsBefore);
    const downloaded = downloads.slice(downloadsBefore);
    expect(downloaded).not.toContain(urlOf(plan.parts[0]!.operationId));
    expect(downloaded).toContain(urlOf(plan.parts[1]!.operationId));
    expect(downloaded).toContain(urlOf(plan.parts[2]!.operationId));
    const done = (await state.get(SHOP, "orders"))!;
    expect(parsePartitionsState(done.partitions)!.parts.map((part) => part.operationId)).toEqual(
      plan.parts.map((part) => part.operationId),
    );
    expect(done).toMatchObject({ status: "completed", processedCount: 2500 });
    expect(store.orders.size).toBe(2500);
    expect(store.batches.reduce((sum, n) => sum + n, 0)).toBe(2500);
    expect(store.recomputes).toBe(1);
  });

  it("given an abort while the second range is applied, when run again, then it resumes in that range from its last applied line", async () => {
    const { shopify, deps: d, store, state } = largeShop();
    const aborter = new AbortController();
    store.failWrite = (orders) => {
      if (orders.some((order) => Number(order.id) >= 1300)) aborter.abort(new Error("Interrupted"));
      return false;
    };
    const options = { shop: SHOP, resource: "orders" as const, ...LARGE, batchSize: 200 };
    await expect(runBackfill(d, { ...options, signal: aborter.signal })).rejects.toThrow("Interrupted");
    const crashed = (await state.get(SHOP, "orders"))!;
    expect(partitionsProgress(crashed.partitions)).toEqual({ ingested: 1, total: 3 });
    expect(crashed.resumeLine).toBeGreaterThan(0);
    const exportsBefore = orderExports(shopify).length;

    store.failWrite = null;
    const result = await runBackfill(d, options);
    expect(result.resumedFromLine).toBe(crashed.resumeLine);
    expect(orderExports(shopify)).toHaveLength(exportsBefore);
    expect(result.processedCount).toBe(2500);
    expect(store.orders.size).toBe(2500);
    expect(store.batches.reduce((sum, n) => sum + n, 0)).toBe(2500);
  });

  it("given a range's export that fails on Shopify, when backfilled, then the backfill fails naming the range, and a rerun keeps the ranges applied and exports that range again", async () => {
    const { shopify, deps: d, store, state, downloads } = largeShop();
    shopify.failIf = (query) => searchOf(query) === RANGES[1];
    const options = { shop: SHOP, resource: "orders" as const, ...LARGE };

    await expect(runBackfill(d, options)).rejects.toThrow(/range 2 of 3 \(id:>=834 AND id:<1667\).*FAILED \(TIMEOUT\)/);
    const failed = (await state.get(SHOP, "orders"))!;
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toMatch(/range 2 of 3/);
    expect(failed.processedCount).toBe(833);
    const plan = parsePartitionsState(failed.partitions)!;
    expect(plan.parts.map((part) => part.ingested)).toEqual([true, false, false]);
    const downloadsBefore = downloads.length;

    const result = await runBackfill(d, options);
    expect(result.processedCount).toBe(2500);
    expect(orderExports(shopify)).toEqual([RANGES[0], RANGES[1], RANGES[2], RANGES[1]]);
    expect(downloads.slice(downloadsBefore)).not.toContain(urlOf(plan.parts[0]!.operationId));
    expect(store.orders.size).toBe(2500);
    expect(store.batches.reduce((sum, n) => sum + n, 0)).toBe(2500);
  });

  it("given no read_all_orders scope and a shop over the threshold, when backfilled, then every range keeps the 60-day limit", async () => {
    const shopify = new FakeShopify({ orders: orderLines(2500), products: "", customers: "" }, ["read_orders"]);
    const { deps: d, state } = deps(shopify);
    const result = await runBackfill(d, { shop: SHOP, resource: "orders", ...LARGE });
    expect(shopify.planRequests).toEqual([{ query: "created_at:>=2026-01-01" }]);
    expect(orderExports(shopify)).toEqual(RANGES.map((range) => `created_at:>=2026-01-01 AND ${range}`));
    expect(result).toMatchObject({ limitedToDays: 60, partitions: 3, processedCount: 2500 });
    const row = (await state.get(SHOP, "orders"))!;
    expect(row).toMatchObject({ status: "completed", limitedToDays: 60 });
    expect(parsePartitionsState(row.partitions)!.search).toBe("created_at:>=2026-01-01");
  });

  it("given a shop under the threshold, when backfilled, then it is one export as before and keeps no ranges", async () => {
    const shopify = new FakeShopify({ orders: orderLines(999), products: "", customers: "" });
    const { deps: d, state } = deps(shopify);
    const result = await runBackfill(d, { shop: SHOP, resource: "orders", ...LARGE });
    expect(orderExports(shopify)).toEqual([""]);
    expect(result.partitions).toBe(1);
    expect((await state.get(SHOP, "orders"))!.partitions).toBeNull();
  });
});
