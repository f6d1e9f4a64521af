import { rfmGroupDefinitions, rfmGroupOf } from "../../domain/segments/rfm-groups.js";
import { rfmScoresFromThresholds, spendPercentileFromThresholds } from "../../domain/segments/shop-thresholds.js";
import type { CustomerBlockReader } from "./ports.js";

/**
 * The JSON the customer details block (extensions/cohort-customer-block) receives from
 * `/api/customers/<id>/segments`. The block parses it with its own plain checks (src/summary.ts there), and a test
 * holds the two together.
 */
export interface CustomerBlockSummary {
  customerId: string;
  /** False when Cohort has not synced this customer: nothing else is known. */
  known: boolean;
  segments: Array<{ id: string; name: string; enteredAt: string }>;
  /** Null without orders, or before the shop's first full evaluation ranked its customers. */
  rfm: { recency: number; frequency: number; monetary: number; group: string } | null;
  /** 0–99 among the shop's customers by net spend; null before the first full evaluation. */
  spendPercentile: number | null;
  /** When the scores' thresholds were computed. */
  scoredAt: string | null;
}

export interface CustomerBlockDeps {
  reader: CustomerBlockReader;
}

/** One customer's segments and scores, as the shop's latest evaluation places them. */
export async function customerBlockSummary(
  { reader }: CustomerBlockDeps,
  shop: string,
  customerId: string,
): Promise<CustomerBlockSummary> {
  const metrics = await reader.customerMetrics(shop, customerId);
  if (metrics === null) {
    return { customerId, known: false, segments: [], rfm: null, spendPercentile: null, scoredAt: null };
  }
  const [memberships, stored, overrides] = await Promise.all([
    reader.memberships(shop, customerId),
    reader.thresholds(shop),
    reader.rfmGroupOverrides(shop),
  ]);
  const scores = stored ? rfmScoresFromThresholds(stored.thresholds, metrics) : null;
  return {
    customerId,
    known: true,
    segments: memberships.map(({ segmentId, name, enteredAt }) => ({ id: segmentId, name, enteredAt })),
    rfm: scores ? { ...scores, group: rfmGroupOf(scores, rfmGroupDefinitions(overrides)) } : null,
    spendPercentile: stored ? spendPercentileFromThresholds(stored.thresholds, metrics.netSpend) : null,
    scoredAt: stored?.computedAt ?? null,
  };
}
