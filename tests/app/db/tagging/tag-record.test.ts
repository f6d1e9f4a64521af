import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Database } from "../../../../app/db/client.server.js";
import { prismaTagStateStore } from "../../../../app/db/tagging/tag-state-store.server.js";
import { tagKey } from "../../../../app/domain/tagging/tag-key.js";
import type { CustomerTagRecord, TagAuditEntry } from "../../../../app/services/tagging/ports.js";
import { providers } from "../../../helpers/databases.js";
import { migratedDatabases } from "../../../helpers/migrated-databases.js";

const open = migratedDatabases();
const OPTIMIZED = "set-based.myshopify.com";
const REFERENCE = "one-by-one.myshopify.com";
const CUSTOMERS = ["c1", "c2", "c3", "c4", "c5", "c6"];
const TAGS = ["cohort:vip", "Cohort:VIP ", "cohort:dormant", "wholesale", "cohort:at-risk"];
const ORIGINS = ["cohort", "merchant", "released", "sending"];

/** The store's record applied one customer and one row at a time, as it was before it went set-based. */
async function referenceRecord(db: Database, shop: string, records: CustomerTagRecord[], now: Date): Promise<void> {
  await db.$transaction(async (tx) => {
    for (const r of records) {
      for (const tag of r.drop) {
        await tx.confirmedCustomerTag.deleteMany({ where: { shop, customerId: r.customerId, tagKey: tagKey(tag) } });
      }
      for (const c of r.confirm) {
        const key = { shop, customerId: r.customerId, tagKey: tagKey(c.tag) };
        await tx.confirmedCustomerTag.upsert({
          where: { shop_customerId_tagKey: key },
          create: { ...key, tag: c.tag, origin: c.origin, repairs: c.repairs, confirmedAt: now },
          update: { tag: c.tag, origin: c.origin, repairs: c.repairs, confirmedAt: now },
        });
      }
      if (r.audit.length > 0) await tx.tagChange.createMany({ data: r.audit.map((e) => ({ shop, ...e, at: now })) });
      if (r.retryAt === null) {
        await tx.tagPending.deleteMany({ where: { shop, customerId: r.customerId, generation: r.generation } });
      } else {
        await tx.tagPending.updateMany({
          where: { shop, customerId: r.customerId, generation: r.generation },
          data: { attempts: { increment: 1 }, notBefore: r.retryAt },
        });
      }
    }
  });
}

async function referenceRecordSending(
  db: Database,
  shop: string,
  tags: { customerId: string; tag: string }[],
  now: Date,
) {
  for (const { customerId, tag } of tags) {
    const key = { shop, customerId, tagKey: tagKey(tag) };
    await db.confirmedCustomerTag.upsert({
      where: { shop_customerId_tagKey: key },
      create: { ...key, tag, origin: "sending", repairs: 0, confirmedAt: now },
      update: {},
    });
  }
}

type ConfirmedRow = { customerId: string; tag: string; origin: string; repairs: number };
type PendingRow = { customerId: string; generation: number };

const confirmedRow: fc.Arbitrary<ConfirmedRow> = fc.record({
  customerId: fc.constantFrom(...CUSTOMERS),
  tag: fc.constantFrom(...TAGS),
  origin: fc.constantFrom(...ORIGINS),
  repairs: fc.integer({ min: 0, max: 3 }),
});
const pendingRow = fc.record({ customerId: fc.constantFrom(...CUSTOMERS), generation: fc.integer({ min: 1, max: 3 }) });
const auditEntry = (customerId: string): fc.Arbitrary<TagAuditEntry> =>
  fc.record({
    customerId: fc.constant(customerId),
    segmentId: fc.option(fc.constantFrom("s1", "s2"), { nil: null }),
    tag: fc.constantFrom(...TAGS),
    action: fc.constantFrom("add", "remove", "repair", "adopt", "release", "refuse"),
    ruleText: fc.option(fc.constant("amount_spent >= 500"), { nil: null }),
    cause: fc.constantFrom("webhook", "scheduled", "manual", "rule_edit"),
    causeRef: fc.option(fc.constant("event-1"), { nil: null }),
    result: fc.constantFrom("applied", "rejected", "failed", "recorded"),
    message: fc.option(fc.constant("no answer from Shopify"), { nil: null }),
  }) as fc.Arbitrary<TagAuditEntry>;
const record = (customerId: string): fc.Arbitrary<CustomerTagRecord> =>
  fc.record({
    customerId: fc.constant(customerId),
    generation: fc.integer({ min: 1, max: 3 }),
    confirm: fc.array(
      fc.record({
        tag: fc.constantFrom(...TAGS),
        origin: fc.constantFrom(...ORIGINS),
        repairs: fc.integer({ min: 0, max: 3 }),
      }),
      { maxLength: 3 },
    ),
    drop: fc.array(fc.constantFrom(...TAGS), { maxLength: 3 }),
    audit: fc.array(auditEntry(customerId), { maxLength: 2 }),
    retryAt: fc.option(fc.constant(new Date("2026-12-07T12:00:05Z")), { nil: null }),
  }) as fc.Arbitrary<CustomerTagRecord>;
const records = fc
  .subarray(CUSTOMERS, { minLength: 1 })
  .chain((ids) => fc.tuple(...ids.map((id) => record(id))))
  .map((list) => [...list]);
const sending = fc.array(fc.record({ customerId: fc.constantFrom(...CUSTOMERS), tag: fc.constantFrom(...TAGS) }), {
  maxLength: 8,
});

async function seed(db: Database, shop: string, confirmed: ConfirmedRow[], pending: PendingRow[]) {
  const at = new Date("2026-12-07T11:00:00Z");
  const seen = new Set<string>();
  for (const row of confirmed) {
    const key = `${row.customerId}/${tagKey(row.tag)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    await db.confirmedCustomerTag.create({ data: { shop, ...row, tagKey: tagKey(row.tag), confirmedAt: at } });
  }
  const marked = new Set<string>();
  for (const row of pending) {
    if (marked.has(row.customerId)) continue;
    marked.add(row.customerId);
    await db.tagPending.create({ data: { shop, ...row, markedAt: at, cause: "webhook", attempts: 1 } });
  }
}

async function stateOf(db: Database, shop: string) {
  const [confirmed, pending, audit] = await Promise.all([
    db.confirmedCustomerTag.findMany({ where: { shop }, orderBy: [{ customerId: "asc" }, { tagKey: "asc" }] }),
    db.tagPending.findMany({ where: { shop }, orderBy: { customerId: "asc" } }),
    db.tagChange.findMany({ where: { shop }, orderBy: { id: "asc" } }),
  ]);
  return {
    confirmed: confirmed.map(({ shop: _shop, ...row }) => row),
    pending: pending.map(({ shop: _shop, ...row }) => row),
    audit: audit.map(({ shop: _shop, id: _id, ...row }) => row),
  };
}

async function clear(db: Database) {
  await db.confirmedCustomerTag.deleteMany({});
  await db.tagPending.deleteMany({});
  await db.tagChange.deleteMany({});
}

describe.each(await providers())("the tag store's set-based recording on %s", (provider) => {
  it("given random confirmed tags, marks and records, then recording them leaves what recording them one by one leaves", async () => {
    const { db, url } = await open(provider);
    const store = prismaTagStateStore(db, url);
    const now = new Date("2026-12-07T12:00:00Z");
    await fc.assert(
      fc.asyncProperty(
        fc.array(confirmedRow, { maxLength: 12 }),
        fc.array(pendingRow, { maxLength: 6 }),
        records,
        sending,
        async (confirmed, pending, batch, sent) => {
          await clear(db);
          for (const shop of [OPTIMIZED, REFERENCE]) await seed(db, shop, confirmed, pending);
          await store.recordSending(OPTIMIZED, sent, now);
          await referenceRecordSending(db, REFERENCE, sent, now);
          await store.record(OPTIMIZED, batch, now);
          await referenceRecord(db, REFERENCE, batch, now);
          expect(await stateOf(db, OPTIMIZED)).toEqual(await stateOf(db, REFERENCE));
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it("given more rows than one statement binds, then every one is recorded", async () => {
    const { db, url } = await open(provider);
    const store = prismaTagStateStore(db, url);
    const now = new Date("2026-12-07T12:00:00Z");
    const ids = Array.from({ length: 1_234 }, (_, index) => `bulk-${index}`);
    await db.tagPending.createMany({
      data: ids.map((customerId) => ({ shop: OPTIMIZED, customerId, markedAt: now, cause: "manual" })),
    });
    await store.recordSending(
      OPTIMIZED,
      ids.map((customerId) => ({ customerId, tag: "cohort:vip" })),
      now,
    );
    await store.record(
      OPTIMIZED,
      ids.map((customerId) => ({
        customerId,
        generation: 1,
        confirm: [{ tag: "cohort:vip", origin: "cohort", repairs: 0 }],
        drop: [],
        audit: [],
        retryAt: null,
      })),
      now,
    );
    expect(await db.confirmedCustomerTag.count({ where: { shop: OPTIMIZED, origin: "cohort" } })).toBe(ids.length);
    expect(await store.pendingCount(OPTIMIZED)).toBe(0);
  }, 60_000);
});
