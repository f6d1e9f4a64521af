import { defaultSegmentTag } from "../../domain/tagging/segment-tag.js";
import type { TagStateStore } from "./ports.js";
import { planFor } from "./tag-push.js";

export interface TagDryRun {
  tag: string;
  /** Customers who would get the tag, and a sample of them (customer ids). */
  adds: number;
  addSample: string[];
  /** Customers who would lose it. */
  removes: number;
  removeSample: string[];
  /** Members who already carry the tag (or a case or spacing variant) on their own: left as they are, never removed. */
  alreadyTagged: number;
  /** Members Shopify's 250-tag limit would refuse. */
  refused: number;
}

const PAGE = 1_000;
const SAMPLE = 20;

/**
 * The writes that switching a segment's tagging on would make now, computed with the push's own planner over the
 * segment's members and the customers holding its tag; nothing is written.
 */
export async function dryRunSegmentTagging(
  store: TagStateStore,
  shop: string,
  segment: { id: string; name: string },
  tagPrefix?: string,
): Promise<TagDryRun> {
  const current = (await store.taggings(shop)).find((t) => t.segmentId === segment.id);
  const tag = current?.tag ?? defaultSegmentTag(segment.name, segment.id, tagPrefix);
  const run: TagDryRun = { tag, adds: 0, addSample: [], removes: 0, removeSample: [], alreadyTagged: 0, refused: 0 };
  let after: string | null = null;
  for (;;) {
    const ids = await store.customersOf(shop, segment.id, [tag], after, PAGE);
    if (ids.length === 0) break;
    const inputs = await store.inputsFor(shop, ids, { segmentId: segment.id, tag, state: "on" });
    for (const id of ids) {
      const customer = inputs.get(id)!;
      if (!customer.exists) continue;
      const plan = planFor({ ...customer, desired: customer.desired.filter((d) => d.segmentId === segment.id) });
      const mine = (t: string) => t === tag;
      if (plan.add.some(mine)) {
        run.adds++;
        if (run.addSample.length < SAMPLE) run.addSample.push(id);
      }
      if (plan.remove.some(mine)) {
        run.removes++;
        if (run.removeSample.length < SAMPLE) run.removeSample.push(id);
      }
      if (plan.adopt.some(mine) || customer.confirmed.some((c) => c.tag === tag && c.origin === "merchant")) {
        run.alreadyTagged++;
      }
      if (plan.refused.some((r) => mine(r.tag))) run.refused++;
    }
    after = ids[ids.length - 1]!;
    if (ids.length < PAGE) break;
  }
  return run;
}
