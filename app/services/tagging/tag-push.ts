import { planCustomerTags, type CustomerTagPlan } from "../../domain/tagging/customer-tag-plan.js";
import { tagKey } from "../../domain/tagging/tag-key.js";
import type {
  CustomerTagInputs,
  CustomerTagRecord,
  PendingTagWork,
  TagAuditEntry,
  TagPushWriter,
  TagStateStore,
  TagWrite,
  TagWriteOutcome,
  TagWriteStatus,
} from "./ports.js";

export interface TagPushDeps {
  store: TagStateStore;
  writer: TagPushWriter;
  now?: () => Date;
}

export interface TagPushSummary {
  customers: number;
  added: number;
  removed: number;
  repaired: number;
  adopted: number;
  released: number;
  refused: number;
  rejected: number;
  failed: number;
}

/** Customers a push takes at once: one read of their state, one round of writes, one recording transaction. */
export const PUSH_BATCH = 500;
/**
 * Customers a push takes at once when as many wait as the bulk path starts at: one bulk operation carries them
 * all (Shopify runs a bulk operation's lines at its own pace; its fixed cost, the upload and the polls, is paid once
 * per this many rather than once per PUSH_BATCH).
 */
export const BULK_PUSH_BATCH = 10_000;
/** A customer whose write failed is tried again after this, doubling per attempt up to an hour. */
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 60 * 60 * 1000;

export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(attempts, 20));
}

const emptySummary = (): TagPushSummary => ({
  customers: 0,
  added: 0,
  removed: 0,
  repaired: 0,
  adopted: 0,
  released: 0,
  refused: 0,
  rejected: 0,
  failed: 0,
});

/**
 * Drains a shop's tag outbox: for each marked customer, the plan that makes their Cohort tags in Shopify equal to
 * their segments, written with tagsAdd/tagsRemove, then recorded with its audit. A crash before recording leaves
 * the marks, and the next push plans again from what Shopify confirmed: a write may be repeated, never its effect
 * (tagsAdd and tagsRemove are idempotent), and nothing is lost.
 */
export async function pushPendingTags(
  deps: TagPushDeps,
  shop: string,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<TagPushSummary> {
  const now = deps.now ?? (() => new Date());
  const summary = emptySummary();
  for (let batch = 0; batch < (options.maxBatches ?? Number.POSITIVE_INFINITY); batch++) {
    const batchSize = options.batchSize ?? (await batchSizeFor(deps, shop));
    const work = await deps.store.takePending(shop, now(), batchSize);
    if (work.length === 0) break;
    const inputs = await deps.store.inputsFor(
      shop,
      work.map((w) => w.customerId),
    );
    const planned = work.map((w) => ({
      work: w,
      inputs: inputs.get(w.customerId)!,
      plan: planFor(inputs.get(w.customerId)!),
    }));
    const writes: TagWrite[] = planned
      .filter((p) => p.inputs.exists && (p.plan.add.length > 0 || p.plan.remove.length > 0))
      .map((p) => ({ customerId: p.work.customerId, add: [...p.plan.add], remove: [...p.plan.remove] }));
    const unrecorded = planned
      .filter((p) => p.inputs.exists)
      .flatMap((p) =>
        p.plan.add
          .filter((tag) => !p.inputs.confirmed.some((c) => tagKey(c.tag) === tagKey(tag)))
          .map((tag) => ({ customerId: p.work.customerId, tag })),
      );
    if (writes.length > 0) await deps.store.recordSending(shop, unrecorded, now());
    const outcomes = writes.length === 0 ? [] : await deps.writer.write(shop, writes);
    const outcomeOf = new Map(outcomes.map((o) => [o.customerId, o]));
    const at = now();
    const records = planned.map((p) =>
      recordFor(p.work, p.inputs, p.plan, outcomeOf.get(p.work.customerId), at, summary),
    );
    await deps.store.record(shop, records, at);
    summary.customers += work.length;
    if (work.length < batchSize) break;
  }
  return summary;
}

/** PUSH_BATCH, or up to BULK_PUSH_BATCH when the customers waiting would go through the bulk path anyway. */
async function batchSizeFor(deps: TagPushDeps, shop: string): Promise<number> {
  const threshold = (await deps.writer.bulkThreshold?.(shop)) ?? null;
  if (threshold === null) return PUSH_BATCH;
  const pending = await deps.store.pendingCount(shop);
  return pending >= threshold ? Math.max(PUSH_BATCH, Math.min(pending, BULK_PUSH_BATCH)) : PUSH_BATCH;
}

/** The plan for one customer; a second removal by someone else of a tag Cohort already restored once is let be. */
export function planFor(inputs: CustomerTagInputs): CustomerTagPlan {
  const repairedBefore = inputs.confirmed.filter((c) => c.origin === "cohort" && c.repairs > 0).map((c) => c.tag);
  return planCustomerTags({
    desired: inputs.desired.map((d) => d.tag),
    confirmed: inputs.confirmed,
    shopifyTags: inputs.shopifyTags,
    ...(inputs.shopifyTagsAt === null ? {} : { shopifyTagsAt: inputs.shopifyTagsAt }),
    paused: inputs.paused,
    noRepair: [...inputs.noRepair, ...repairedBefore],
  });
}

function recordFor(
  work: PendingTagWork,
  inputs: CustomerTagInputs,
  plan: CustomerTagPlan,
  outcome: TagWriteOutcome | undefined,
  at: Date,
  summary: TagPushSummary,
): CustomerTagRecord {
  const customerId = work.customerId;
  const segmentOf = new Map(inputs.desired.map((d) => [tagKey(d.tag), d]));
  const previous = new Map(inputs.confirmed.map((c) => [tagKey(c.tag), c]));
  const audit: TagAuditEntry[] = [];
  const entry = (
    tag: string,
    action: TagAuditEntry["action"],
    result: TagAuditEntry["result"],
    message: string | null,
  ) => {
    const desired = segmentOf.get(tagKey(tag));
    audit.push({
      customerId,
      segmentId: desired?.segmentId ?? null,
      tag,
      action,
      ruleText: desired?.ruleText ?? null,
      cause: work.cause,
      causeRef: work.causeRef,
      result,
      message,
    });
  };

  if (!inputs.exists) {
    // Gone from Shopify (or never synced): nothing to write, nothing left to own.
    return {
      customerId,
      generation: work.generation,
      confirm: [],
      drop: inputs.confirmed.map((c) => c.tag),
      audit,
      retryAt: null,
    };
  }

  const confirm: CustomerTagRecord["confirm"] = [];
  const drop: string[] = [...plan.forget];
  let retry = plan.readFirst.length > 0;
  for (const tag of plan.adopt) {
    confirm.push({ tag, origin: "merchant", repairs: 0 });
    entry(tag, "adopt", "recorded", "the customer already carried this tag: Cohort will never remove it");
    summary.adopted++;
  }
  for (const tag of plan.release) {
    confirm.push({ tag, origin: "released", repairs: previous.get(tagKey(tag))?.repairs ?? 0 });
    entry(tag, "release", "recorded", "removed by someone else, with repair off or after a repair: left alone");
    summary.released++;
  }
  for (const refused of plan.refused) {
    entry(refused.tag, "refuse", "rejected", "the customer already has Shopify's maximum of 250 tags");
    summary.refused++;
  }

  const repairs = new Set(plan.repair.map(tagKey));
  const settle = (status: TagWriteStatus | null | undefined, tags: readonly string[], kind: "add" | "remove"): void => {
    if (tags.length === 0) return;
    if (status === null || status === undefined) {
      retry = true;
      for (const tag of tags) entry(tag, kind, "failed", "no answer from Shopify");
      summary.failed += tags.length;
      return;
    }
    if (status.status === "applied") {
      for (const tag of tags) {
        if (kind === "remove") {
          drop.push(tag);
          summary.removed++;
          entry(tag, "remove", "applied", null);
        } else {
          const repaired = repairs.has(tagKey(tag));
          const before = previous.get(tagKey(tag))?.repairs ?? 0;
          confirm.push({ tag, origin: "cohort", repairs: repaired ? before + 1 : 0 });
          entry(tag, repaired ? "repair" : "add", "applied", null);
          if (repaired) summary.repaired++;
          else summary.added++;
        }
      }
      return;
    }
    if (status.status === "rejected") {
      for (const tag of tags) entry(tag, kind, "rejected", status.message);
      summary.rejected += tags.length;
      // A refused add leaves nothing to own: its `sending` record (or none) goes; a held tag's record stays.
      if (kind === "add")
        drop.push(...tags.filter((tag) => [undefined, "sending"].includes(previous.get(tagKey(tag))?.origin)));
      if (status.customerGone) drop.push(...inputs.confirmed.map((c) => c.tag), ...plan.add);
      return;
    }
    retry = true;
    for (const tag of tags) entry(tag, kind, "failed", status.message);
    summary.failed += tags.length;
  };
  settle(outcome?.add, plan.add, "add");
  settle(outcome?.remove, plan.remove, "remove");

  const retryAt = retry ? new Date(at.getTime() + retryDelayMs(work.attempts)) : null;
  return { customerId, generation: work.generation, confirm, drop, audit, retryAt };
}
