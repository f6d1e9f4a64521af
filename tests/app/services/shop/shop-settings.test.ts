import { describe, expect, it } from "vitest";
import { prismaShopSettings } from "../../../../app/db/shop/shop-settings.server.js";
import { prismaSegmentSnapshotReader } from "../../../../app/db/segments/segment-snapshot-reader.server.js";
import { loadShopSettings, saveShopSettings } from "../../../../app/services/shop/shop-settings.js";
import { providers } from "../../../helpers/databases.js";
import { migratedDatabases } from "../../../helpers/migrated-databases.js";

const SHOP = "settings.myshopify.com";
const OTHER = "other.myshopify.com";
const NOW = new Date("2026-12-07T12:00:00Z");
const open = migratedDatabases();

describe.each(await providers())("a shop's own settings on %s", (provider) => {
  it("given no row, when read, then the defaults: cohort:, midnight, the app's bulk threshold", async () => {
    const { db } = await open(provider);
    expect(await loadShopSettings(prismaShopSettings(db), SHOP)).toEqual({
      tagPrefix: "cohort:",
      evaluationMinute: 0,
      tagBulkThreshold: null,
    });
  });

  it("given valid values, when saved, then they persist for that shop only; a wrong field saves nothing and names itself", async () => {
    const { db } = await open(provider);
    const store = prismaShopSettings(db);
    const saved = await saveShopSettings(
      store,
      SHOP,
      { tagPrefix: "seg-", evaluationTime: "06:30", tagBulkThreshold: 50 },
      NOW,
    );
    expect(saved).toEqual({ ok: true, settings: { tagPrefix: "seg-", evaluationMinute: 390, tagBulkThreshold: 50 } });
    expect((await loadShopSettings(store, OTHER)).tagPrefix).toBe("cohort:");

    const refused = await saveShopSettings(
      store,
      SHOP,
      { tagPrefix: "a,b", evaluationTime: "25:00", tagBulkThreshold: 0 },
      NOW,
    );
    expect(refused.ok).toBe(false);
    expect(Object.keys(refused.ok ? {} : refused.errors).sort()).toEqual([
      "evaluationTime",
      "tagBulkThreshold",
      "tagPrefix",
    ]);
    expect(await loadShopSettings(store, SHOP)).toEqual({
      tagPrefix: "seg-",
      evaluationMinute: 390,
      tagBulkThreshold: 50,
    });

    await saveShopSettings(store, SHOP, { tagBulkThreshold: null }, NOW);
    expect(await loadShopSettings(store, SHOP)).toEqual({
      tagPrefix: "seg-",
      evaluationMinute: 390,
      tagBulkThreshold: null,
    });
  });

  it("given snapshots of two shops, when read since a day, then only the shop's, oldest first, revenue exact", async () => {
    const { db } = await open(provider);
    await db.segmentSnapshot.createMany({
      data: [
        { shop: SHOP, segmentId: "s1", day: "2026-12-06", size: 3, revenue: 12_345_678_901_234n, aov: 1n },
        { shop: SHOP, segmentId: "s1", day: "2026-11-01", size: 1, revenue: 1n, aov: 1n },
        { shop: SHOP, segmentId: "s1", day: "2026-12-01", size: 2, revenue: 5n, aov: 1n },
        { shop: OTHER, segmentId: "s1", day: "2026-12-06", size: 9, revenue: 9n, aov: 1n },
      ],
    });
    expect(await prismaSegmentSnapshotReader(db).snapshotsSince(SHOP, "2026-11-30")).toEqual([
      { segmentId: "s1", day: "2026-12-01", size: 2, revenue: 5n },
      { segmentId: "s1", day: "2026-12-06", size: 3, revenue: 12345678901234n },
    ]);
  });
});
