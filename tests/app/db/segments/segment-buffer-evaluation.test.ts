import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { prismaSegmentEvaluation } from "../../../../app/db/segments/segment-evaluation.server.js";
import { prismaSegmentRepository } from "../../../../app/db/segments/segment-repository.server.js";
import {
  parseSegmentBuffer,
  serializeSegmentBuffer,
  type SegmentBuffer,
} from "../../../../app/domain/segments/segment-buffer.js";
import { nextSegmentMembers } from "../../../../app/domain/segments/segment-reference.js";
import type { SegmentTree } from "../../../../app/domain/segments/segment-tree.js";
import { computeShopThresholds, type ShopThresholds } from "../../../../app/domain/segments/shop-thresholds.js";
import type { SegmentRecord } from "../../../../app/services/segments/ports.js";
import {
  evaluateCustomers,
  evaluateShop,
  type SegmentEvaluationDeps,
} from "../../../../app/services/segments/segment-evaluation.js";
import { providers } from "../../../helpers/databases.js";
import { changedStoreArb, nowArb, storeArb, timeZoneArb, treeArb, type RandomStore } from "./segment-arbitraries.js";
import {
  clearMetrics,
  clearShop,
  databasePool,
  insertMetrics,
  insertPurchases,
  metricsFacts,
  SHOP,
  type OpenDatabase,
} from "./segment-fixtures.js";

const pool = databasePool();
afterAll(() => pool.closeAll());
const DAY = 86_400_000;

type State = Map<string, Date | null>;

async function loadStore(open: OpenDatabase, store: RandomStore) {
  await clearMetrics(open);
  await insertMetrics(open, SHOP, store.metrics);
  await insertPurchases(open, SHOP, store.purchases);
}

const factsOf = (store: RandomStore) => store.metrics.map((row) => metricsFacts(row, store.purchases));

async function stateOf(open: OpenDatabase, segmentId: string): Promise<Record<string, string | null>> {
  const rows = await open.db.segmentMember.findMany({
    where: { shop: SHOP, segmentId },
    orderBy: { customerId: "asc" },
  });
  return Object.fromEntries(rows.map((row) => [row.customerId, row.outsideSince?.toISOString() ?? null]));
}

const shown = (state: State) =>
  Object.fromEntries(
    [...state].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, at]) => [id, at?.toISOString() ?? null]),
  );

const bufferArb: fc.Arbitrary<SegmentBuffer | null> = fc.oneof(
  fc.constant(null),
  fc.record(
    {
      stayWhile: treeArb.map((tree) => ({ query: "(generated)", tree })),
      leaveAfterDays: fc.constantFrom(0, 1, 2),
    },
    { requiredKeys: [] },
  ),
);

/** A segment rule with a buffer whose stay rule is often the entry rule loosened by an OR. */
const bufferedSegmentArb = fc.tuple(treeArb, bufferArb, fc.boolean()).map(([tree, buffer, loosen]) => {
  if (buffer?.stayWhile !== undefined && loosen) {
    const stay: SegmentTree = { kind: "or", children: [tree, buffer.stayWhile.tree] };
    return { tree, buffer: { ...buffer, stayWhile: { query: "(generated)", tree: stay } } };
  }
  return { tree, buffer };
});

describe.each(await providers())("segment buffers on %s", (provider) => {
  it("given buffered segments and a store that changes over several days, when evaluated in full and then customer by customer, then members and their outsideSince follow the reference's nextMembership and only entries and exits are recorded", async () => {
    const open = await pool.open(provider);
    const deps: SegmentEvaluationDeps = {
      segments: prismaSegmentRepository(open.db),
      evaluation: prismaSegmentEvaluation(open.db, open.url, { rangeSize: 3 }),
    };
    await fc.assert(
      fc.asyncProperty(
        storeArb(10).chain((before) => fc.tuple(fc.constant(before), changedStoreArb(before))),
        fc.array(bufferedSegmentArb, { minLength: 1, maxLength: 3 }),
        nowArb,
        timeZoneArb,
        fc.array(fc.constantFrom(0.5, 1, 1.5, 2), { minLength: 3, maxLength: 3 }),
        async ([before, after], definitions, start, timeZone, gaps) => {
          await clearShop(open);
          const segments: Array<{ record: SegmentRecord; buffer: SegmentBuffer | null }> = [];
          for (const [index, definition] of definitions.entries()) {
            const record = await deps.segments.create(
              SHOP,
              {
                name: `s${index}`,
                query: "(generated)",
                tree: definition.tree,
                buffer: serializeSegmentBuffer(definition.buffer),
              },
              start,
            );
            segments.push({ record: record!, buffer: parseSegmentBuffer(record!.buffer) });
          }
          const states = new Map<string, State>(segments.map(({ record }) => [record.id, new Map()]));
          let now = start;
          const step = (store: RandomStore, thresholds: ShopThresholds) => {
            let entered = 0;
            let exited = 0;
            for (const { record, buffer } of segments) {
              const current = states.get(record.id)!;
              const next = nextSegmentMembers(
                record.tree,
                buffer,
                { customers: factsOf(store), thresholds, now, timeZone },
                current,
              );
              entered += [...next.keys()].filter((id) => !current.has(id)).length;
              exited += [...current.keys()].filter((id) => !next.has(id)).length;
              states.set(record.id, next);
            }
            return { entered, exited };
          };
          const expectStates = async () => {
            for (const { record } of segments)
              expect(await stateOf(open, record.id)).toEqual(shown(states.get(record.id)!));
          };

          // Full evaluations: before, after, before again, each some days later (thresholds refreshed each time).
          for (const [index, store] of [before, after, before].entries()) {
            if (index > 0) now = new Date(now.getTime() + gaps[index - 1]! * DAY);
            await loadStore(open, store);
            const run = await evaluateShop(deps, SHOP, { now, timeZone }, { cause: "schedule", causeRef: null });
            const expected = step(store, computeShopThresholds(factsOf(store)));
            expect(run).toEqual({ segments: segments.length, ...expected });
            await expectStates();
          }
          const events = await open.db.segmentMembershipEvent.count({ where: { shop: SHOP } });
          // The webhook path a day later, with the thresholds of the last full evaluation.
          now = new Date(now.getTime() + gaps[2]! * DAY);
          await loadStore(open, after);
          let entered = 0;
          let exited = 0;
          const ids = [...new Set([...before.metrics, ...after.metrics].map((row) => row.customerId))];
          for (const id of ids) {
            const run = await evaluateCustomers(deps, SHOP, [id], { now, timeZone }, `event-${id}`);
            entered += run.entered;
            exited += run.exited;
          }
          expect({ entered, exited }).toEqual(step(after, computeShopThresholds(factsOf(before))));
          await expectStates();
          expect(await open.db.segmentMembershipEvent.count({ where: { shop: SHOP } })).toBe(events + entered + exited);
        },
      ),
      { numRuns: provider === "sqlite" ? 20 : 12 },
    );
  });
});
