import { describe, expect, it } from "vitest";
import { BulkFinishNotifier, bulkOperationKey } from "../../../../app/services/sync/bulk-finish-notifier.js";
import { InboxWorker } from "../../../../app/services/sync/inbox-worker.js";
import { MemoryInbox, MemorySyncStore } from "./inbox-fakes.js";

const SHOP = "finish.myshopify.com";
const OPERATION = "gid://shopify/BulkOperation/42";

describe("the bulk finish notifier", () => {
  it("given a backfill waiting on an operation, when its finish is announced, then the wait ends true", async () => {
    const notifier = new BulkFinishNotifier();
    const waiting = notifier.waitForFinish(SHOP, OPERATION);
    expect(notifier.waitingCount()).toBe(1);

    notifier.bulkOperationFinished(SHOP, OPERATION);

    expect(await waiting).toBe(true);
    expect(notifier.waitingCount()).toBe(0);
  });

  it("given a finish announced before anyone waits, when a wait starts, then it ends true at once", async () => {
    const notifier = new BulkFinishNotifier();
    notifier.bulkOperationFinished(SHOP, "42");

    expect(await notifier.waitForFinish(SHOP, OPERATION, { timeoutMs: 10_000 })).toBe(true);
  });

  it("given finishes of another shop and another operation, when announced, then the wait runs out false", async () => {
    const notifier = new BulkFinishNotifier();
    const waiting = notifier.waitForFinish(SHOP, OPERATION, { timeoutMs: 20 });

    notifier.bulkOperationFinished("other.myshopify.com", OPERATION);
    notifier.bulkOperationFinished(SHOP, "gid://shopify/BulkOperation/43");

    expect(await waiting).toBe(false);
    expect(notifier.waitingCount()).toBe(0);
  });

  it("given a wait, when its signal aborts, then it ends false and leaves no waiter behind", async () => {
    const notifier = new BulkFinishNotifier();
    const stop = new AbortController();
    const waiting = notifier.waitForFinish(SHOP, OPERATION, { signal: stop.signal });

    stop.abort();

    expect(await waiting).toBe(false);
    expect(notifier.waitingCount()).toBe(0);
  });

  it("given more finishes than it remembers, when the oldest is waited for, then it is forgotten", async () => {
    const notifier = new BulkFinishNotifier(2);
    for (const id of ["1", "2", "3"]) notifier.bulkOperationFinished(SHOP, id);

    expect(await notifier.waitForFinish(SHOP, "1", { timeoutMs: 5 })).toBe(false);
    expect(await notifier.waitForFinish(SHOP, "3", { timeoutMs: 5 })).toBe(true);
    expect(bulkOperationKey(SHOP, OPERATION)).toBe(bulkOperationKey(SHOP, "42"));
  });
});

describe("the inbox worker and bulk_operations/finish", () => {
  it("given a recorded finish webhook, when the worker applies it, then the operation is announced after it is marked processed", async () => {
    const inbox = new MemoryInbox();
    const announced: Array<[string, string, boolean]> = [];
    inbox.insertIfNew(
      SHOP,
      "bulk_operations/finish",
      "e1",
      JSON.stringify({ admin_graphql_api_id: OPERATION, status: "completed", type: "query", error_code: null }),
    );
    const worker = new InboxWorker({
      inbox,
      store: new MemorySyncStore(),
      workerId: "w",
      onBulkOperationFinished: (shop, operationId) =>
        announced.push([shop, operationId, inbox.unprocessed().length === 0]),
    });

    expect(await worker.drain()).toMatchObject({ applied: 1, failed: 0 });
    expect(announced).toEqual([[SHOP, OPERATION, true]]);
  });

  it("given a finish webhook without an operation id, when applied, then it is rejected and nothing is announced", async () => {
    const inbox = new MemoryInbox();
    inbox.insertIfNew(SHOP, "bulk_operations/finish", "e1", JSON.stringify({ status: "completed" }));
    const announced: string[] = [];
    const worker = new InboxWorker({
      inbox,
      store: new MemorySyncStore(),
      workerId: "w",
      onBulkOperationFinished: (_shop, operationId) => announced.push(operationId),
    });

    expect(await worker.drain()).toMatchObject({ applied: 0, rejected: 1 });
    expect(announced).toEqual([]);
  });
});
