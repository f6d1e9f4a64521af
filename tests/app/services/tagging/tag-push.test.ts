import { describe, expect, it } from "vitest";
import type { Database } from "../../../../app/db/client.server.js";
import { prismaTagStateStore } from "../../../../app/db/tagging/tag-state-store.server.js";
import type { TagPushWriter, TagWrite, TagWriteOutcome } from "../../../../app/services/tagging/ports.js";
import {
  configureSegmentTagging,
  retireSegmentTagging,
  untagAll,
} from "../../../../app/services/tagging/segment-tagging.js";
import {
  applyTagAuditRetention,
  TAG_AUDIT_RETENTION_MS,
} from "../../../../app/services/tagging/tag-audit-retention.js";
import { dryRunSegmentTagging } from "../../../../app/services/tagging/tag-dry-run.js";
import { pushPendingTags } from "../../../../app/services/tagging/tag-push.js";
import { migratedDatabases } from "../../../helpers/migrated-databases.js";
import { providers } from "../../../helpers/databases.js";

const open = migratedDatabases();
const SHOP = "tags.myshopify.com";
const OTHER = "other.myshopify.com";

/** Shopify's tags for the shop's customers, with Shopify's case-insensitive tagsAdd/tagsRemove. */
class ShopifyTags implements TagPushWriter {
  readonly tags = new Map<string, string[]>();
  readonly writes: TagWrite[] = [];
  failNext = 0;
  duringWrite: (() => Promise<void>) | null = null;
  /** The bulk path's threshold this writer answers; undefined: a writer without a bulk path. */
  threshold: number | undefined = undefined;
  readonly batches: number[] = [];

  async bulkThreshold(): Promise<number | null> {
    return this.threshold ?? null;
  }

  async write(_shop: string, writes: TagWrite[]): Promise<TagWriteOutcome[]> {
    this.batches.push(writes.length);
    await this.duringWrite?.();
    return writes.map((w) => {
      this.writes.push(w);
      if (this.failNext > 0) {
        this.failNext--;
        return {
          customerId: w.customerId,
          add: w.add.length ? { status: "failed", message: "502" } : null,
          remove: null,
        };
      }
      const key = (t: string) => t.trim().toLowerCase();
      let tags = this.tags.get(w.customerId) ?? [];
      for (const t of w.add) if (!tags.some((x) => key(x) === key(t))) tags = [...tags, t];
      tags = tags.filter((x) => !w.remove.some((t) => key(t) === key(x)));
      this.tags.set(w.customerId, tags);
      return {
        customerId: w.customerId,
        add: w.add.length ? { status: "applied" } : null,
        remove: w.remove.length ? { status: "applied" } : null,
      };
    });
  }
}

async function seed(db: Database, shop: string, customers: Record<string, string[]>, at: Date) {
  for (const [id, tags] of Object.entries(customers)) {
    await db.syncedCustomer.create({
      data: { shop, id, createdAt: at, updatedAt: new Date(at.getTime() - 3_600_000), tags: JSON.stringify(tags) },
    });
  }
  return db.segment.create({
    data: {
      shop,
      id: `vip-${shop}`,
      name: "VIP",
      query: "amount_spent >= 500",
      tree: "{}",
      createdAt: at,
      updatedAt: at,
    },
  });
}

async function setMembers(db: Database, shop: string, segmentId: string, ids: string[], at: Date) {
  await db.segmentMember.deleteMany({ where: { shop, segmentId } });
  for (const customerId of ids) await db.segmentMember.create({ data: { shop, segmentId, customerId, enteredAt: at } });
}

describe.each(await providers())("tag push on %s", (provider) => {
  it("given a segment with tagging on, then members get its tag, a merchant's case variant is adopted and never removed, and leaving removes only Cohort's", async () => {
    const { db, url } = await open(provider);
    const store = prismaTagStateStore(db, url);
    const shopify = new ShopifyTags();
    let clock = new Date("2026-12-07T10:00:00Z");
    const now = () => clock;
    const segment = await seed(db, SHOP, { c1: ["Cohort:VIP ", "wholesale"], c2: ["wholesale"], c3: [] }, clock);
    await seed(db, OTHER, { c1: [] }, clock);
    shopify.tags.set("c1", ["Cohort:VIP ", "wholesale"]);
    shopify.tags.set("c2", ["wholesale"]);
    await setMembers(db, SHOP, segment.id, ["c1", "c2"], clock);
    await setMembers(db, OTHER, `vip-${OTHER}`, ["c1"], clock);

    const configured = await configureSegmentTagging(store, SHOP, segment, { state: "on" }, clock);
    expect(configured).toMatchObject({ ok: true, tagging: { tag: "cohort:vip", state: "on" }, marked: 2 });
    expect(await store.pendingCount(OTHER)).toBe(0);

    const first = await pushPendingTags({ store, writer: shopify, now }, SHOP);
    expect(first).toMatchObject({ customers: 2, added: 1, adopted: 1 });
    expect(shopify.tags.get("c2")).toEqual(["wholesale", "cohort:vip"]);
    expect(shopify.writes.map((w) => w.customerId)).toEqual(["c2"]);
    expect(await store.pendingCount(SHOP)).toBe(0);

    clock = new Date("2026-12-07T11:00:00Z");
    await setMembers(db, SHOP, segment.id, [], clock);
    await store.markCustomers(SHOP, ["c1", "c2"], { cause: "webhook", causeRef: "evt-9" }, clock);
    const second = await pushPendingTags({ store, writer: shopify, now }, SHOP);
    expect(second).toMatchObject({ customers: 2, removed: 1 });
    expect(shopify.tags.get("c2")).toEqual(["wholesale"]);
    expect(shopify.tags.get("c1")).toEqual(["Cohort:VIP ", "wholesale"]);

    const why = await store.auditFor(SHOP, { customerId: "c2", limit: 10 });
    expect(why.map((row) => [row.action, row.result, row.cause, row.causeRef])).toEqual([
      ["remove", "applied", "webhook", "evt-9"],
      ["add", "applied", "setting", segment.id],
    ]);
    expect(why[1]).toMatchObject({ segmentId: segment.id, ruleText: "amount_spent >= 500", tag: "cohort:vip" });
    expect(await store.auditFor(OTHER, { limit: 10 })).toEqual([]);
  });

  it("given a failed write, then the mark stays until its retry time and the retry applies it once", async () => {
    const { db, url } = await open(provider);
    const store = prismaTagStateStore(db, url);
    const shopify = new ShopifyTags();
    let clock = new Date("2026-12-07T10:00:00Z");
    const segment = await seed(db, SHOP, { c1: [] }, clock);
    await setMembers(db, SHOP, segment.id, ["c1"], clock);
    await configureSegmentTagging(store, SHOP, segment, { state: "on" }, clock);
    shopify.failNext = 1;
    expect(await pushPendingTags({ store, writer: shopify, now: () => clock }, SHOP)).toMatchObject({ failed: 1 });
    expect(await store.pendingCount(SHOP)).toBe(1);
    expect(await pushPendingTags({ store, writer: shopify, now: () => clock }, SHOP)).toMatchObject({ customers: 0 });
    clock = new Date("2026-12-07T10:00:06Z");
    expect(await pushPendingTags({ store, writer: shopify, now: () => clock }, SHOP)).toMatchObject({ added: 1 });
    expect(shopify.tags.get("c1")).toEqual(["cohort:vip"]);
    expect(await store.pendingCount(SHOP)).toBe(0);
    const results = (await store.auditFor(SHOP, { customerId: "c1", limit: 10 })).map((r) => r.result);
    expect(results).toEqual(["applied", "failed"]);
  });

  it("given a customer marked again while their push is in flight, then the newer mark survives the push", async () => {
    const { db, url } = await open(provider);
    const store = prismaTagStateStore(db, url);
    const shopify = new ShopifyTags();
    const clock = new Date("2026-12-07T10:00:00Z");
    const segment = await seed(db, SHOP, { c1: [] }, clock);
    await setMembers(db, SHOP, segment.id, ["c1"], clock);
    await configureSegmentTagging(store, SHOP, segment, { state: "on" }, clock);
    shopify.duringWrite = async () => {
      shopify.duringWrite = null;
      await store.markCustomers(SHOP, ["c1"], { cause: "webhook", causeRef: "evt-late" }, clock);
    };
    await pushPendingTags({ store, writer: shopify, now: () => clock }, SHOP);
    expect(await store.pendingCount(SHOP)).toBe(1);
    expect(await pushPendingTags({ store, writer: shopify, now: () => clock }, SHOP)).toMatchObject({
      customers: 1,
      added: 0,
    });
    expect(await store.pendingCount(SHOP)).toBe(0);
  });

  it("given a new tag, a pause and a deletion, then the tag moves, stays, and leaves", async () => {
    const { db, url } = await open(provider);
    const store = prismaTagStateStore(db, url);
    const shopify = new ShopifyTags();
    const clock = new Date("2026-12-07T10:00:00Z");
    const now = () => clock;
    const segment = await seed(db, SHOP, { c1: [], c2: [] }, clock);
    await setMembers(db, SHOP, segment.id, ["c1", "c2"], clock);
    await configureSegmentTagging(store, SHOP, segment, { state: "on" }, clock);
    await pushPendingTags({ store, writer: shopify, now }, SHOP);

    const moved = await configureSegmentTagging(store, SHOP, segment, { tag: "  vip gold " }, clock);
    expect(moved).toMatchObject({ ok: true, tagging: { tag: "vip gold" }, marked: 2 });
    await pushPendingTags({ store, writer: shopify, now }, SHOP);
    expect(shopify.tags.get("c1")).toEqual(["vip gold"]);

    await configureSegmentTagging(store, SHOP, segment, { state: "paused" }, clock);
    await setMembers(db, SHOP, segment.id, ["c1"], clock);
    await store.markCustomers(SHOP, ["c2"], { cause: "schedule", causeRef: null }, clock);
    await pushPendingTags({ store, writer: shopify, now }, SHOP);
    expect(shopify.tags.get("c2")).toEqual(["vip gold"]);

    await configureSegmentTagging(store, SHOP, segment, { state: "on" }, clock);
    await pushPendingTags({ store, writer: shopify, now }, SHOP);
    expect(shopify.tags.get("c2")).toEqual([]);

    expect(await retireSegmentTagging(store, SHOP, segment.id, clock)).toBe(1);
    await pushPendingTags({ store, writer: shopify, now }, SHOP);
    expect(shopify.tags.get("c1")).toEqual([]);
  });

  it("given a tag another segment uses in other case, then configuring is refused and nothing changes", async () => {
    const { db, url } = await open(provider);
    const store = prismaTagStateStore(db, url);
    const clock = new Date("2026-12-07T10:00:00Z");
    const segment = await seed(db, SHOP, { c1: [] }, clock);
    await configureSegmentTagging(store, SHOP, { id: "other", name: "Gold" }, { tag: "cohort:gold" }, clock);
    const refused = await configureSegmentTagging(store, SHOP, segment, { tag: "COHORT:GOLD", state: "on" }, clock);
    expect(refused).toMatchObject({ ok: false, error: { code: "taken" } });
    expect((await store.taggings(SHOP)).map((t) => t.segmentId)).toEqual(["other"]);
    expect(await store.pendingCount(SHOP)).toBe(0);
  });
});

describe.each(await providers())("tag marks from membership changes on %s", (provider) => {
  it("given entries and exits recorded, then customers of segments with tagging on are marked in the same transaction, and only they", async () => {
    const { db, url } = await open(provider);
    const store = prismaTagStateStore(db, url);
    const clock = new Date("2026-12-07T10:00:00Z");
    const segment = await seed(db, SHOP, { c1: [], c2: [], c3: [] }, clock);
    await configureSegmentTagging(store, SHOP, segment, { state: "on" }, clock);
    await configureSegmentTagging(store, SHOP, { id: "quiet", name: "Quiet" }, { state: "off" }, clock);
    const event = (segmentId: string, customerId: string, change: string, causeRef: string) => ({
      shop: SHOP,
      segmentId,
      customerId,
      change,
      at: clock,
      cause: "webhook",
      causeRef,
    });
    await db.segmentMembershipEvent.createMany({
      data: [
        event(segment.id, "c1", "enter", "e1"),
        event(segment.id, "c1", "exit", "e2"),
        event("quiet", "c3", "enter", "e3"),
      ],
    });
    await expect(
      db.$transaction(async (tx) => {
        await tx.segmentMembershipEvent.create({ data: event(segment.id, "c2", "enter", "e4") });
        throw new Error("the evaluation crashed");
      }),
    ).rejects.toThrow("crashed");
    const pending = await db.tagPending.findMany({ where: { shop: SHOP } });
    expect(pending.map((p) => [p.customerId, p.cause])).toEqual([["c1", "webhook"]]);
    await db.segmentMembershipEvent.create({ data: event(segment.id, "c1", "enter", "e5") });
    const again = await db.tagPending.findUniqueOrThrow({
      where: { shop_customerId: { shop: SHOP, customerId: "c1" } },
    });
    expect(again.generation).toBeGreaterThan(pending[0]!.generation);
    expect(again.causeRef).toBe("e5");
  });
});

describe.each(await providers())("tag dry run on %s", (provider) => {
  it("given a segment with tagging off, then the dry run counts the adds, the merchant's own tags and the removes, and writes nothing", async () => {
    const { db, url } = await open(provider);
    const store = prismaTagStateStore(db, url);
    const shopify = new ShopifyTags();
    const clock = new Date("2026-12-07T10:00:00Z");
    const segment = await seed(db, SHOP, { c1: ["COHORT:VIP"], c2: [], c3: [], c4: [] }, clock);
    await setMembers(db, SHOP, segment.id, ["c1", "c2", "c3"], clock);
    const before = await dryRunSegmentTagging(store, SHOP, segment);
    expect(before).toMatchObject({ tag: "cohort:vip", adds: 2, addSample: ["c2", "c3"], alreadyTagged: 1, removes: 0 });
    expect(await store.taggings(SHOP)).toEqual([]);
    expect(await store.pendingCount(SHOP)).toBe(0);

    await configureSegmentTagging(store, SHOP, segment, { state: "on" }, clock);
    await pushPendingTags({ store, writer: shopify, now: () => clock }, SHOP);
    await setMembers(db, SHOP, segment.id, ["c1", "c4"], clock);
    const after = await dryRunSegmentTagging(store, SHOP, segment);
    expect(after).toMatchObject({
      adds: 1,
      addSample: ["c4"],
      removes: 2,
      removeSample: ["c2", "c3"],
      alreadyTagged: 1,
    });
  });
});

describe.each(await providers())("untag all on %s", (provider) => {
  it("given tags Cohort added and a merchant's own, then untag-all removes Cohort's only and adds nothing again", async () => {
    const { db, url } = await open(provider);
    const store = prismaTagStateStore(db, url);
    const shopify = new ShopifyTags();
    const clock = new Date("2026-12-07T10:00:00Z");
    const segment = await seed(db, SHOP, { c1: ["cohort:VIP"], c2: [] }, clock);
    shopify.tags.set("c1", ["cohort:VIP"]);
    await setMembers(db, SHOP, segment.id, ["c1", "c2"], clock);
    await configureSegmentTagging(store, SHOP, segment, { state: "on" }, clock);
    await pushPendingTags({ store, writer: shopify, now: () => clock }, SHOP);
    expect(shopify.tags.get("c2")).toEqual(["cohort:vip"]);
    expect(await untagAll(store, SHOP, clock)).toEqual({ segments: 1, marked: 2 });
    expect(await pushPendingTags({ store, writer: shopify, now: () => clock }, SHOP)).toMatchObject({ removed: 1 });
    expect(shopify.tags.get("c2")).toEqual([]);
    expect(shopify.tags.get("c1")).toEqual(["cohort:VIP"]);
    await store.markCustomers(SHOP, ["c1", "c2"], { cause: "schedule", causeRef: null }, clock);
    expect(await pushPendingTags({ store, writer: shopify, now: () => clock }, SHOP)).toMatchObject({
      added: 0,
      removed: 0,
    });
  });

  it("given as many marked customers as the bulk path starts at, then one push takes them all at once; without a bulk path, 500 at a time", async () => {
    const { db, url } = await open(provider);
    const store = prismaTagStateStore(db, url);
    const clock = new Date("2026-12-07T10:00:00Z");
    const ids = Array.from({ length: 1_200 }, (_, index) => `m${String(index).padStart(4, "0")}`);
    await db.syncedCustomer.createMany({
      data: ids.map((id) => ({ shop: SHOP, id, createdAt: clock, updatedAt: clock, tags: "[]" })),
    });
    const segment = await seed(db, SHOP, {}, clock);
    await db.segmentMember.createMany({
      data: ids.map((customerId) => ({ shop: SHOP, segmentId: segment.id, customerId, enteredAt: clock })),
    });
    const bulk = new ShopifyTags();
    bulk.threshold = 1_000;
    await configureSegmentTagging(store, SHOP, segment, { state: "on" }, clock);
    expect(await pushPendingTags({ store, writer: bulk, now: () => clock }, SHOP, { maxBatches: 1 })).toMatchObject({
      customers: 1_200,
      added: 1_200,
    });
    expect(bulk.batches).toEqual([1_200]);

    const direct = new ShopifyTags();
    await untagAll(store, SHOP, clock);
    await pushPendingTags({ store, writer: direct, now: () => clock }, SHOP);
    expect(direct.batches).toEqual([500, 500, 200]);
  });
});

describe.each(await providers())("tag audit retention on %s", (provider) => {
  it("given audit rows older and newer than 90 days, then only the older are deleted, for every shop", async () => {
    const { db, url } = await open(provider);
    const store = prismaTagStateStore(db, url);
    const now = new Date("2026-12-07T10:00:00Z");
    const row = (shop: string, ageMs: number) => ({
      shop,
      customerId: "c1",
      tag: "cohort:vip",
      action: "add",
      cause: "schedule",
      at: new Date(now.getTime() - ageMs),
      result: "applied",
    });
    await db.tagChange.createMany({
      data: [row(SHOP, TAG_AUDIT_RETENTION_MS + 1000), row(OTHER, TAG_AUDIT_RETENTION_MS + 1000), row(SHOP, 1000)],
    });
    expect(await applyTagAuditRetention(store, now)).toBe(2);
    expect((await db.tagChange.findMany()).map((r) => r.shop)).toEqual([SHOP]);
  });
});
