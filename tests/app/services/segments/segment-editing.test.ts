import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { prismaSegmentDeletion } from "../../../../app/db/segments/segment-deletion.server.js";
import { prismaSegmentEvaluation } from "../../../../app/db/segments/segment-evaluation.server.js";
import { prismaSegmentRepository } from "../../../../app/db/segments/segment-repository.server.js";
import { parseSegmentQuery } from "../../../../app/domain/segments/segment-parser.js";
import { segmentMembers } from "../../../../app/domain/segments/segment-reference.js";
import { computeShopThresholds } from "../../../../app/domain/segments/shop-thresholds.js";
import type { SegmentDeletion } from "../../../../app/services/segments/ports.js";
import {
  createSegmentFromQuery,
  InvalidSegmentError,
  SegmentNameTakenError,
  SegmentNotFoundError,
} from "../../../../app/services/segments/segment-catalog.js";
import { defineSegment } from "../../../../app/services/segments/segment-definition.js";
import {
  deleteSegment,
  editSegmentQuery,
  renameSegment,
  type SegmentDeletionDeps,
} from "../../../../app/services/segments/segment-editing.js";
import { evaluateShop, type SegmentEvaluationDeps } from "../../../../app/services/segments/segment-evaluation.js";
import { providers } from "../../../helpers/databases.js";
import { nowArb, storeArb, timeZoneArb, type RandomStore } from "../../db/segments/segment-arbitraries.js";
import {
  clearShop,
  databasePool,
  insertMetrics,
  insertPurchases,
  metricsFacts,
  OTHER_SHOP,
  SHOP,
  type OpenDatabase,
} from "../../db/segments/segment-fixtures.js";

const pool = databasePool();
afterAll(() => pool.closeAll());

const QUERIES = [
  "number_of_orders >= 1",
  "number_of_orders >= 2",
  "amount_spent > 1000",
  "amount_spent_percentile >= 50",
  "customer_tags CONTAINS 'vip'",
  "customer_countries CONTAINS 'CA' OR number_of_orders = 0",
  "NOT (last_order_date < -30d)",
  "rfm_group = 'CHAMPIONS' OR rfm_group = 'NEW'",
];

function depsFor(open: OpenDatabase): SegmentEvaluationDeps & SegmentDeletionDeps {
  return {
    segments: prismaSegmentRepository(open.db),
    evaluation: prismaSegmentEvaluation(open.db, open.url, { rangeSize: 4 }),
    deletion: prismaSegmentDeletion(open.db, open.url),
  };
}

async function loadStore(open: OpenDatabase, shop: string, store: RandomStore) {
  await insertMetrics(open, shop, store.metrics);
  await insertPurchases(open, shop, store.purchases);
}

const factsOf = (store: RandomStore) => store.metrics.map((row) => metricsFacts(row, store.purchases));

function expected(query: string, store: RandomStore, now: Date, timeZone: string): string[] {
  const parsed = parseSegmentQuery(query);
  if (!parsed.ok) throw new Error(query);
  const customers = factsOf(store);
  return [
    ...segmentMembers(parsed.tree, { customers, thresholds: computeShopThresholds(customers), now, timeZone }),
  ].sort();
}

async function membersOf(open: OpenDatabase, shop: string, segmentId: string): Promise<string[]> {
  const rows = await open.db.segmentMember.findMany({ where: { shop, segmentId }, orderBy: { customerId: "asc" } });
  return rows.map((row) => row.customerId);
}

const minus = (a: string[], b: string[]) => a.filter((id) => !b.includes(id)).sort();

/** Counts what the deletion is asked to do, so the batches can be seen. */
function countingDeletion(inner: SegmentDeletion) {
  const batches: number[] = [];
  const port: SegmentDeletion = {
    async exitMembers(...args) {
      const left = await inner.exitMembers(...args);
      batches.push(left);
      return left;
    },
    remove: (...args) => inner.remove(...args),
  };
  return { port, batches };
}

describe.each(await providers())("editing segments on %s", (provider) => {
  it("given a segment, when its query is edited, then it is re-evaluated: members follow the reference for the new query and exactly the changes are recorded with cause edit, query-edited", async () => {
    const open = await pool.open(provider);
    const deps = depsFor(open);
    await fc.assert(
      fc.asyncProperty(
        storeArb(14),
        fc.constantFrom(...QUERIES),
        fc.constantFrom(...QUERIES),
        nowArb,
        timeZoneArb,
        async (store, before, after, now, timeZone) => {
          await clearShop(open);
          await loadStore(open, SHOP, store);
          const settings = { now, timeZone };
          await evaluateShop(deps, SHOP, settings, { cause: "backfill", causeRef: null });
          const { segment } = await defineSegment(deps, SHOP, { name: "Edited", query: before }, settings);
          const previous = expected(before, store, now, timeZone);
          expect(await membersOf(open, SHOP, segment.id)).toEqual(previous);
          const lastId = (await open.db.segmentMembershipEvent.aggregate({ _max: { id: true } }))._max.id ?? 0;

          const edited = await editSegmentQuery(deps, SHOP, "Edited", after, settings);
          const next = expected(after, store, now, timeZone);
          expect(edited.segment.query).toBe(after);
          expect(edited.segment.name).toBe("Edited");
          expect(await membersOf(open, SHOP, segment.id)).toEqual(next);
          expect(edited.changes).toEqual({
            entered: minus(next, previous).length,
            exited: minus(previous, next).length,
          });
          const events = await open.db.segmentMembershipEvent.findMany({ where: { id: { gt: lastId } } });
          const changed = (change: string) =>
            events
              .filter((event) => event.change === change)
              .map((event) => event.customerId)
              .sort();
          expect(changed("enter")).toEqual(minus(next, previous));
          expect(changed("exit")).toEqual(minus(previous, next));
          expect(events.every((event) => event.cause === "edit" && event.causeRef === "query-edited")).toBe(true);
          const stored = await open.db.segment.findUniqueOrThrow({
            where: { shop_id: { shop: SHOP, id: segment.id } },
          });
          expect(stored.query).toBe(after);
        },
      ),
      { numRuns: provider === "sqlite" ? 20 : 12 },
    );
  });

  it("given a segment, when edited with a query that has errors, then the error has the create path's shape (position and hint) and nothing is saved or re-evaluated", async () => {
    const open = await pool.open(provider);
    const deps = depsFor(open);
    await clearShop(open);
    const now = new Date("2026-01-01T00:00:00Z");
    const segment = await createSegmentFromQuery(deps, SHOP, { name: "Kept", query: "number_of_orders >= 1" }, now);
    const broken = "amount_spnt > 100 AND (";
    const asCreated = await createSegmentFromQuery(deps, SHOP, { name: "Other", query: broken }, now).catch(
      (error: unknown) => error,
    );
    const asEdited = await editSegmentQuery(deps, SHOP, "Kept", broken, { now, timeZone: "UTC" }).catch(
      (error: unknown) => error,
    );
    expect(asEdited).toBeInstanceOf(InvalidSegmentError);
    expect((asEdited as InvalidSegmentError).errors).toEqual((asCreated as InvalidSegmentError).errors);
    const unknown = (asEdited as InvalidSegmentError).errors.find((error) => error.code === "UNKNOWN_FIELD");
    expect(unknown?.hint).toContain("did you mean `amount_spent`?");
    expect(unknown?.position).toEqual({ offset: 0, line: 1, column: 0 });
    const percentile = await editSegmentQuery(deps, SHOP, "Kept", "amount_spent_percentile >= 120", {
      now,
      timeZone: "UTC",
    }).catch((error: unknown) => error);
    expect(percentile).toBeInstanceOf(InvalidSegmentError);
    const stored = await open.db.segment.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: segment.id } } });
    expect({ query: stored.query, tree: JSON.parse(stored.tree) }).toEqual({
      query: segment.query,
      tree: segment.tree,
    });
    expect(await open.db.segmentMembershipEvent.count()).toBe(0);
    await expect(
      editSegmentQuery(deps, SHOP, "Nope", "number_of_orders >= 1", { now, timeZone: "UTC" }),
    ).rejects.toThrow(SegmentNotFoundError);
  });

  it("given segments in two shops, when one is renamed, then it keeps its id and members; a name already used or an unknown segment is refused and nothing changes", async () => {
    const open = await pool.open(provider);
    const deps = depsFor(open);
    await clearShop(open);
    await fc.assert(
      fc.asyncProperty(storeArb(8), async (store) => {
        await clearShop(open);
        await loadStore(open, SHOP, store);
        const settings = { now: new Date("2026-01-01T00:00:00Z"), timeZone: "UTC" };
        const { segment } = await defineSegment(
          deps,
          SHOP,
          { name: "Buyers", query: "number_of_orders >= 1" },
          settings,
        );
        await defineSegment(deps, SHOP, { name: "Taken", query: "number_of_orders = 0" }, settings);
        await createSegmentFromQuery(
          deps,
          OTHER_SHOP,
          { name: "Elsewhere", query: "number_of_orders = 0" },
          settings.now,
        );
        const members = await membersOf(open, SHOP, segment.id);

        const later = new Date("2026-01-02T00:00:00Z");
        const renamed = await renameSegment(deps, SHOP, segment.id, "  Customers who bought  ", later);
        expect(renamed).toMatchObject({ id: segment.id, name: "Customers who bought", query: segment.query });
        expect(renamed.updatedAt).toBe(later.toISOString());
        expect(await membersOf(open, SHOP, segment.id)).toEqual(members);
        // The shop's own names only: another shop's "Elsewhere" is free here, and an unknown name is an error.
        await expect(renameSegment(deps, SHOP, "Customers who bought", "Taken", later)).rejects.toThrow(
          SegmentNameTakenError,
        );
        await expect(renameSegment(deps, SHOP, "Elsewhere", "X", later)).rejects.toThrow(SegmentNotFoundError);
        await expect(renameSegment(deps, SHOP, "Customers who bought", " ", later)).rejects.toThrow(
          InvalidSegmentError,
        );
        // Renaming to its own name is fine.
        expect((await renameSegment(deps, SHOP, "Customers who bought", "Customers who bought", later)).id).toBe(
          segment.id,
        );
        const names = await open.db.segment.findMany({ where: { shop: SHOP }, orderBy: { name: "asc" } });
        expect(names.map((row) => row.name)).toEqual(["Customers who bought", "Taken"]);
      }),
      { numRuns: 5 },
    );
  });

  it("given a segment with members, when deleted in batches, then every member leaves with one exit event (cause edit, deleted), batch by batch, the segment goes, and the other segments and shops are untouched", async () => {
    const open = await pool.open(provider);
    const base = depsFor(open);
    await fc.assert(
      fc.asyncProperty(storeArb(16), fc.integer({ min: 1, max: 5 }), async (store, batch) => {
        await clearShop(open);
        await loadStore(open, SHOP, store);
        await loadStore(open, OTHER_SHOP, store);
        const settings = { now: new Date("2026-01-01T00:00:00Z"), timeZone: "UTC" };
        const { segment } = await defineSegment(
          base,
          SHOP,
          { name: "Going", query: "number_of_orders >= 0" },
          settings,
        );
        const { segment: staying } = await defineSegment(
          base,
          SHOP,
          { name: "Staying", query: "number_of_orders >= 0" },
          settings,
        );
        const { segment: elsewhere } = await defineSegment(
          base,
          OTHER_SHOP,
          { name: "Going", query: "number_of_orders >= 0" },
          settings,
        );
        const members = await membersOf(open, SHOP, segment.id);
        expect(members.length).toBe(store.metrics.length);
        const lastId = (await open.db.segmentMembershipEvent.aggregate({ _max: { id: true } }))._max.id ?? 0;

        const counting = countingDeletion(base.deletion);
        const deletedAt = new Date("2026-01-03T00:00:00Z");
        const deleted = await deleteSegment({ ...base, deletion: counting.port }, SHOP, "Going", deletedAt, batch);
        expect(deleted.exited).toBe(members.length);
        expect(deleted.segment.id).toBe(segment.id);
        // Full batches, then the one that came up short.
        const full = Math.floor(members.length / batch);
        expect(counting.batches).toEqual([...Array<number>(full).fill(batch), members.length % batch]);

        expect(await open.db.segment.findUnique({ where: { shop_id: { shop: SHOP, id: segment.id } } })).toBeNull();
        expect(await membersOf(open, SHOP, segment.id)).toEqual([]);
        const events = await open.db.segmentMembershipEvent.findMany({ where: { id: { gt: lastId } } });
        expect(events.map((event) => event.customerId).sort()).toEqual(members);
        expect(
          events.every(
            (event) =>
              event.shop === SHOP &&
              event.segmentId === segment.id &&
              event.change === "exit" &&
              event.cause === "edit" &&
              event.causeRef === "deleted" &&
              event.at.toISOString() === deletedAt.toISOString(),
          ),
        ).toBe(true);
        expect(await membersOf(open, SHOP, staying.id)).toEqual(members);
        expect(await membersOf(open, OTHER_SHOP, elsewhere.id)).toEqual(members);
        await expect(deleteSegment(base, SHOP, "Going", deletedAt)).rejects.toThrow(SegmentNotFoundError);
      }),
      { numRuns: provider === "sqlite" ? 12 : 8 },
    );
  });
});
