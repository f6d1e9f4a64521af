import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { failNextBulkOperation, setBulkOperationDelay } from "./index.js";
import {
  CANCEL,
  graphqlCaller,
  READ_OPERATION,
  RUN_QUERY,
  startHarness,
  until,
  type BulkHarness,
  type GraphqlBody,
} from "./test-support.js";

interface Operation {
  id: string;
  status: string;
  type: string;
  errorCode: string | null;
  createdAt: string;
  completedAt: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
  query: string;
}

let harness: BulkHarness;
let shopCounter = 0;

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.received.length = 0;
});
afterEach(() => {
  setBulkOperationDelay(0);
});

async function shopWith(options: { orders?: number; scopes?: string[] } = {}) {
  shopCounter += 1;
  const domain = `bulk-${shopCounter}`;
  const shop = await harness.client.createShop({ domain });
  const { accessToken } = await harness.client.install(domain, {
    scopes: options.scopes ?? ["read_orders", "read_all_orders", "read_customers", "read_products"],
  });
  if (options.orders) {
    await harness.client.seed(domain, { seed: shopCounter, customers: 10, orders: options.orders });
  }
  return { shop, gql: graphqlCaller(harness.emulator.url, domain, accessToken) };
}

function runPayload(body: GraphqlBody) {
  return body.data!.bulkOperationRunQuery as {
    bulkOperation: Operation | null;
    userErrors: { field: string[] | null; message: string; code: string }[];
  };
}

async function settle(gql: ReturnType<typeof graphqlCaller>, id: string): Promise<Operation> {
  return until(async () => {
    const operation = (await gql(READ_OPERATION, { id })).data!.bulkOperation as Operation;
    return ["COMPLETED", "FAILED", "CANCELED"].includes(operation.status) ? operation : null;
  });
}

const ORDERS_WITH_LINES = `{ orders { edges { node { id name lineItems { edges { node { id title } } } } } } }`;

describe("bulkOperationRunQuery", () => {
  it("given a shop with orders, when an export runs, then it is CREATED at once and COMPLETED later with counts, size and a JSONL url", async () => {
    const { gql } = await shopWith({ orders: 30 });
    const created = runPayload(await gql(RUN_QUERY, { query: ORDERS_WITH_LINES }));
    expect(created.userErrors).toEqual([]);
    expect(created.bulkOperation).toMatchObject({
      status: "CREATED",
      type: "QUERY",
      errorCode: null,
      completedAt: null,
      objectCount: "0",
      rootObjectCount: "0",
      fileSize: null,
      url: null,
      partialDataUrl: null,
      query: ORDERS_WITH_LINES,
    });
    expect(created.bulkOperation!.id).toMatch(/^gid:\/\/shopify\/BulkOperation\/\d+$/);

    const done = await settle(gql, created.bulkOperation!.id);
    expect(done.status).toBe("COMPLETED");
    expect(done.completedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(done.rootObjectCount).toBe("30");
    const response = await fetch(done.url!);
    expect(response.headers.get("content-type")).toBe("application/jsonl");
    const text = await response.text();
    expect(String(Buffer.byteLength(text))).toBe(done.fileSize);
    const lines = text.trimEnd().split("\n");
    expect(String(lines.length)).toBe(done.objectCount);
    expect(Number(done.objectCount)).toBeGreaterThan(30);
    // Shopify escapes slashes in its JSONL.
    expect(lines[0]).toMatch(/^\{"id":"gid:\\\/\\\/shopify\\\/Order\\\/\d+","name":"#\d+"\}$/);
  });

  it("given nested connections, when the file is read, then each child is its own line after its parent, with __parentId", async () => {
    const { gql } = await shopWith({ orders: 25 });
    const created = runPayload(await gql(RUN_QUERY, { query: ORDERS_WITH_LINES }));
    const done = await settle(gql, created.bulkOperation!.id);
    const lines = (await (await fetch(done.url!)).text())
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const seen = new Set<unknown>();
    let children = 0;
    for (const line of lines) {
      if (line.__parentId === undefined) {
        expect(line.id).toMatch(/Order/);
        expect(line).not.toHaveProperty("lineItems");
      } else {
        children += 1;
        expect(line.id).toMatch(/LineItem/);
        expect(seen.has(line.__parentId)).toBe(true);
      }
      seen.add(line.id);
    }
    expect(children).toBeGreaterThan(0);
    expect(lines.length - children).toBe(Number(done.rootObjectCount));
  });

  it("given nothing matches, when the export completes, then url and fileSize are null and counts are zero", async () => {
    const { gql } = await shopWith();
    const created = runPayload(await gql(RUN_QUERY, { query: ORDERS_WITH_LINES }));
    const done = await settle(gql, created.bulkOperation!.id);
    expect(done).toMatchObject({
      status: "COMPLETED",
      url: null,
      fileSize: null,
      objectCount: "0",
      rootObjectCount: "0",
    });
  });

  it("given a token without read_orders, when orders are exported, then the operation FAILS with ACCESS_DENIED", async () => {
    const { gql } = await shopWith({ scopes: ["read_customers"] });
    const created = runPayload(await gql(RUN_QUERY, { query: ORDERS_WITH_LINES }));
    expect(created.bulkOperation!.status).toBe("CREATED");
    const done = await settle(gql, created.bulkOperation!.id);
    expect(done).toMatchObject({ status: "FAILED", errorCode: "ACCESS_DENIED", url: null });
  });

  it("given five running query operations, when a sixth starts, then OPERATION_IN_PROGRESS names the five", async () => {
    setBulkOperationDelay(60_000);
    const { gql } = await shopWith();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const payload = runPayload(await gql(RUN_QUERY, { query: ORDERS_WITH_LINES }));
      expect(payload.userErrors).toEqual([]);
      ids.push(payload.bulkOperation!.id);
    }
    const sixth = runPayload(await gql(RUN_QUERY, { query: ORDERS_WITH_LINES }));
    expect(sixth).toEqual({
      bulkOperation: null,
      userErrors: [
        {
          field: null,
          message: `A bulk query operation for this app and shop is already in progress: ${ids.join(", ")}.`,
          code: "OPERATION_IN_PROGRESS",
        },
      ],
    });
    for (const id of ids) await gql(CANCEL, { id });
  });

  it("given a delayed operation, when it is cancelled, then it is CANCELING, then CANCELED with no url, and cancelling again is refused", async () => {
    setBulkOperationDelay(100);
    const { gql } = await shopWith({ orders: 5 });
    const created = runPayload(await gql(RUN_QUERY, { query: ORDERS_WITH_LINES }));
    const cancel = (await gql(CANCEL, { id: created.bulkOperation!.id })).data!.bulkOperationCancel as {
      bulkOperation: Operation;
      userErrors: unknown[];
    };
    expect(cancel.userErrors).toEqual([]);
    expect(cancel.bulkOperation.status).toBe("CANCELING");
    const done = await settle(gql, created.bulkOperation!.id);
    expect(done).toMatchObject({ status: "CANCELED", completedAt: null, url: null, fileSize: null });
    const again = (await gql(CANCEL, { id: done.id })).data!.bulkOperationCancel;
    expect(again).toMatchObject({
      bulkOperation: { id: done.id, status: "CANCELED" },
      userErrors: [{ field: null, message: "A bulk operation cannot be canceled when it is canceled" }],
    });
  });

  it("given an injected TIMEOUT, when the export runs, then it FAILS with TIMEOUT and keeps partial data", async () => {
    const { shop, gql } = await shopWith({ orders: 300 });
    failNextBulkOperation(shop.id, "TIMEOUT");
    const created = runPayload(await gql(RUN_QUERY, { query: ORDERS_WITH_LINES }));
    const done = await settle(gql, created.bulkOperation!.id);
    expect(done).toMatchObject({ status: "FAILED", errorCode: "TIMEOUT", url: null });
    expect(done.partialDataUrl).toMatch(/\/_bulk\/[0-9a-f]+\.jsonl$/);
    expect((await fetch(done.partialDataUrl!)).status).toBe(200);
  });

  it("given an app subscribed to bulk_operations/finish, when an export completes, then the webhook carries the lower-case payload", async () => {
    const { gql } = await shopWith({ orders: 3 });
    const created = runPayload(await gql(RUN_QUERY, { query: ORDERS_WITH_LINES }));
    const done = await settle(gql, created.bulkOperation!.id);
    const delivery = await until(
      async () => harness.received.find((entry) => entry.topic === "bulk_operations/finish") ?? null,
    );
    expect(JSON.parse(delivery.body)).toEqual({
      admin_graphql_api_id: done.id,
      completed_at: done.completedAt,
      created_at: done.createdAt,
      error_code: null,
      status: "completed",
      type: "query",
    });
  });
});

describe("bulk operation reads", () => {
  it("given finished operations, when listed, filtered and read, then bulkOperations, currentBulkOperation and bulkOperation agree", async () => {
    const { gql } = await shopWith({ orders: 3 });
    const first = runPayload(await gql(RUN_QUERY, { query: ORDERS_WITH_LINES })).bulkOperation!;
    await settle(gql, first.id);
    const second = runPayload(await gql(RUN_QUERY, { query: ORDERS_WITH_LINES })).bulkOperation!;
    await settle(gql, second.id);

    const list = await gql(`{ bulkOperations(first: 5) { edges { cursor node { id } } pageInfo { hasNextPage } } }`);
    const edges = (list.data!.bulkOperations as { edges: { cursor: string; node: { id: string } }[] }).edges;
    expect(edges.map((edge) => edge.node.id)).toEqual([second.id, first.id]);
    const cursor = JSON.parse(Buffer.from(edges[0]!.cursor, "base64").toString("utf8")) as Record<string, unknown>;
    expect(cursor.last_value).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);

    const reversed = await gql(`{ bulkOperations(first: 5, reverse: true) { nodes { id } } }`);
    expect((reversed.data!.bulkOperations as { nodes: { id: string }[] }).nodes.map((n) => n.id)).toEqual([
      first.id,
      second.id,
    ]);
    const running = await gql(`{ bulkOperations(first: 5, query: "status:running") { nodes { id } } }`);
    expect(running.data!.bulkOperations).toEqual({ nodes: [] });
    const current = await gql(`{ currentBulkOperation(type: QUERY) { id status } }`);
    expect(current.data!.currentBulkOperation).toEqual({ id: second.id, status: "COMPLETED" });
    const missing = await gql(READ_OPERATION, { id: "gid://shopify/BulkOperation/1" });
    expect(missing.data!.bulkOperation).toBeNull();
  });
});
