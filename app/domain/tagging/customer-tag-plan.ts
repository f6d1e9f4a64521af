import { tagKey } from "./tag-key.js";
import { MAX_TAGS_PER_CUSTOMER } from "./tag-limits.js";

/**
 * What Cohort last recorded of one of its tags on one customer:
 * - `cohort`: Cohort added it and Shopify confirmed; Cohort removes it when the customer leaves.
 * - `merchant`: the customer already carried the tag (or a case or spacing variant) when Cohort first wanted it.
 *   Shopify removes tags case-insensitively, so removing Cohort's would remove the merchant's: Cohort never does.
 * - `released`: Cohort added it, someone removed it and repair is off for it; Cohort leaves it alone until the
 *   customer leaves the segment.
 * - `sending`: Cohort sent `tagsAdd` and has no answer recorded (the process may have died after Shopify applied it).
 *   A snapshot showing the tag then shows Cohort's write, not the merchant's: the add is sent again (idempotent) and
 *   the tag stays Cohort's; if the customer no longer belongs, it is removed.
 */
export type ConfirmedTagOrigin = "cohort" | "merchant" | "released" | "sending";

export interface ConfirmedTag {
  readonly tag: string;
  readonly origin: ConfirmedTagOrigin;
  /** When Shopify acknowledged it (ISO); a snapshot of the customer not newer than this cannot show it removed. */
  readonly confirmedAt?: string;
}

export interface CustomerTagState {
  /** The Cohort tags this customer should carry: the tags of the segments they belong to, tagging on. */
  readonly desired: readonly string[];
  readonly confirmed: readonly ConfirmedTag[];
  /** The customer's tags as Shopify last showed them (a webhook, a read), or null when not known. */
  readonly shopifyTags: readonly string[] | null;
  /** When Shopify's snapshot of those tags was taken (the customer's updatedAt, ISO). */
  readonly shopifyTagsAt?: string;
  /** Tags of segments whose tagging is paused: nothing is added, removed or forgotten for them. */
  readonly paused?: readonly string[];
  /** Tags not to restore when someone removed them (repair off for the segment, or removed by hand twice). */
  readonly noRepair?: readonly string[];
}

export interface RefusedTag {
  readonly tag: string;
  readonly reason: "customer-tag-limit";
}

export interface CustomerTagPlan {
  /** Write with `tagsAdd`; on success record as `cohort`. */
  readonly add: readonly string[];
  /** Of `add`, the ones restoring a tag someone else removed. */
  readonly repair: readonly string[];
  /** Write with `tagsRemove`; on success forget. */
  readonly remove: readonly string[];
  /** No write: record that the customer already carries the tag on their own (`merchant`). */
  readonly adopt: readonly string[];
  /** No write: record that someone removed the tag and Cohort will leave it so (`released`). */
  readonly release: readonly string[];
  /** No write: drop the record. */
  readonly forget: readonly string[];
  /** Wanted but not writable: the customer would pass Shopify's tag limit. */
  readonly refused: readonly RefusedTag[];
  /**
   * Wanted tags with no record while the customer's tags are unknown: adding blindly could make a merchant's
   * "VIP" look like Cohort's "vip" (Shopify's add is then a no-op) and later remove it. Read the tags, plan again.
   */
  readonly readFirst: readonly string[];
}

/** The writes (and bookkeeping) that make one customer's Cohort tags in Shopify equal to their segments. */
export function planCustomerTags(state: CustomerTagState): CustomerTagPlan {
  const paused = new Set((state.paused ?? []).map(tagKey));
  const noRepair = new Set((state.noRepair ?? []).map(tagKey));
  const desired = new Map<string, string>();
  for (const tag of state.desired) if (!paused.has(tagKey(tag))) desired.set(tagKey(tag), tag);
  const confirmed = new Map<string, ConfirmedTag>();
  for (const record of state.confirmed) if (!paused.has(tagKey(record.tag))) confirmed.set(tagKey(record.tag), record);
  const known = state.shopifyTags !== null;
  const present = new Set((state.shopifyTags ?? []).map(tagKey));

  const plan = { add: [] as string[], repair: [] as string[], remove: [] as string[], adopt: [] as string[] };
  const release: string[] = [];
  const forget: string[] = [];
  const readFirst: string[] = [];

  // A snapshot taken before Cohort's write was acknowledged (a late webhook) says nothing of that tag's removal.
  const missing = (key: string, record: ConfirmedTag): boolean =>
    known &&
    !present.has(key) &&
    !(
      state.shopifyTagsAt !== undefined &&
      record.confirmedAt !== undefined &&
      state.shopifyTagsAt <= record.confirmedAt
    );

  for (const [key, tag] of desired) {
    const record = confirmed.get(key);
    if (record === undefined) {
      if (!known) readFirst.push(tag);
      else if (present.has(key)) plan.adopt.push(tag);
      else plan.add.push(tag);
    } else if (record.origin === "sending") {
      plan.add.push(record.tag);
    } else if (record.origin === "cohort" && missing(key, record)) {
      if (noRepair.has(key)) release.push(record.tag);
      else {
        plan.add.push(record.tag);
        plan.repair.push(record.tag);
      }
    } else if (record.origin === "merchant" && missing(key, record)) {
      // The merchant's own tag went away while the customer still belongs: from now on the tag is Cohort's.
      plan.add.push(record.tag);
    }
  }
  for (const [key, record] of confirmed) {
    if (desired.has(key)) continue;
    if ((record.origin === "cohort" || record.origin === "sending") && !missing(key, record)) {
      plan.remove.push(record.tag);
    } else forget.push(record.tag);
  }

  const refused: RefusedTag[] = [];
  if (known) {
    const room = MAX_TAGS_PER_CUSTOMER - present.size;
    const removedNow = plan.remove.filter((tag) => present.has(tagKey(tag))).length;
    const kept = Math.max(0, room + removedNow);
    for (const tag of plan.add.splice(kept)) refused.push({ tag, reason: "customer-tag-limit" });
    const addedKeys = new Set(plan.add.map(tagKey));
    plan.repair = plan.repair.filter((tag) => addedKeys.has(tagKey(tag)));
  }
  return { ...plan, release, forget, refused, readFirst };
}

export function isEmptyPlan(plan: CustomerTagPlan): boolean {
  return (
    plan.add.length + plan.remove.length + plan.adopt.length + plan.release.length + plan.forget.length === 0 &&
    plan.refused.length + plan.readFirst.length === 0
  );
}
