import { describe, expect, it } from "vitest";
import type { CustomerFacts, OrderFacts } from "../../app/domain/sync-records.js";
import type { BulkOperationFields } from "../../app/graphql/bulk-operations.js";
import {
  runBackfill,
  type BackfillDeps,
  type SyncStatePatch,
  type SyncStateRecord,
  type SyncStateStore,
  type TypedGraphql,
} from "../../app/services/backfill.js";
import { BulkFinishNotifier, finishWaiterFor } from "../../app/services/bulk-finish-notifier.js";
import { InboxWorker } from "../../app/services/inbox-worker.js";
import type { SyncStore, UpsertResult } from "../../app/services/sync-store.js";
import { MemoryInbox } from "./inbox-fakes.js";

const SHOP = "demo.myshopify.com";

class MemorySyncStore implements SyncStore {
  orders = new Map<string, OrderFacts>();
  customers = new Map<string, CustomerFacts>();
  batches: number[] = [];
  recomputes = 0;
  async upsertOrders(_shop: string, orders: OrderFacts[]): Promise<UpsertResult> {
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

/** A scripted Shopify: bulk exports complete after `pollsToComplete` polls. */
class FakeShopify {
  operations = new Map<string, BulkOperationFields & { query: string; file: string }>();
  runQueries: string[] = [];
  polls = 0;
  nextId = 1;
  busyWith: string | null = null;
  failNext = false;
  constructor(
    readonly files: { orders: string; products: string; customers: string },
    readonly scopes = ["read_orders", "read_all_orders", "read_customers"],
    readonly pollsToComplete = 2,
  ) {}

  graphql: TypedGraphql = async <TData>(document: string, variables: Record<string, unknown>): Promise<TData> => {
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
      const id = `gid://shopify/BulkOperation/${this.nextId++}`;
      const file = query.includes("products")
        ? this.files.products
        : query.includes("customers")
          ? this.files.customers
          : this.files.orders;
      const operation = {
        id,
        status: "CREATED" as const,
        errorCode: null,
        objectCount: "0",
        rootObjectCount: "0",
        fileSize: null,
        url: null,
        partialDataUrl: null,
        createdAt: "2026-03-01T00:00:00Z",
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
        if (this.failNext) {
          this.failNext = false;
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
    async *download(url: string) {
      downloads.push(url);
      const text = shopify.fileOf(url);
      for (let at = 0; at < text.length; at += 997) yield text.slice(at, at + 997);
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
