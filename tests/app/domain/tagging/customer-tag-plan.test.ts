import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isEmptyPlan,
  planCustomerTags,
  type ConfirmedTag,
  type CustomerTagPlan,
} from "../../../../app/domain/tagging/customer-tag-plan.js";
import { tagKey } from "../../../../app/domain/tagging/tag-key.js";

/** Shopify's tag list for one customer, remembering who put each tag there (the test's knowledge, not Shopify's). */
interface ShopifyTag {
  readonly text: string;
  readonly by: "merchant" | "cohort";
}

// Shopify folds case and trims (the tags-normalization capture); it does not collapse inner spaces.
const shopifyKey = (tag: string): string => tag.trim().toLowerCase();

function tagsAdd(tags: ShopifyTag[], add: readonly string[]): ShopifyTag[] {
  const next = [...tags];
  for (const tag of add)
    if (!next.some((t) => shopifyKey(t.text) === shopifyKey(tag))) next.push({ text: tag, by: "cohort" });
  return next;
}

function tagsRemove(tags: ShopifyTag[], remove: readonly string[]): { next: ShopifyTag[]; removed: ShopifyTag[] } {
  const keys = new Set(remove.map(shopifyKey));
  return {
    next: tags.filter((t) => !keys.has(shopifyKey(t.text))),
    removed: tags.filter((t) => keys.has(shopifyKey(t.text))),
  };
}

/** The bookkeeping the tag service does with a plan and Shopify's answers. */
function recordOutcome(
  confirmed: ConfirmedTag[],
  plan: CustomerTagPlan,
  addOk: boolean,
  removeOk: boolean,
): ConfirmedTag[] {
  const drop = new Set(
    [...(removeOk ? plan.remove : []), ...plan.forget, ...plan.release, ...(addOk ? plan.add : [])].map(tagKey),
  );
  return [
    ...confirmed.filter((record) => !drop.has(tagKey(record.tag))),
    ...(addOk ? plan.add.map((tag) => ({ tag, origin: "cohort" as const })) : []),
    ...plan.adopt.map((tag) => ({ tag, origin: "merchant" as const })),
    ...plan.release.map((tag) => ({ tag, origin: "released" as const })),
  ];
}

const cohortTags = ["cohort:vip", "cohort:at-risk", "cohort:dormant"];
const variants = (tag: string) => [tag, tag.toUpperCase(), ` ${tag} `, tag.replace("cohort:", "Cohort:")];
const merchantTag = fc.oneof(
  fc.constantFrom(...cohortTags.flatMap(variants)),
  fc.constantFrom("wholesale", "VIP", "newsletter", "b2b"),
);
const step = fc.record({
  desired: fc.subarray(cohortTags),
  merchantAdds: fc.array(merchantTag, { maxLength: 2 }),
  merchantRemoves: fc.array(fc.nat(), { maxLength: 2 }),
  addOk: fc.boolean(),
  removeOk: fc.boolean(),
  tagsKnown: fc.boolean(),
});

describe("planning one customer's Cohort tags", () => {
  it("given random memberships, merchant edits and failed writes, then Cohort never removes a tag it did not add and converges to the segments", () => {
    fc.assert(
      fc.property(
        fc.array(merchantTag, { maxLength: 4 }),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        (initial, steps) => {
          let shopify: ShopifyTag[] = tagsAdd([], initial).map((t) => ({ ...t, by: "merchant" as const }));
          let confirmed: ConfirmedTag[] = [];
          for (const s of steps) {
            for (const index of s.merchantRemoves) if (shopify.length > 0) shopify.splice(index % shopify.length, 1);
            // A merchant re-adding Cohort's own tag before Cohort sees the removal is indistinguishable from Cohort's
            // tag never having left: the model leaves that case out.
            const owned = new Set(confirmed.filter((r) => r.origin === "cohort").map((r) => tagKey(r.tag)));
            const adds = s.merchantAdds.filter((tag) => !owned.has(tagKey(tag)));
            shopify = [
              ...shopify,
              ...tagsAdd(shopify, adds)
                .slice(shopify.length)
                .map((t) => ({ ...t, by: "merchant" as const })),
            ];
            const plan = planCustomerTags({
              desired: s.desired,
              confirmed,
              shopifyTags: s.tagsKnown ? shopify.map((t) => t.text) : null,
            });
            if (s.addOk) shopify = tagsAdd(shopify, plan.add);
            if (s.removeOk) {
              const { next, removed } = tagsRemove(shopify, plan.remove);
              expect(removed.filter((t) => t.by === "merchant")).toEqual([]);
              shopify = next;
            }
            confirmed = recordOutcome(confirmed, plan, s.addOk, s.removeOk);

            // With Shopify answering and the tags known, one more plan settles everything.
            const settle = planCustomerTags({ desired: s.desired, confirmed, shopifyTags: shopify.map((t) => t.text) });
            shopify = tagsAdd(shopify, settle.add);
            const { next, removed } = tagsRemove(shopify, settle.remove);
            expect(removed.filter((t) => t.by === "merchant")).toEqual([]);
            shopify = next;
            confirmed = recordOutcome(confirmed, settle, true, true);
            const again = planCustomerTags({ desired: s.desired, confirmed, shopifyTags: shopify.map((t) => t.text) });
            expect(isEmptyPlan(again)).toBe(true);
            for (const tag of s.desired) expect(shopify.some((t) => tagKey(t.text) === tagKey(tag))).toBe(true);
            for (const tag of cohortTags.filter((t) => !s.desired.includes(t))) {
              expect(shopify.some((t) => t.by === "cohort" && tagKey(t.text) === tagKey(tag))).toBe(false);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("given a merchant's VIP and Cohort's vip, then Cohort adopts it and leaving the segment removes nothing", () => {
    const entering = planCustomerTags({ desired: ["vip"], confirmed: [], shopifyTags: ["VIP", "wholesale"] });
    expect(entering).toMatchObject({ add: [], adopt: ["vip"] });
    const leaving = planCustomerTags({
      desired: [],
      confirmed: [{ tag: "vip", origin: "merchant" }],
      shopifyTags: ["VIP"],
    });
    expect(leaving).toMatchObject({ remove: [], forget: ["vip"] });
  });

  it("given tags not known, then a new tag waits for a read and an owned one is still removed", () => {
    const plan = planCustomerTags({
      desired: ["cohort:vip"],
      confirmed: [{ tag: "cohort:dormant", origin: "cohort" }],
      shopifyTags: null,
    });
    expect(plan).toMatchObject({ add: [], readFirst: ["cohort:vip"], remove: ["cohort:dormant"] });
  });

  it("given someone removed Cohort's tag, then it is repaired, or released where repair is off", () => {
    const confirmed: ConfirmedTag[] = [{ tag: "cohort:vip", origin: "cohort" }];
    expect(planCustomerTags({ desired: ["cohort:vip"], confirmed, shopifyTags: [] })).toMatchObject({
      add: ["cohort:vip"],
      repair: ["cohort:vip"],
    });
    const off = planCustomerTags({ desired: ["cohort:vip"], confirmed, shopifyTags: [], noRepair: ["cohort:vip"] });
    expect(off).toMatchObject({ add: [], release: ["cohort:vip"] });
    const released = planCustomerTags({
      desired: ["cohort:vip"],
      confirmed: [{ tag: "cohort:vip", origin: "released" }],
      shopifyTags: [],
    });
    expect(isEmptyPlan(released)).toBe(true);
  });

  it("given a paused segment's tag, then nothing is planned for it either way", () => {
    const plan = planCustomerTags({
      desired: ["cohort:vip"],
      confirmed: [{ tag: "cohort:dormant", origin: "cohort" }],
      shopifyTags: ["cohort:dormant"],
      paused: ["cohort:vip", "cohort:dormant"],
    });
    expect(isEmptyPlan(plan)).toBe(true);
  });

  it("given a customer near Shopify's 250 tags, then additions past the limit are refused and removals make room", () => {
    const full = Array.from({ length: 249 }, (_, i) => `t${i}`);
    const plan = planCustomerTags({ desired: ["cohort:a", "cohort:b"], confirmed: [], shopifyTags: full });
    expect(plan.add).toEqual(["cohort:a"]);
    expect(plan.refused).toEqual([{ tag: "cohort:b", reason: "customer-tag-limit" }]);
    const swap = planCustomerTags({
      desired: ["cohort:a", "cohort:b"],
      confirmed: [{ tag: "cohort:old", origin: "cohort" }],
      shopifyTags: [...full, "cohort:old"],
    });
    expect(swap.add).toEqual(["cohort:a"]);
    expect(swap.remove).toEqual(["cohort:old"]);
  });
});

describe("snapshots older than Cohort's writes", () => {
  it("given a late webhook's tags from before Cohort's add, then the tag is not taken as removed", () => {
    const confirmed: ConfirmedTag[] = [
      { tag: "cohort:vip", origin: "cohort", confirmedAt: "2026-12-07T10:00:00.000Z" },
    ];
    const stale = planCustomerTags({
      desired: ["cohort:vip"],
      confirmed,
      shopifyTags: ["wholesale"],
      shopifyTagsAt: "2026-12-07T09:59:59.000Z",
    });
    expect(isEmptyPlan(stale)).toBe(true);
    const leaving = planCustomerTags({
      desired: [],
      confirmed,
      shopifyTags: [],
      shopifyTagsAt: "2026-12-07T09:00:00.000Z",
    });
    expect(leaving.remove).toEqual(["cohort:vip"]);
    const fresh = planCustomerTags({
      desired: ["cohort:vip"],
      confirmed,
      shopifyTags: ["wholesale"],
      shopifyTagsAt: "2026-12-07T10:00:01.000Z",
    });
    expect(fresh.repair).toEqual(["cohort:vip"]);
  });
});
