import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prismaOrderDeletion } from "../../../../app/db/sync/order-deletion.server.js";
import { prismaSyncStore } from "../../../../app/db/sync/sync-store.server.js";
import type { OrderDeletionStore, SyncStore } from "../../../../app/services/sync/ports.js";
import { providers } from "../../../helpers/databases.js";
import { migratedDatabases } from "../../../helpers/migrated-databases.js";
import { bigId, randomDeliveries, randomSource, type Delivery } from "../../db/sync/sync-store-fixtures.js";
import { MemorySyncStore } from "./inbox-fakes.js";

/**
 * The worker's scenario tests run on MemorySyncStore; this holds it to the real store. Random histories (new and
 * updated customers and orders, redeliveries, stale copies, customer and order deletions) are applied to both,
 * and every answer and the resulting metrics must be the same, on each database.
 */
type Operation = Delivery | { type: "deleteOrders"; orderIds: string[] };

function withOrderDeletions(seed: number, deliveries: Delivery[]): Operation[] {
  const random = randomSource(seed + 1_000);
  const operations: Operation[] = [];
  for (const delivery of deliveries) {
    operations.push(delivery);
    if (random.chance(0.1)) {
      operations.push({ type: "deleteOrders", orderIds: [bigId(5, random.int(30)), bigId(5, random.int(30))] });
    }
  }
  return operations;
}

type Store = SyncStore & OrderDeletionStore;

/** What a store answers to each operation, with the affected customers as a set (their order is not part of it). */
async function apply(store: Store, shop: string, operations: Operation[]): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const operation of operations) {
    if (operation.type === "deleteCustomer") {
      await store.deleteCustomer(shop, operation.customerId);
      answers.push("deleted");
      continue;
    }
    const result =
      operation.type === "deleteOrders"
        ? await store.deleteOrders(shop, operation.orderIds)
        : operation.type === "orders"
          ? await store.upsertOrders(shop, operation.snapshots)
          : await store.upsertCustomers(shop, operation.snapshots);
    await store.refreshMetrics(shop, result.affectedCustomerIds);
    answers.push({ ...result, affectedCustomerIds: [...new Set(result.affectedCustomerIds)].sort() });
  }
  return answers;
}

const openDatabase = migratedDatabases();

describe.each(await providers())("MemorySyncStore against the real store on %s", (provider) => {
  it("given random histories, when applied to both, then every answer, the deleted orders and the metrics are the same", async () => {
    const { db, url } = await openDatabase(provider);
    const real = prismaSyncStore(db, url);
    const deletion = prismaOrderDeletion(db);
    const realStore: Store = Object.assign(Object.create(real) as SyncStore, {
      deleteOrders: deletion.deleteOrders.bind(deletion),
      deletedOrderIds: deletion.deletedOrderIds.bind(deletion),
    });

    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 10, max: 50 }),
        async (seed, steps) => {
          // A shop of its own for each run: the real store starts empty for it, as the memory store does.
          const shop = `contract-${(runs += 1)}.myshopify.com`;
          const memory = new MemorySyncStore();
          const operations = withOrderDeletions(seed, randomDeliveries(seed, steps));

          const memoryAnswers = await apply(memory, shop, operations);
          const realAnswers = await apply(realStore, shop, operations);

          expect(memoryAnswers).toEqual(realAnswers);
          expect(await memory.customerMetrics(shop)).toEqual(await realStore.customerMetrics(shop));
          const orderIds = Array.from({ length: 30 }, (_, i) => bigId(5, i));
          expect(await memory.deletedOrderIds(shop, orderIds)).toEqual(await realStore.deletedOrderIds(shop, orderIds));
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);
});
